import { Admin, Message, PartitionMetadata, Partitioners, Producer, TopicMessages } from 'kafkajs';
import type { RecordedEvent } from '@tracker/event-store';
import type { FanoutRecord } from './fanout-record';

export type RecordsFor = (event: RecordedEvent) => Promise<readonly FanoutRecord[]>;

const FENCED = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** Another producer took over this transactional id: this one must stop, not retry. */
export const isFenced = (error: unknown): boolean => {
  const type = (error as { type?: string })?.type;
  return (
    (type !== undefined && FENCED.has(type)) ||
    /fenced|newer producer|epoch/i.test(String((error as Error)?.message))
  );
};

export const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

const ABORT_TIMEOUT_MS = 5000;

/**
 * Events mapped between two turns of the event loop. The publisher maps the next batch while the
 * previous transaction is with the broker; mapped in one go (500 events, ~25 ms), the mapping held
 * up the broker's first answer, so the transaction's encoding started late and its last round
 * trips found nothing left to overlap.
 */
export const MAP_SLICE = 32;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** In order, one event at a time (a mapper may fold state event by event): each event's records. */
export const mapInOrder = async (
  events: readonly RecordedEvent[],
  recordsFor: RecordsFor,
): Promise<Array<readonly FanoutRecord[]>> => {
  const records: Array<readonly FanoutRecord[]> = [];
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && i % MAP_SLICE === 0) await nextTurn();
    records.push(await recordsFor(events[i]));
  }
  return records;
};

/**
 * The bytes of records one Kafka transaction sends to one partition of a topic at most, by default.
 * The broker refuses a record batch (one partition's records in one produce request) over its
 * `message.max.bytes`, 1,048,588 bytes by default, and the publisher would then retry the same
 * batch for ever; the rest is room for the batch's framing.
 */
export const MAX_TOPIC_BATCH_BYTES = 1_000_000;

/** The partition of its topic a record goes to, or -1 when not known. */
export type PartitionOf = (record: FanoutRecord) => number;

/**
 * Where kafkajs's default partitioner (the producer's; Java's murmur2 of the key) sends a record,
 * given each topic's partition count. The counts are read when a publisher starts: should a topic
 * gain partitions meanwhile, a batch may pass the bound and be refused, and the publisher's retry
 * starts again with fresh counts.
 */
export const partitionOfByKey = (partitionCounts: ReadonlyMap<string, number>): PartitionOf => {
  const partitioner = Partitioners.DefaultPartitioner();
  const metadata = new Map<string, PartitionMetadata[]>();
  for (const [topic, count] of partitionCounts) {
    metadata.set(
      topic,
      Array.from({ length: count }, (_, partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        offlineReplicas: [],
      })),
    );
  }
  return (record) => {
    const partitionMetadata = metadata.get(record.topic);
    if (!partitionMetadata) return -1;
    return partitioner({
      topic: record.topic,
      partitionMetadata,
      message: { key: record.key, value: record.value },
    });
  };
};

/** `partitionOfByKey` with the partition counts the broker has now for `topics`. */
export const readPartitionOf = async (
  admin: Admin,
  topics: readonly string[],
): Promise<PartitionOf> => {
  const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
  return partitionOfByKey(new Map(described.map((t) => [t.name, t.partitions.length])));
};

/** Bytes a record adds to a record batch, a little over: its key, value and headers, and framing. */
export const recordBytes = (record: FanoutRecord): number => {
  let bytes = 24 + Buffer.byteLength(record.key);
  if (record.value !== null) bytes += Buffer.byteLength(record.value);
  for (const name in record.headers) {
    bytes += 8 + Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]);
  }
  return bytes;
};

export interface Transaction {
  readonly events: readonly RecordedEvent[];
  readonly records: readonly FanoutRecord[];
}

/**
 * Cuts a mapped batch into transactions that send at most `maxBatchBytes` of records to any one
 * partition of a topic (`partitionOf`; without it, to any one topic: safe for any partitioning,
 * but a backlog spread over many partitions is cut far more often than the broker needs), in
 * order, each event's records in one transaction. An event whose records alone pass the bound goes
 * alone, and is refused by a broker whose limit it passes: no cut can help it.
 */
export const inTransactions = (
  events: readonly RecordedEvent[],
  recordsPerEvent: ReadonlyArray<readonly FanoutRecord[]>,
  maxBatchBytes: number = MAX_TOPIC_BATCH_BYTES,
  partitionOf?: PartitionOf,
): Transaction[] => {
  const batchOf = (record: FanoutRecord) =>
    partitionOf ? `${record.topic}\u0000${partitionOf(record)}` : record.topic;
  const transactions: Transaction[] = [];
  let current = { events: [] as RecordedEvent[], records: [] as FanoutRecord[] };
  let bytesByBatch = new Map<string, number>();
  events.forEach((event, i) => {
    const records = recordsPerEvent[i];
    const adding = new Map<string, number>();
    for (const record of records) {
      const batch = batchOf(record);
      adding.set(batch, (adding.get(batch) ?? 0) + recordBytes(record));
    }
    const passes = [...adding].some(
      ([batch, bytes]) => (bytesByBatch.get(batch) ?? 0) + bytes > maxBatchBytes,
    );
    if (current.events.length > 0 && passes) {
      transactions.push(current);
      current = { events: [], records: [] };
      bytesByBatch = new Map();
    }
    current.events.push(event);
    current.records.push(...records);
    for (const [batch, bytes] of adding) {
      bytesByBatch.set(batch, (bytesByBatch.get(batch) ?? 0) + bytes);
    }
  });
  if (current.events.length > 0) transactions.push(current);
  return transactions;
};

const byTopic = (records: readonly FanoutRecord[]) => {
  const topics = new Map<string, Message[]>();
  for (const record of records) {
    const messages = topics.get(record.topic) ?? [];
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers } });
    topics.set(record.topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
};

/**
 * Sends `records` in one Kafka transaction, with `progress` (the publisher's progress record) in the
 * same produce request, and commits. On failure the transaction is aborted, unless this producer was
 * fenced: a fenced producer cannot abort (kafkajs waits forever trying) and the newer one already
 * did. The one transaction loop of the service's publisher and of `cli republish`.
 */
export const sendInTransaction = async (
  producer: Producer,
  records: readonly FanoutRecord[],
  progress?: TopicMessages,
): Promise<void> => {
  const transaction = await producer.transaction();
  try {
    const topicMessages = byTopic(records);
    if (progress) topicMessages.push(progress);
    await transaction.sendBatch({ topicMessages });
    await transaction.commit();
  } catch (error) {
    if (!isFenced(error)) {
      await withTimeout(transaction.abort(), ABORT_TIMEOUT_MS).catch(() => undefined);
    }
    throw tooLarge(error) ?? error;
  }
};

/**
 * The broker's refusal of a record batch over the topic's `max.message.bytes` (kafkajs may wrap
 * it), said so that an operator knows which knob to turn: retrying cannot help.
 */
const tooLarge = (error: unknown): Error | undefined => {
  const refused = [error, (error as { cause?: unknown })?.cause].some(
    (e) =>
      (e as { type?: string })?.type === 'MESSAGE_TOO_LARGE' ||
      /larger than the max message size/i.test(String((e as Error)?.message)),
  );
  if (!refused) return undefined;
  return new Error(
    `the broker refused a record batch as too large (MESSAGE_TOO_LARGE: ${(error as Error).message}). ` +
      "Keep KAFKA_MAX_TOPIC_BATCH_BYTES under the topic's max.message.bytes; a single record " +
      "this large (a call's state) needs a larger max.message.bytes on the topic",
    { cause: error },
  );
};
