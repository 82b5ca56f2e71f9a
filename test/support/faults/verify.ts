import {
  EmbeddedEventStore,
  EsdbEventStore,
  EventStore,
  RecordedEvent,
} from '@tracker/event-store';
import { Kafka } from 'kafkajs';
import { readCommitted, Seen, TopicNames } from '../../../libs/fanout/src/testing/kafka-test-kit';
import { kcatRead } from '../kafka/kcat';
import type { WorkloadCall } from './workload';

const readWhole = async (store: EventStore): Promise<RecordedEvent[]> => {
  try {
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    return events;
  } finally {
    await store.close();
  }
};

/** Everything in an embedded store file, in global order (the store is opened, read and closed). */
export const readStoreFile = (path: string): Promise<RecordedEvent[]> =>
  readWhole(EmbeddedEventStore.open({ path }));

/** Every user event of an EventStoreDB, in global order, through the adapter. */
export const readEsdb = async (connectionString: string): Promise<RecordedEvent[]> =>
  readWhole(await EsdbEventStore.connect(connectionString));

export interface StoredCalls {
  readonly events: readonly RecordedEvent[];
  /** Stream name → its events in revision order. */
  readonly streams: ReadonlyMap<string, RecordedEvent[]>;
  /** Workload tag (the notification's clientState) → how many times it was stored. */
  readonly tagCounts: ReadonlyMap<string, number>;
}

export const tagOf = (event: { type: string; data: unknown }): string | undefined =>
  event.type === 'NotificationReceived'
    ? ((event.data as { payload?: { clientState?: string } }).payload?.clientState ?? undefined)
    : undefined;

export const summarise = (events: readonly RecordedEvent[]): StoredCalls => {
  const streams = new Map<string, RecordedEvent[]>();
  const tagCounts = new Map<string, number>();
  for (const event of events) {
    streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
    const tag = tagOf(event);
    if (tag !== undefined) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
  }
  return { events, streams, tagCounts };
};

/**
 * The store's own invariants for the workload's calls: each stream's revisions are 0..n-1, global
 * positions strictly increase, event ids are unique, and every workload notification is stored
 * exactly once (nothing lost, nothing twice). Returns what is wrong, empty when all holds.
 */
export const storeProblems = (stored: StoredCalls, calls: readonly WorkloadCall[]): string[] => {
  const problems: string[] = [];
  const ids = new Set<string>();
  let last = 0n;
  for (const event of stored.events) {
    if (ids.has(event.id)) problems.push(`event id ${event.id} stored twice`);
    ids.add(event.id);
    if (event.position.commit <= last)
      problems.push(`position ${event.position.commit} not after ${last}`);
    last = event.position.commit;
  }
  for (const [stream, events] of stored.streams) {
    const revisions = events.map((e) => Number(e.revision));
    if (revisions.some((r, i) => r !== i)) problems.push(`${stream}: revisions ${revisions}`);
  }
  for (const call of calls) {
    for (const item of call.items) {
      const count = stored.tagCounts.get(item.tag) ?? 0;
      if (count !== 1) problems.push(`notification ${item.tag} stored ${count} times`);
    }
  }
  return problems;
};

/** Store events whose Kafka fan-out includes an operation-state record (see docs/kafka.md). */
export const concernsOperation = (event: RecordedEvent): boolean =>
  typeof (event.data as { operationId?: unknown } | null)?.operationId === 'string';

/**
 * Reads the three topics from the beginning with a read-committed consumer until each holds at
 * least as many records as `expected` says and none arrived for `quietMs` (so a late duplicate
 * would be seen), bounded by `timeoutMs`.
 */
export const readTopics = async (
  kafka: Kafka,
  topics: TopicNames,
  expected: { callEvents: number; callState: number; operationState: number },
  timeoutMs: number,
  quietMs = 2000,
): Promise<{ callEvents: Seen[]; callState: Seen[]; operationState: Seen[] }> => {
  const consumer = await readCommitted(kafka, [
    topics.callEvents,
    topics.callState,
    topics.operationState,
  ]);
  try {
    const deadline = Date.now() + timeoutMs;
    const counts = () =>
      [topics.callEvents, topics.callState, topics.operationState].map(
        (t) => consumer.seen.get(t)!.length,
      );
    const wanted = [expected.callEvents, expected.callState, expected.operationState];
    let total = -1;
    let quietSince = Date.now();
    for (;;) {
      const now = counts();
      const sum = now.reduce((a, b) => a + b, 0);
      if (sum !== total) {
        total = sum;
        quietSince = Date.now();
      }
      if (now.every((n, i) => n >= wanted[i]) && Date.now() - quietSince >= quietMs) break;
      if (Date.now() > deadline) {
        throw new Error(`topics hold ${now} records after ${timeoutMs} ms; expected ${wanted}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      callEvents: [...consumer.seen.get(topics.callEvents)!],
      callState: [...consumer.seen.get(topics.callState)!],
      operationState: [...consumer.seen.get(topics.operationState)!],
    };
  } finally {
    await consumer.stop();
  }
};

const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/**
 * What is wrong with the topics compared with the store: every stored event exactly once on the
 * events and call-state topics (by `ce_storedeventid`), once more on the operation-state topic when it
 * concerns an operation, each call's records in revision order, nothing else.
 */
export const topicProblems = (
  stored: StoredCalls,
  seen: { callEvents: Seen[]; callState: Seen[]; operationState: Seen[] },
): string[] => {
  const problems: string[] = [];
  const storeIds = new Set(stored.events.map((e) => e.id));
  const operationIds = new Set(stored.events.filter(concernsOperation).map((e) => e.id));
  const check = (topic: string, records: Seen[], wanted: Set<string>) => {
    const counts = countBy(records, (r) => r.headers.ce_storedeventid);
    for (const [id, n] of counts) {
      if (n !== 1) {
        const at = records
          .filter((r) => r.headers.ce_storedeventid === id)
          .map((r) => `${r.partition}@${r.offset}`);
        problems.push(
          `${topic}: stored event ${id} ${n} times (partition@offset ${at.join(', ')})`,
        );
      }
      if (!wanted.has(id)) problems.push(`${topic}: ${id} is not a stored event of this test`);
    }
    for (const id of wanted) if (!counts.has(id)) problems.push(`${topic}: event ${id} missing`);
  };
  check('call-events', seen.callEvents, storeIds);
  check('call-state', seen.callState, storeIds);
  check('operation-state', seen.operationState, operationIds);
  for (const [topic, records] of [
    ['call-events', seen.callEvents],
    ['call-state', seen.callState],
  ] as const) {
    const byKey = new Map<string, number[]>();
    for (const r of records) {
      byKey.set(r.key, [...(byKey.get(r.key) ?? []), Number(r.headers.store_revision)]);
    }
    for (const [key, revisions] of byKey) {
      if (revisions.some((r, i) => r !== i)) {
        problems.push(`${topic}: key ${key} revisions out of order: ${revisions.join(',')}`);
      }
    }
  }
  return problems;
};

/**
 * Where kcat (librdkafka) finds the records that kafkajs saw more than once on `topic`: read
 * committed, then uncommitted. Tells a publisher that committed twice (kcat sees both copies
 * committed) from a reader that let an aborted transaction through (kcat sees one committed copy
 * and the other only uncommitted), which the same symptom cannot.
 */
export const secondOpinion = async (topic: string, seen: readonly Seen[]): Promise<string[]> => {
  const counts = countBy(seen, (r) => r.headers.ce_storedeventid);
  const twice = new Set([...counts].filter(([, n]) => n > 1).map(([id]) => id));
  if (twice.size === 0) return [];
  const lines: string[] = [];
  for (const isolation of ['read_committed', 'read_uncommitted'] as const) {
    try {
      const records = await kcatRead(topic, isolation);
      const at = new Map<string, string[]>();
      for (const r of records) {
        const id = r.headers.find(([name]) => name === 'ce_storedeventid')?.[1];
        if (id && twice.has(id)) at.set(id, [...(at.get(id) ?? []), `${r.partition}@${r.offset}`]);
      }
      for (const [id, where] of at) lines.push(`kcat ${isolation}: ${id} at ${where.join(', ')}`);
    } catch (error) {
      lines.push(`kcat ${isolation} could not read ${topic}: ${(error as Error).message}`);
    }
  }
  return lines;
};

/** The newest record per key (a consumer sees one key's records in partition order). */
export const latestByKey = (records: readonly Seen[]): Map<string, Seen> => {
  const latest = new Map<string, Seen>();
  for (const r of records) latest.set(r.key, r);
  return latest;
};
