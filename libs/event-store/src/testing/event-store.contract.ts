import { randomUUID } from 'node:crypto';
import {
  ANY,
  EventData,
  EventStore,
  NO_STREAM,
  RecordedEvent,
  StoreSubscription,
} from '../port/event-store.port';
import { WrongExpectedRevisionError } from '../port/errors';
import { comparePositions, StorePosition } from '../port/position';

export interface ContractSubject {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

const event = (type = 'Tested', data: unknown = { n: 1 }): EventData => ({
  id: randomUUID(),
  type,
  data,
  metadata: { by: 'contract' },
});
const events = (n: number, type = 'Tested'): EventData[] =>
  Array.from({ length: n }, (_, i) => event(type, { i }));

/** Reads the subscription until `predicate` says stop, failing after `timeoutMs`. */
const collect = async (
  subscription: StoreSubscription,
  keep: (e: RecordedEvent) => boolean,
  count: number,
  timeoutMs = 5000,
): Promise<RecordedEvent[]> => {
  const seen: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const e of subscription) {
      if (keep(e)) seen.push(e);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
};

/**
 * The behaviour every EventStore adapter must have. Stream ids are random so the suite can run
 * against a shared EventStoreDB server that holds other data: global reads are filtered to the
 * streams a test wrote.
 */
export const describeEventStoreContract = (
  name: string,
  factory: () => Promise<ContractSubject>,
): void =>
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const stream = () => `contract-${randomUUID()}`;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => subject.cleanup());

    describe('append', () => {
      it('starts a stream at revision 0 and counts revisions up', async () => {
        const s = stream();
        const first = await store.appendToStream(s, events(2), NO_STREAM);
        expect(first.nextExpectedRevision).toBe(1n);
        const second = await store.appendToStream(s, events(3), 1n);
        expect(second.nextExpectedRevision).toBe(4n);
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(comparePositions(second.position, first.position)).toBeGreaterThan(0);
        expect(read[4].position).toEqual(second.position);
      });

      it('stores type, data and metadata as given', async () => {
        const s = stream();
        const e = event('CallEstablished', { callId: 'abc', nested: { list: [1, 'two', null] } });
        await store.appendToStream(s, [e], NO_STREAM);
        const [read] = await store.readStream(s);
        expect(read).toMatchObject({
          streamId: s,
          id: e.id,
          type: 'CallEstablished',
          revision: 0n,
        });
        expect(read.data).toEqual({ callId: 'abc', nested: { list: [1, 'two', null] } });
        expect(read.metadata).toMatchObject({ by: 'contract' });
        expect(read.created).toBeInstanceOf(Date);
      });

      it('rejects no_stream on an existing stream with a typed conflict', async () => {
        const s = stream();
        await store.appendToStream(s, events(1), NO_STREAM);
        const error = await store.appendToStream(s, events(1), NO_STREAM).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: s, expected: NO_STREAM, actual: 0n });
      });

      it('rejects a stale exact revision and a revision on a missing stream', async () => {
        const s = stream();
        await store.appendToStream(s, events(2), NO_STREAM);
        await expect(store.appendToStream(s, events(1), 0n)).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 1n,
        });
        await expect(store.appendToStream(stream(), events(1), 0n)).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: NO_STREAM,
        });
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('appends with any whatever the revision', async () => {
        const s = stream();
        await store.appendToStream(s, events(1), ANY);
        const result = await store.appendToStream(s, events(2), ANY);
        expect(result.nextExpectedRevision).toBe(2n);
      });

      it('treats the same event ids at the same place as an idempotent success', async () => {
        const s = stream();
        const batch = events(3);
        const first = await store.appendToStream(s, batch, NO_STREAM);
        expect(first.alreadyStored).toBe(false);
        const again = await store.appendToStream(s, batch, NO_STREAM);
        expect(again).toEqual({ ...first, alreadyStored: true });
        const next = events(2);
        const written = await store.appendToStream(s, next, 2n);
        expect(written.alreadyStored).toBe(false);
        const repeated = await store.appendToStream(s, next, 2n);
        expect(repeated).toEqual({ ...written, nextExpectedRevision: 4n, alreadyStored: true });
        const anyAgain = await store.appendToStream(s, next, ANY);
        expect(anyAgain).toMatchObject({ nextExpectedRevision: 4n, alreadyStored: true });
        expect((await store.readStream(s)).map((e) => e.id)).toEqual(
          [...batch, ...next].map((e) => e.id),
        );
      });

      it('answers a retry after later writes with the retried events, not the head', async () => {
        // A writer that caches the state it decided on needs the revision that state is at.
        const s = stream();
        await store.appendToStream(s, events(2), NO_STREAM);
        const retried = events(2);
        const original = await store.appendToStream(s, retried, 1n);
        await store.appendToStream(s, events(3), 3n);
        const retry = await store.appendToStream(s, retried, 1n);
        expect(retry).toEqual({ ...original, alreadyStored: true });
        expect(await store.readStream(s)).toHaveLength(7);
      });

      it('rejects a batch of which only a part is stored there as a conflict', async () => {
        const s = stream();
        const [a, b] = events(2);
        await store.appendToStream(s, [a], NO_STREAM);
        await expect(store.appendToStream(s, [a, b], NO_STREAM)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('lets exactly one of many concurrent appends at one revision win', async () => {
        const s = stream();
        await store.appendToStream(s, events(1), NO_STREAM);
        const contenders = 20;
        const outcomes = await Promise.allSettled(
          Array.from({ length: contenders }, (_, i) =>
            store.appendToStream(s, [event('Race', { i })], 0n),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(contenders - 1);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('keeps concurrent appends to different streams all', async () => {
        const streams = Array.from({ length: 30 }, stream);
        await Promise.all(streams.map((s) => store.appendToStream(s, events(2), NO_STREAM)));
        for (const s of streams) expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('read a stream', () => {
      it('reads forwards and backwards from a revision with a count', async () => {
        const s = stream();
        await store.appendToStream(s, events(5), NO_STREAM);
        const revs = (list: RecordedEvent[]) => list.map((e) => e.revision);
        expect(revs(await store.readStream(s, { fromRevision: 2n }))).toEqual([2n, 3n, 4n]);
        expect(revs(await store.readStream(s, { maxCount: 2 }))).toEqual([0n, 1n]);
        expect(revs(await store.readStream(s, { direction: 'backwards' }))).toEqual([
          4n,
          3n,
          2n,
          1n,
          0n,
        ]);
        expect(
          revs(
            await store.readStream(s, { direction: 'backwards', fromRevision: 3n, maxCount: 2 }),
          ),
        ).toEqual([3n, 2n]);
      });

      it('returns nothing for a missing stream', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });
    });

    describe('read all', () => {
      it('reads every stream in global order, strictly after a position', async () => {
        const [a, b] = [stream(), stream()];
        const before = await store.headPosition();
        await store.appendToStream(a, events(2), NO_STREAM);
        await store.appendToStream(b, events(2), NO_STREAM);
        await store.appendToStream(a, events(1), 1n);
        const mine: RecordedEvent[] = [];
        for await (const e of store.readAll({ after: before })) {
          if (e.streamId === a || e.streamId === b) mine.push(e);
        }
        expect(mine.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`)).toEqual([
          'a0',
          'a1',
          'b0',
          'b1',
          'a2',
        ]);
        for (let i = 1; i < mine.length; i++) {
          expect(comparePositions(mine[i].position, mine[i - 1].position)).toBeGreaterThan(0);
        }
        const afterSecond: string[] = [];
        for await (const e of store.readAll({ after: mine[1].position })) {
          if (e.streamId === a || e.streamId === b) afterSecond.push(e.id);
        }
        expect(afterSecond).toEqual(mine.slice(2).map((e) => e.id));
      });

      it('reports the head position: at or past the last write, before the next one', async () => {
        const first = await store.appendToStream(stream(), events(1), NO_STREAM);
        const head = (await store.headPosition()) as StorePosition;
        const second = await store.appendToStream(stream(), events(1), NO_STREAM);
        expect(comparePositions(head, first.position)).toBeGreaterThanOrEqual(0);
        expect(comparePositions(head, second.position)).toBeLessThan(0);
      });
    });

    describe('subscribe to all', () => {
      it('catches up, then goes live, skipping and repeating nothing', async () => {
        const s = stream();
        const start = await store.headPosition();
        await store.appendToStream(s, events(3), NO_STREAM);
        const subscription = store.subscribeToAll({ after: start });
        const reading = collect(subscription, (e) => e.streamId === s, 7);
        await new Promise((r) => setTimeout(r, 50));
        await store.appendToStream(s, events(2), 2n);
        await store.appendToStream(s, events(2), 4n);
        const seen = await reading;
        await subscription.close();
        expect(seen.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      });

      it('resumes strictly after a checkpoint', async () => {
        const s = stream();
        const start = await store.headPosition();
        await store.appendToStream(s, events(4), NO_STREAM);
        const first = store.subscribeToAll({ after: start });
        const firstTwo = await collect(first, (e) => e.streamId === s, 2);
        await first.close();
        const checkpoint = firstTwo[1].position;
        const second = store.subscribeToAll({ after: checkpoint });
        const rest = await collect(second, (e) => e.streamId === s, 2);
        await second.close();
        expect(rest.map((e) => e.revision)).toEqual([2n, 3n]);
      });

      it('ends the iteration when closed while waiting', async () => {
        const s = stream();
        const subscription = store.subscribeToAll({ after: await store.headPosition() });
        const done = (async () => {
          let mine = 0;
          for await (const e of subscription) if (e.streamId === s) mine += 1;
          return mine;
        })();
        await new Promise((r) => setTimeout(r, 50));
        await subscription.close();
        // Resolving at all is the point (a hang fails on jest's timeout); nothing of `s` was written.
        await expect(done).resolves.toBe(0);
      });
    });

    it('answers ping when serving', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
