/**
 * Child process for the publisher crash test: publishes an embedded store file to Kafka until it is
 * killed. argv: storePath topicPrefix transactionalId
 */
import { EmbeddedEventStore } from '@tracker/event-store';
import { KafkaPublisher } from '../kafka-publisher';
import { testKafka } from './kafka-test-kit';

const [storePath, prefix, transactionalId] = process.argv.slice(2);
const store = EmbeddedEventStore.open({ path: storePath, pollIntervalMs: 20 });
const publisher = new KafkaPublisher({
  kafka: testKafka('publisher-process'),
  store,
  transactionalId,
  progressTopic: `${prefix}.progress`,
  progressGroupId: `${prefix}.progress`,
  topics: [{ name: `${prefix}.events`, compacted: false, partitions: 3 }],
  maxBatch: 25,
  recordsFor: async (event) => [
    {
      topic: `${prefix}.events`,
      key: event.streamId,
      value: JSON.stringify({ id: event.id, revision: Number(event.revision) }),
      headers: { ce_id: event.id },
    },
  ],
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
