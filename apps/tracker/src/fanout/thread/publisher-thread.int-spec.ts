import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { CallCommandHandler, CallStateFolder } from '@tracker/call-stream';
import { callIdFromStreamName } from '@tracker/domain';
import { at, callNotification, graphCommand } from '@tracker/domain/testing';
import { EmbeddedEventStore, RecordedEvent } from '@tracker/event-store';
import {
  brokers,
  expectStagesAddUpTo,
  quietLogger,
  readCommitted,
  testKafka,
  waitUntil,
} from '@tracker/fanout/testing';
import type { KafkaSettings, PublishedTransaction } from '../kafka-publisher-for';
import { PublisherThread } from './publisher-thread';

/** A Graph call id as it appears in resource URLs (32 hex digits), distinct per `n`. */
const callIdInUrl = (n: number) =>
  `${randomUUID().replace(/-/g, '').slice(0, 24)}${n}`.padEnd(32, '0');

describe('PublisherThread on a real broker', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let thread: PublisherThread | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-publisher-thread-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db'), pollIntervalMs: 20 });
  });

  /** Topics and a transactional id of the test's own. */
  const settings = (): { prefix: string; kafka: KafkaSettings } => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    return {
      prefix,
      kafka: {
        brokers,
        clientId: `${prefix}-client`,
        transactionalId: `${prefix}.tx`,
        partitions: 3,
        maxTopicBatchBytes: 1_000_000,
        publisher: 'thread',
        topics: {
          callState: `${prefix}.call-state`,
          operationState: `${prefix}.operation-state`,
          callEvents: `${prefix}.call-events`,
        },
      },
    };
  };
  /** `calls` calls from number `from` on, each established and terminated. */
  const ingest = (from: number, calls: number) => {
    const handler = new CallCommandHandler(store, new CallStateFolder(store));
    return Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const callId = callIdInUrl(from + i);
        for (const [step, state] of ['establishing', 'established', 'terminated'].entries()) {
          const command = graphCommand(callNotification(state, { callId }), at(step));
          await handler.execute(command.data.notification.callId, [command]);
        }
      }),
    );
  };
  afterEach(async () => {
    await thread?.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts its thread again when it dies, and every stored event reaches Kafka exactly once, in order per call', async () => {
    const { prefix, kafka } = settings();
    const errors: string[] = [];
    thread = new PublisherThread(
      { store: { kind: 'embedded', path: join(dir, 'events.db') }, kafka },
      store,
      { log: () => undefined, warn: () => undefined, error: (message) => errors.push(message) },
      () => undefined,
      () => undefined,
    );
    thread.start();
    await ingest(0, 10);
    await waitUntil(() => thread!.currentStatus.publishedEvents > 0, 60_000);

    // The thread dies (as an uncaught failure inside it would end it), with calls still arriving.
    const dying = (thread as unknown as { worker: Worker }).worker;
    const ingesting = ingest(10, 10);
    await dying.terminate();
    await ingesting;
    await ingest(20, 10);

    const stored: RecordedEvent[] = [];
    for await (const event of store.readAll()) stored.push(event);
    const consumer = await readCommitted(testKafka(`${prefix}-reader`), [kafka.topics.callEvents]);
    const seen = await consumer.waitFor(kafka.topics.callEvents, stored.length, 90_000);
    await consumer.stop();

    expect(errors.some((message) => message.includes('starting it again'))).toBe(true);
    const ids = seen.map((record) => record.headers.ce_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(stored.map((event) => event.id).sort());
    const order = (records: { key: string; id: string }[]) => {
      const byCall = new Map<string, string[]>();
      for (const { key, id } of records) byCall.set(key, [...(byCall.get(key) ?? []), id]);
      return byCall;
    };
    const storedByCall = order(
      stored.map((event) => ({ key: callIdFromStreamName(event.streamId)!, id: event.id })),
    );
    expect(order(seen.map((record) => ({ key: record.key, id: record.headers.ce_id })))).toEqual(
      storedByCall,
    );
  }, 180_000);

  it('reports when each transaction committed and where its time went, stamped in its thread', async () => {
    const { kafka } = settings();
    const published: PublishedTransaction[] = [];
    thread = new PublisherThread(
      { store: { kind: 'embedded', path: join(dir, 'events.db') }, kafka },
      store,
      quietLogger,
      (transaction) => published.push(transaction),
      () => undefined,
    );
    thread.start();
    await ingest(0, 1);
    // The thread is up and has published all of it (its start-up is in those events' lag).
    const stored = store.stats.events;
    await waitUntil(() => thread!.currentStatus.publishedEvents === stored, 60_000);
    published.length = 0;
    await ingest(1, 1);
    // This thread stays busy while the publisher commits and reports: its messages wait, as they
    // do behind a saturated HTTP loop, and that wait is not the fan-out's lag.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
    const unblocked = Date.now();
    await waitUntil(() => published.length > 0, 10_000);

    for (const { createdMs, committedMs, times } of published) {
      expect(committedMs).toBeLessThan(unblocked); // the thread's commit, not this thread's receipt
      expectStagesAddUpTo(times, committedMs - createdMs[0]); // carried whole across the threads
    }
  }, 120_000);
});
