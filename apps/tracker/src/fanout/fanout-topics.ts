import { coordinationTopicSpec, progressTopicSpec, publishedTopicSpecs } from '@tracker/fanout';
import type { AppConfig } from '../config/config';

export type KafkaConfig = NonNullable<AppConfig['kafka']>;

/**
 * Every Kafka topic and group the service uses, with the settings it needs: what the publisher and
 * the election create when missing, and what deploy/'s topic manifests are checked against.
 */
export const fanoutTopics = (kafka: KafkaConfig) => {
  const { topics, partitions, transactionalId } = kafka;
  return {
    /** The consumers' topics (docs/kafka.md). */
    published: publishedTopicSpecs(topics, partitions),
    /** The publisher's committed store position, as this group's offsets on this topic. */
    progress: progressTopicSpec(`${transactionalId}.progress`),
    progressGroupId: `${transactionalId}.progress`,
    /** The election of the one active publisher: this group, this one-partition topic. */
    coordination: coordinationTopicSpec(`${transactionalId}.leader`),
    coordinationGroupId: `${transactionalId}.leader`,
  };
};
