import type { Admin, Transaction } from 'kafkajs';
import type { StorePosition } from '@tracker/event-store';
import type { TopicSpec } from './fanout-record';

/** The progress topic holds no records; it needs its two partitions for the two offsets. */
export const progressTopicSpec = (name: string): TopicSpec => ({
  name,
  compacted: true,
  partitions: 2,
});

/**
 * Where the publisher is, kept in Kafka itself so that it commits atomically with the records: the
 * store position is written as the consumer-group offsets of a one-purpose topic (partition 0 =
 * commit, partition 1 = prepare) through `sendOffsets` inside the publishing transaction. Kafka
 * stores committed offsets as given, and they become visible only if the transaction commits, so
 * after a crash the publisher resumes exactly after the last records a read-committed consumer saw.
 */
export class PublisherProgress {
  constructor(
    private readonly admin: Admin,
    readonly topic: string,
    readonly groupId: string,
  ) {}

  async read(): Promise<StorePosition | undefined> {
    const [topic] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    const offset = (partition: number) =>
      topic?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    const commit = BigInt(offset(0));
    const prepare = BigInt(offset(1));
    return commit < 0n ? undefined : { commit, prepare: prepare < 0n ? commit : prepare };
  }

  async writeIn(transaction: Transaction, position: StorePosition): Promise<void> {
    await transaction.sendOffsets({
      consumerGroupId: this.groupId,
      topics: [
        {
          topic: this.topic,
          partitions: [
            { partition: 0, offset: position.commit.toString() },
            { partition: 1, offset: position.prepare.toString() },
          ],
        },
      ],
    });
  }
}
