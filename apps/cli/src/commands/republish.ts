import { callStreamName } from '@tracker/domain';
import {
  comparePositions,
  EventStore,
  formatPosition,
  parsePosition,
  RecordedEvent,
  StorePosition,
} from '@tracker/event-store';
import { CallStateFolder } from '@tracker/call-stream';
import {
  CallRecordMapper,
  ensureTopics,
  inTransactions,
  publishedTopicSpecs,
  readPartitionOf,
  isFenced,
  kafkaClient,
  mapInOrder,
  PRODUCER_RETRY,
  sendInTransaction,
} from '@tracker/fanout';
import type { AppConfig } from '@tracker/config';
import { UsageError } from '../args';
import { chunks, eventTime, headTotal } from '../context';
import { progressBar } from '../progress';

/** Where to start: strictly after a store position, or at the first event recorded at/after a time. */
export type RepublishFrom =
  | { readonly kind: 'position'; readonly position: StorePosition }
  | { readonly kind: 'time'; readonly ms: number };

export const parseFrom = (text: string): RepublishFrom => {
  if (/^\d+(\/\d+)?$/.test(text.trim())) return { kind: 'position', position: parsePosition(text) };
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--from must be a store position ("commit/prepare") or an ISO time (got "${text}")`,
    );
  }
  return { kind: 'time', ms };
};

export interface RepublishSummary {
  readonly events: number;
  readonly records: number;
  readonly transactions: number;
  readonly firstPosition?: string;
  readonly lastPosition?: string;
  readonly seconds: number;
}

/** The selected events in store order: after the position, or from the first one at/after the time. */
async function* selected(
  store: EventStore,
  from: RepublishFrom,
  callId: string | undefined,
): AsyncGenerator<RecordedEvent> {
  const source: AsyncIterable<RecordedEvent> = callId
    ? (async function* () {
        yield* await store.readStream(callStreamName(callId));
      })()
    : store.readAll(from.kind === 'position' ? { after: from.position } : {});
  let started = false;
  for await (const event of source) {
    if (!started) {
      started =
        from.kind === 'position'
          ? comparePositions(event.position, from.position) > 0
          : Date.parse(eventTime(event)) >= from.ms;
      if (!started) continue;
    }
    yield event;
  }
}

/**
 * Publishes the selected events again, mapped exactly as the service maps them, with a separate
 * transactional id (`<KAFKA_TRANSACTIONAL_ID>.republish`) and without touching the service
 * publisher's progress offsets: consumers see duplicates, the service's position does not move.
 */
export const republish = async (
  config: AppConfig,
  store: EventStore,
  from: RepublishFrom,
  callId: string | undefined,
  batchSize = 500,
): Promise<RepublishSummary> => {
  const kafkaConfig = config.kafka;
  if (!kafkaConfig) {
    throw new UsageError('KAFKA_BROKERS is not set: republish needs the Kafka brokers (host:port)');
  }
  const started = Date.now();
  const kafka = kafkaClient({
    clientId: `${kafkaConfig.clientId}-cli`,
    brokers: kafkaConfig.brokers,
  });
  const { topics, partitions } = kafkaConfig;
  const admin = kafka.admin();
  const transactionalId = `${kafkaConfig.transactionalId}.republish`;
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: PRODUCER_RETRY,
  });
  const mapper = new CallRecordMapper(topics, new CallStateFolder(store));
  const total = callId
    ? (await store.readStream(callStreamName(callId))).length
    : from.kind === 'position'
      ? await headTotal(store).then((head) =>
          head === undefined ? undefined : Math.max(head - Number(from.position.commit), 0),
        )
      : undefined;
  let events = 0;
  let records = 0;
  let transactions = 0;
  let first: StorePosition | undefined;
  let last: StorePosition | undefined;
  const bar = progressBar('republish', total);
  try {
    await admin.connect();
    const specs = publishedTopicSpecs(topics, partitions);
    await ensureTopics(admin, specs, (message) => process.stderr.write(`warning: ${message}\n`));
    const partitionOf = await readPartitionOf(
      admin,
      specs.map((spec) => spec.name),
    );
    await producer.connect();
    for await (const batch of chunks(selected(store, from, callId), batchSize)) {
      const mapped = await mapInOrder(batch, mapper.recordsFor);
      const cut = inTransactions(batch, mapped, kafkaConfig.maxTopicBatchBytes, partitionOf);
      for (const transaction of cut) {
        try {
          await sendInTransaction(producer, transaction.records);
        } catch (error) {
          if (!isFenced(error)) throw error;
          throw new Error(
            `another republish took over transactional id "${transactionalId}" (a second ` +
              `\`republish\` started?); this one stopped after ${events} events`,
            { cause: error },
          );
        }
        first ??= transaction.events[0].position;
        last = transaction.events[transaction.events.length - 1].position;
        events += transaction.events.length;
        records += transaction.records.length;
        transactions += 1;
        bar.increment(transaction.events.length);
      }
    }
  } finally {
    bar.stop();
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return {
    events,
    records,
    transactions,
    firstPosition: first && formatPosition(first),
    lastPosition: last && formatPosition(last),
    seconds: Math.round((Date.now() - started) / 10) / 100,
  };
};
