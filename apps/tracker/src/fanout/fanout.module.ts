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
import { KafkaPublisher } from '@tracker/fanout';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CallRecordMapper } from './call-records';

const createPublisher = (config: AppConfig, store: EventStore): KafkaPublisher | null => {
  const logger = new Logger('Fanout');
  const kafka = config.kafka;
  if (!kafka) {
    logger.warn(
      'Kafka fan-out is OFF: set KAFKA_BROKERS (e.g. 127.0.0.1:9092) to publish call state',
    );
    return null;
  }
  logger.log(`Kafka fan-out to ${kafka.brokers.join(',')} as "${kafka.transactionalId}"`);
  const topics = kafka.topics;
  return new KafkaPublisher({
    kafka: new Kafka({
      clientId: kafka.clientId,
      brokers: [...kafka.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    }),
    store,
    recordsFor: new CallRecordMapper(store, topics).recordsFor,
    topics: [
      { name: topics.callState, compacted: true, partitions: kafka.partitions },
      { name: topics.operationState, compacted: true, partitions: kafka.partitions },
      { name: topics.callEvents, compacted: false, partitions: kafka.partitions },
    ],
    transactionalId: kafka.transactionalId,
    progressTopic: `${kafka.transactionalId}.progress`,
    progressGroupId: `${kafka.transactionalId}.progress`,
    logger,
  });
};

/** Publishes from a store subscription when KAFKA_BROKERS is set; `KafkaPublisher` is null otherwise. */
@Module({
  providers: [
    { provide: KafkaPublisher, inject: [APP_CONFIG, EVENT_STORE], useFactory: createPublisher },
  ],
  exports: [KafkaPublisher],
})
export class FanoutModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Optional() @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher | null,
  ) {}

  onApplicationBootstrap(): void {
    this.publisher?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher?.stop();
  }
}
