import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { EsdbTestServer } from '../../../../test/support/esdb-server';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../port/errors';
import { ANY, EventData, NO_STREAM, RecordedEvent } from '../port/event-store.port';
import { comparePositions } from '../port/position';
import { EsdbEventStore } from './esdb-event-store';

/**
 * What the EventStoreDB adapter must get right beyond the shared contract: positions of batches,
 * idempotent `any` appends, system events, and a server that goes away and comes back. On the
 * protocol test server (these tests stop and start it), never on a shared or real server.
 */
const event = (type = 'Edge', data: unknown = { n: 1 }): EventData => ({
  id: randomUUID(),
  type,
  data,
  metadata: { by: 'edges' },
});
const events = (n: number) => Array.from({ length: n }, (_, i) => event('Edge', { i }));
const stream = () => `edges-${randomUUID()}`;

const readAllOf = async (store: EsdbEventStore, streams: readonly string[]) => {
  const seen: RecordedEvent[] = [];
  for await (const e of store.readAll()) if (streams.includes(e.streamId)) seen.push(e);
  return seen;
};

describe('EventStoreDB adapter edge cases (protocol test server)', () => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;
  beforeEach(async () => {
    server = await EsdbTestServer.start();
    store = await EsdbEventStore.connect(server.connectionString);
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('reports the last event position of a multi-event append, as $all orders them', async () => {
    const [a, b] = [stream(), stream()];
    const first = await store.appendToStream(a, events(3), NO_STREAM);
    const second = await store.appendToStream(b, events(4), NO_STREAM);
    const third = await store.appendToStream(a, events(1), 2n);
    const all = await readAllOf(store, [a, b]);
    expect(all.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`)).toEqual([
      'a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'b3', 'a3',
    ]); // prettier-ignore
    expect(first.position).toEqual(all[2].position);
    expect(second.position).toEqual(all[6].position);
    expect(third.position).toEqual(all[7].position);
    // Every event of a batch has a position of its own, and stream reads report the same ones.
    for (let i = 1; i < all.length; i++) {
      expect(comparePositions(all[i].position, all[i - 1].position)).toBeGreaterThan(0);
    }
    expect((await store.readStream(b)).map((e) => e.position)).toEqual(
      all.slice(3, 7).map((e) => e.position),
    );
  });

  it('treats a repeated `any` append as already stored, wherever the stream has got to', async () => {
    const s = stream();
    const batch = events(2);
    const first = await store.appendToStream(s, batch, ANY);
    expect(first).toMatchObject({ nextExpectedRevision: 1n, alreadyStored: false });
    expect(await store.appendToStream(s, batch, ANY)).toEqual({ ...first, alreadyStored: true });
    await store.appendToStream(s, events(2), ANY);
    // EventStoreDB answers with the revision of the repeated events, not the stream's head.
    expect(await store.appendToStream(s, batch, ANY)).toEqual({ ...first, alreadyStored: true });
    // Part of the batch stored, part new: EventStoreDB's "corrupted idempotency", a conflict.
    await expect(store.appendToStream(s, [batch[0], event()], ANY)).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await store.readStream(s)).toHaveLength(4);
  });

  it('knows a redelivery another client stored once it has seen that write', async () => {
    const s = stream();
    const batch = events(2);
    const other = await EsdbEventStore.connect(server.connectionString);
    try {
      await other.appendToStream(s, batch, NO_STREAM);
      // Nothing on the wire says an append was idempotent: this client can only tell by the
      // position, against what it has seen. Not yet seen: reported as new (README, EventStoreDB).
      const unseen = await store.appendToStream(s, batch, NO_STREAM);
      expect(unseen).toMatchObject({ nextExpectedRevision: 1n, alreadyStored: false });
      await store.headPosition();
      const seen = await store.appendToStream(s, batch, NO_STREAM);
      expect(seen).toMatchObject({ nextExpectedRevision: 1n, alreadyStored: true });
      expect(await store.readStream(s)).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it('leaves system streams and $-typed events out of $all reads, subscriptions and the head', async () => {
    const s = stream();
    const start = await store.headPosition();
    await store.appendToStream(s, events(1), NO_STREAM);
    // Written the way the server and its projections write them: a metadata stream, a link event.
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      await client.appendToStream(
        `$$${s}`,
        jsonEvent({ type: '$metadata', data: { $maxAge: 60 } }),
      );
      await client.appendToStream(s, jsonEvent({ type: '$>', data: {} }));
    } finally {
      await client.dispose();
    }
    const all = await readAllOf(store, [s, `$$${s}`]);
    expect(all.map((e) => e.type)).toEqual(['Edge']);
    const head = await store.headPosition();
    expect(head).toEqual(all[0].position);
    const subscription = store.subscribeToAll({ after: start });
    const delivered: string[] = [];
    const reading = (async () => {
      for await (const e of subscription) if (e.streamId.includes(s)) delivered.push(e.type);
    })();
    await store.appendToStream(s, events(1), ANY);
    await waitFor(() => delivered.length >= 2);
    await subscription.close();
    await reading;
    expect(delivered).toEqual(['Edge', 'Edge']);
  });

  it('answers StoreUnavailableError while the server is down and works again once it is back', async () => {
    const s = stream();
    await store.appendToStream(s, events(2), NO_STREAM);
    const subscription = store.subscribeToAll();
    const ended = (async () => {
      for await (const _ of subscription) {
        // drains what is stored, then waits live until the server goes away
      }
    })();
    await waitFor(() => server.calls.subscribe > 0);
    await server.stop();
    await expect(ended).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.appendToStream(s, events(1), 1n)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);

    await server.start(); // same port, same data
    const appended = await retryUntil(() => store.appendToStream(s, events(1), 1n));
    expect(appended.nextExpectedRevision).toBe(2n);
    await store.ping();
    expect(await store.readStream(s)).toHaveLength(3);
    const resumed = store.subscribeToAll();
    const seen: bigint[] = [];
    for await (const e of resumed) {
      if (e.streamId === s) seen.push(e.revision);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0n, 1n, 2n]);
  });

  it('starts over on a server that lost its data (restarted empty)', async () => {
    const s = stream();
    await store.appendToStream(s, events(1), NO_STREAM);
    await server.stop();
    await server.start({ keepData: false });
    const appended = await retryUntil(() => store.appendToStream(s, events(1), NO_STREAM));
    expect(appended).toMatchObject({ nextExpectedRevision: 0n, alreadyStored: false });
  });
});

const waitFor = async (condition: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The client reconnects on the next call after a failure: the first one may still fail. */
const retryUntil = async <T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};
