import type { Kafka } from 'kafkajs';
import type { CallStateFolder } from '@tracker/call-stream';
import type { EventStore } from '@tracker/event-store';
import { CallRecordMapper, KafkaPublisher, PublisherLogger, PublishTimes } from '@tracker/fanout';
import type { AppConfig } from '../config/config';
import { CommittedBatch, committedNow } from '../metrics/committed-batch';
import { fanoutTopics } from './fanout-topics';

export type KafkaSettings = NonNullable<AppConfig['kafka']>;

/**
 * A transaction the publisher committed, as the metrics take it (structured-cloneable): its events'
 * `created` times and when it committed, stamped in the publisher's thread.
 */
export interface PublishedTransaction extends CommittedBatch {
  /** Where its first event's time went, stage by stage. */
  readonly times: PublishTimes;
}

/** The one way a publisher is made, on the HTTP loop or in its own thread. */
export const kafkaPublisherFor = (options: {
  readonly kafka: KafkaSettings;
  readonly client: Kafka;
  readonly store: EventStore;
  readonly folder: CallStateFolder;
  readonly logger: PublisherLogger;
  /** Each transaction committed to Kafka (metrics). */
  readonly onPublished: (published: PublishedTransaction) => void;
}): KafkaPublisher => {
  const topics = fanoutTopics(options.kafka);
  return new KafkaPublisher({
    kafka: options.client,
    store: options.store,
    recordsFor: new CallRecordMapper(options.kafka.topics, options.folder).recordsFor,
    topics: topics.published,
    transactionalId: options.kafka.transactionalId,
    maxTopicBatchBytes: options.kafka.maxTopicBatchBytes,
    progressTopic: topics.progress.name,
    progressGroupId: topics.progressGroupId,
    logger: options.logger,
    onPublished: (batch, times) => options.onPublished({ ...committedNow(batch), times }),
  });
};
