import type { Message, Producer, TopicMessages } from 'kafkajs';
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

/** In order, one event at a time: a mapper may fold state event by event. */
export const mapInOrder = async (
  events: readonly RecordedEvent[],
  recordsFor: RecordsFor,
): Promise<FanoutRecord[]> => {
  const records: FanoutRecord[] = [];
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && i % MAP_SLICE === 0) await nextTurn();
    records.push(...(await recordsFor(events[i])));
  }
  return records;
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
    throw error;
  }
};
