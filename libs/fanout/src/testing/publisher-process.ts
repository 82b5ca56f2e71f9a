/**
 * Child process for the publisher crash test: publishes an embedded store file to Kafka until it is
 * killed. argv: storePath topicPrefix transactionalId
 */
import { EmbeddedEventStore } from '@tracker/event-store';
import { KafkaPublisher } from '../kafka-publisher';
import { testKafka } from './kafka-test-kit';
import { testPublisherOptions } from './publisher-fixtures';

const [storePath, prefix, transactionalId] = process.argv.slice(2);
const store = EmbeddedEventStore.open({ path: storePath, pollIntervalMs: 20 });
const publisher = new KafkaPublisher({
  ...testPublisherOptions(prefix, testKafka('publisher-process'), store),
  transactionalId,
  maxBatch: 25,
  logger: {
    log: () => undefined,
    warn: () => undefined,
    error: (m) => process.stderr.write(`${m}\n`),
  },
});
publisher.start();
setInterval(
  () =>
    process.stdout.write(
      `${JSON.stringify({ published: publisher.currentStatus.publishedEvents })}\n`,
    ),
  50,
);
