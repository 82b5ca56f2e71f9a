import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message } from 'kafkajs';
import type { StorePosition } from '@tracker/event-store';
import type { TopicSpec } from './fanout-record';

/**
 * Two partitions because the first format used them (commit and prepare offsets); records go to
 * partition 0 only.
 */
export const progressTopicSpec = (name: string): TopicSpec => ({
  name,
  compacted: true,
  partitions: 2,
});

const KEY = 'position';
/** Key of the record each publisher commits before it reads (`barrier`); never a position. */
const BARRIER_KEY = 'barrier';
const PARTITION = 0;
/** Offsets read back from the end first: 1,000 transactions' records and their markers. */
const TAIL = 2000n;
const READ_TIMEOUT_MS = 60_000;

/** The progress record to send in the same transaction as the records up to `position`. */
export const progressMessage = (
  topic: string,
  position: StorePosition,
): { topic: string; messages: Message[] } => ({
  topic,
  messages: [
    {
      key: KEY,
      partition: PARTITION,
      value: JSON.stringify({
        commit: position.commit.toString(),
        prepare: position.prepare.toString(),
      }),
    },
  ],
});

const parsePosition = (value: Buffer | null): StorePosition | undefined => {
  if (!value) return undefined;
  const parsed = JSON.parse(value.toString()) as { commit: string; prepare: string };
  return { commit: BigInt(parsed.commit), prepare: BigInt(parsed.prepare) };
};

/**
 * Where the publisher is, kept in Kafka itself so that it commits atomically with the records: each
 * publishing transaction also writes one record (key `position`, the store position it reaches) to
 * a one-purpose compacted topic. A read-committed reader sees it only if the transaction committed,
 * so after a crash the publisher resumes exactly after the last records a consumer saw.
 *
 * A record, not `sendOffsets`: that costs two more round trips per transaction (AddOffsetsToTxn,
 * then TxnOffsetCommit to the group coordinator) and a marker on `__consumer_offsets`, which the
 * next transaction waits for. Progress written by the earlier format (the consumer-group offsets
 * of `groupId`) is still read when the topic holds no record yet.
 */
export class PublisherProgress {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    readonly topic: string,
    readonly groupId: string,
  ) {}

  message(position: StorePosition): { topic: string; messages: Message[] } {
    return progressMessage(this.topic, position);
  }

  /**
   * The record a publisher commits in its first transaction, before `read()`. Kafka acknowledges it
   * only once the partition's high watermark has passed it, so the end `read()` looks up covers
   * every record committed before. Without it, a broker restarted after a crash could report the
   * partition's end below records it had acknowledged (most likely a high watermark restored from
   * its checkpoint, written every 5 s by default): the read stopped short of the last committed
   * position, and the publisher sent that transaction's records again (seen in the broker fault
   * test, about one run in ten on a freshly formatted broker). A tombstone: compaction removes it.
   */
  barrier(): { topic: string; messages: Message[] } {
    return {
      topic: this.topic,
      messages: [{ key: BARRIER_KEY, partition: PARTITION, value: null }],
    };
  }

  /**
   * The last committed position. Call it after this producer committed `barrier()`: its first
   * transaction fenced any older publisher and ended that one's open transaction, so nothing before
   * the barrier is pending, and the end read here lies past the barrier.
   */
  async read(): Promise<StorePosition | undefined> {
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    const partition = offsets.find((p) => p.partition === PARTITION);
    const low = BigInt(partition?.low ?? '0');
    const high = BigInt(partition?.high ?? '0');
    if (high > low) {
      const tailStart = high - TAIL > low ? high - TAIL : low;
      const found = await this.lastCommittedBetween(tailStart, high);
      // Only aborted transactions in the tail (1,000 of them in a row): read the whole partition.
      const position =
        found ?? (tailStart > low ? await this.lastCommittedBetween(low, high) : undefined);
      if (position) return position;
    }
    return this.readGroupOffsets();
  }

  /** The earlier format: commit and prepare as the group's offsets of partitions 0 and 1. */
  private async readGroupOffsets(): Promise<StorePosition | undefined> {
    const [topic] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    const offset = (partition: number) =>
      topic?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    const commit = BigInt(offset(0));
    const prepare = BigInt(offset(1));
    return commit < 0n ? undefined : { commit, prepare: prepare < 0n ? commit : prepare };
  }

  /**
   * Reads partition 0 from `from` up to `high` with a read-committed consumer (kafkajs has no
   * group-less fetch; the throwaway group commits nothing) and returns the last position seen.
   */
  private async lastCommittedBetween(
    from: bigint,
    high: bigint,
  ): Promise<StorePosition | undefined> {
    const consumer = this.kafka.consumer({
      groupId: `${this.groupId}.reader-${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 50,
    });
    let last: StorePosition | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      const reachedEnd = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading the progress topic ${this.topic} timed out`)),
          READ_TIMEOUT_MS,
        );
        // Also emitted for a batch of markers or aborted records only, so the end is always seen.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (payload.partition === PARTITION && BigInt(payload.lastOffset) >= high - 1n) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (partition === PARTITION && message.key?.toString() === KEY) {
            last = parsePosition(message.value) ?? last;
          }
        },
      });
      consumer.seek({ topic: this.topic, partition: PARTITION, offset: from.toString() });
      await reachedEnd;
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return last;
  }
}
