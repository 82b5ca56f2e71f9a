import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { CallCommandHandler, CallStateFolder } from '@tracker/call-stream';
import { callIdFromStreamName } from '@tracker/domain';
import { at, callNotification, graphCommand } from '@tracker/domain/testing';
import { EmbeddedEventStore, RecordedEvent } from '@tracker/event-store';
import { brokers, readCommitted, testKafka, waitUntil } from '@tracker/fanout/testing';
import type { KafkaSettings } from '../kafka-publisher-for';
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
  afterEach(async () => {
    await thread?.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts its thread again when it dies, and every stored event reaches Kafka exactly once, in order per call', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    const kafka: KafkaSettings = {
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
    };
    const handler = new CallCommandHandler(store, new CallStateFolder(store));
    const ingest = (from: number, calls: number) =>
      Promise.all(
        Array.from({ length: calls }, async (_, i) => {
          const callId = callIdInUrl(from + i);
          for (const [step, state] of ['establishing', 'established', 'terminated'].entries()) {
            const command = graphCommand(callNotification(state, { callId }), at(step));
            await handler.execute(command.data.notification.callId, [command]);
          }
        }),
      );
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
});
