import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { eventually } from '../../../../test/support/service-process';
import { ANY, EventStore, RecordedEvent } from '../port/event-store.port';
import { commitWakeFor, followCommits } from './commit-wake';
import { EmbeddedEventStore } from './embedded-event-store';

/** A reader thread that counts its wake-ups in `counter` (after clearing the in-flight flag). */
const READER = `
const { workerData } = require('node:worker_threads');
const { wake, counter } = workerData;
const flag = new Int32Array(wake.shared);
const count = new Int32Array(counter);
wake.port.on('message', () => {
  Atomics.store(flag, 0, 0);
  Atomics.add(count, 0, 1);
  Atomics.notify(count, 0);
});
`;

describe('commit wake-ups from the embedded store writer thread', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  const append = (streamId = 's') =>
    store.appendToStream(streamId, [{ id: randomUUID(), type: 'Tested', data: {} }], ANY);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commit-wake-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reach a reader thread while the appending thread’s event loop is blocked', async () => {
    const wake = commitWakeFor(store)!;
    const counter = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const count = new Int32Array(counter);
    const reader = new Worker(READER, {
      eval: true,
      workerData: { wake, counter },
      transferList: [wake.port],
    });
    try {
      // The line is woken once when it starts (commits before it).
      Atomics.wait(count, 0, 0, 10_000);
      expect(Atomics.load(count, 0)).toBe(1);
      const appended = append();
      await new Promise((resolve) => setImmediate(resolve)); // the group commit is sent
      // This loop cannot take the writer's answer now: only the writer itself can wake the reader.
      Atomics.wait(count, 0, 1, 10_000); // 'not-equal' when the reader counted before this
      expect(Atomics.load(count, 0)).toBe(2);
      await appended;
    } finally {
      await reader.terminate();
    }
  });

  it('wake a reader store’s subscriptions, without waiting for their poll', async () => {
    const reader = EmbeddedEventStore.open({
      path: join(dir, 'events.db'),
      readOnly: true,
      pollIntervalMs: 3_600_000,
    });
    const unfollow = followCommits(commitWakeFor(store), reader);
    const subscription = reader.subscribeToAll();
    const seen: RecordedEvent[] = [];
    const reading = (async () => {
      for await (const event of subscription) seen.push(event);
    })();
    try {
      await append('a');
      await eventually(
        'the first event',
        async () => seen.length,
        (n) => n === 1,
        5000,
        10,
      );
      await append('b');
      await append('c');
      await eventually(
        'all three',
        async () => seen.length,
        (n) => n === 3,
        5000,
        10,
      );
      expect(seen.map((e) => e.streamId)).toEqual(['a', 'b', 'c']);
    } finally {
      unfollow();
      await subscription.close();
      await reading;
      await reader.close();
    }
  });

  it('post one wake-up for the commits that land while one is in flight', async () => {
    const wake = commitWakeFor(store)!;
    let posted = 0;
    wake.port.on('message', () => posted++);
    try {
      for (let commit = 0; commit < 5; commit++) await append();
      await eventually(
        'the first wake-up',
        async () => posted,
        (n) => n > 0,
        5000,
        10,
      );
      await append(); // the answer comes after the writer posted: the message has been sent
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(posted).toBe(1);
      Atomics.store(new Int32Array(wake.shared), 0, 0); // the reader took it
      await append();
      await eventually(
        'the second wake-up',
        async () => posted,
        (n) => n === 2,
        5000,
        10,
      );
    } finally {
      wake.port.close();
    }
  });

  it('forget a line once its reader closes it or its thread ends (a restarted reader)', async () => {
    const followers = async () => {
      await append();
      return store.stats.followers;
    };
    const closed = commitWakeFor(store)!;
    const counter = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const wake = commitWakeFor(store)!;
    const reader = new Worker(READER, {
      eval: true,
      workerData: { wake, counter },
      transferList: [wake.port],
    });
    await eventually('two lines', followers, (n) => n === 2, 5000, 10);
    closed.port.close();
    await eventually('the closed line forgotten', followers, (n) => n === 1, 5000, 10);
    await reader.terminate();
    await eventually('the line of the ended thread forgotten', followers, (n) => n === 0, 5000, 10);
  });

  it('are not offered by a store without a writer', async () => {
    const reader = EmbeddedEventStore.open({ path: join(dir, 'events.db'), readOnly: true });
    try {
      expect(commitWakeFor(reader)).toBeUndefined();
      expect(commitWakeFor({} as EventStore)).toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
