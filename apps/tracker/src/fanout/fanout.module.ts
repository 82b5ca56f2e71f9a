import {
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { kafkaClient, Publisher, PublisherLeadership } from '@tracker/fanout';
import { CallStateFolder } from '@tracker/call-stream';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { publishedObserver, registerHandOvers } from './fanout-metrics';
import { fanoutTopics } from './fanout-topics';
import { kafkaPublisherFor } from './kafka-publisher-for';
import { PublisherThread } from './thread/publisher-thread';

const createLeadership = (
  config: AppConfig,
  store: EventStore,
  metrics: TrackerMetrics,
  folder: CallStateFolder,
): PublisherLeadership | null => {
  const logger = new Logger('Fanout');
  const kafka = config.kafka;
  if (!kafka) {
    logger.warn(
      'Kafka fan-out is OFF: set KAFKA_BROKERS (e.g. 127.0.0.1:9092) to publish call state',
    );
    return null;
  }
  logger.log(
    `Kafka fan-out to ${kafka.brokers.join(',')} as "${kafka.transactionalId}" (publisher: ${kafka.publisher})`,
  );
  const client = kafkaClient(kafka);
  const topics = fanoutTopics(kafka);
  const onPublished = publishedObserver(metrics.registry); // one for every publisher elected here
  let newPublisher: () => Publisher;
  if (kafka.publisher === 'thread') {
    let threadId: number | undefined;
    metrics.threads.set('publisher', () => threadId);
    newPublisher = () =>
      new PublisherThread({ store: config.store, kafka }, store, logger, onPublished, (id) => {
        threadId = id;
      });
  } else {
    // Only here does the write side hand its states over to the record mapper.
    registerHandOvers(metrics.registry, folder);
    newPublisher = () => kafkaPublisherFor({ kafka, client, store, folder, logger, onPublished });
  }
  return new PublisherLeadership({
    kafka: client,
    groupId: topics.coordinationGroupId,
    topic: topics.coordination.name,
    newPublisher,
    logger,
  });
};

/**
 * Kafka fan-out when KAFKA_BROKERS is set (`PublisherLeadership` is null otherwise): every instance
 * joins the election, and the elected one publishes from a store subscription, in a thread of its
 * own unless KAFKA_PUBLISHER=inline.
 */
@Module({
  providers: [
    {
      provide: PublisherLeadership,
      inject: [APP_CONFIG, EVENT_STORE, TrackerMetrics, CallStateFolder],
      useFactory: createLeadership,
    },
  ],
  exports: [PublisherLeadership],
})
export class FanoutModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Optional()
    @Inject(PublisherLeadership)
    private readonly leadership: PublisherLeadership | null,
  ) {}

  onApplicationBootstrap(): void {
    this.leadership?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.leadership?.stop();
  }
}
