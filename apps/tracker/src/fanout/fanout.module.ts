import {
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { KafkaPublisher, PublisherLeadership } from '@tracker/fanout';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { CallRecordMapper } from '@tracker/fanout';
import { CallStateFolder } from '@tracker/call-stream';
import { publishedObserver, registerHandOvers } from './fanout-metrics';
import { fanoutTopics } from './fanout-topics';

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
  logger.log(`Kafka fan-out to ${kafka.brokers.join(',')} as "${kafka.transactionalId}"`);
  const client = new Kafka({
    clientId: kafka.clientId,
    brokers: [...kafka.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  const topics = fanoutTopics(kafka);
  const recordsFor = new CallRecordMapper(kafka.topics, folder).recordsFor;
  const onPublished = publishedObserver(metrics.registry); // one for every publisher elected here
  registerHandOvers(metrics.registry, folder);
  return new PublisherLeadership({
    kafka: client,
    groupId: topics.coordinationGroupId,
    topic: topics.coordination.name,
    newPublisher: () =>
      new KafkaPublisher({
        kafka: client,
        store,
        recordsFor,
        topics: topics.published,
        transactionalId: kafka.transactionalId,
        progressTopic: topics.progress.name,
        progressGroupId: topics.progressGroupId,
        logger,
        onPublished,
      }),
    logger,
  });
};

/**
 * Kafka fan-out when KAFKA_BROKERS is set (`PublisherLeadership` is null otherwise): every instance
 * joins the election, and the elected one publishes from a store subscription.
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
