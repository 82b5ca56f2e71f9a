import { spawn } from 'node:child_process';
import Database from 'libsql';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY, NO_STREAM } from '../port/event-store.port';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { EmbeddedEventStore, EmbeddedStoreOptions } from './embedded-event-store';
import { StoreUnavailableError } from '../port/errors';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tracker-store-'));
const event = (i: number) => ({ id: randomUUID(), type: 'Tested', data: { i } });

describeEventStoreContract('embedded (SQLite file)', async () => {
  const dir = tempDir();
  const store = EmbeddedEventStore.open({ path: join(dir, 'events.db'), pollIntervalMs: 50 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded store', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits concurrent appends together (group commit), and says so to its observer', async () => {
    const observed: Parameters<NonNullable<EmbeddedStoreOptions['onCommit']>>[0][] = [];
    const store = EmbeddedEventStore.open({
      path: join(dir, 'events.db'),
      onCommit: (info) => observed.push(info),
    });
    const appends = 200;
    await Promise.all(
      Array.from({ length: appends }, (_, i) =>
        store.appendToStream(`s-${i}`, [event(i)], NO_STREAM),
      ),
    );
    const { commits, appends: committed } = store.stats;
    await store.close();
    expect(committed).toBe(appends);
    // Every append was queued in the same turn of the event loop, so one transaction suffices.
    expect(commits).toBe(1);
    expect(observed).toEqual([{ durationMs: expect.any(Number), appends }]);
    expect(observed[0].durationMs).toBeGreaterThan(0);
  });

  it('keeps everything across close and reopen', async () => {
    const path = join(dir, 'nested', 'events.db');
    const first = EmbeddedEventStore.open({ path });
    await first.appendToStream('a', [event(1), event(2)], NO_STREAM);
    await first.close();
    const second = EmbeddedEventStore.open({ path });
    const read = await second.readStream('a');
    expect(read.map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
    await expect(second.appendToStream('a', [event(3)], 1n)).resolves.toMatchObject({
      nextExpectedRevision: 2n,
    });
    await second.close();
  });

  it('answers a closed store with StoreUnavailableError', async () => {
    const store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    await store.close();
    await expect(store.appendToStream('a', [event(1)], NO_STREAM)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('rejects an event id that is not a UUID before touching the file', async () => {
    const store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    await expect(
      store.appendToStream('a', [{ id: 'nope', type: 'T', data: {} }], NO_STREAM),
    ).rejects.toMatchObject({ name: 'InvalidAppendError' });
    expect(await store.headPosition()).toBeUndefined();
    await store.close();
  });

  it('fails only the append whose data is not JSON, not the others of its group commit', async () => {
    const store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    const [bad, good] = await Promise.allSettled([
      store.appendToStream('bad', [{ id: randomUUID(), type: 'T', data: { n: 1n } }], NO_STREAM),
      store.appendToStream('good', [event(1)], NO_STREAM),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'InvalidAppendError' } });
    expect(good.status).toBe('fulfilled');
    expect(await store.readStream('bad')).toEqual([]);
    expect(await store.readStream('good')).toHaveLength(1);
    await store.close();
  });

  it('reads streams whole for a rebuild: in revision order, up to a position, JSON intact', async () => {
    const store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    // Text that JSON escapes (quotes, a backslash, a lone surrogate, a line break), in a type too.
    const odd = { text: 'say "hi"\\ \ud800 \n é', nested: [null, 1.5, { deep: true }] };
    // Ids in the opposite order of revisions: the order must come from the revisions.
    const id = (n: number) => `${n}0000000-0000-4000-8000-000000000000`;
    await store.appendToStream(
      'a',
      [
        { ...event(0), id: id(9) },
        { ...event(1), id: id(8), data: odd },
      ],
      NO_STREAM,
    );
    await store.appendToStream('b', [{ ...event(0), type: 'Ty"pe\\' }], NO_STREAM);
    const { position: upTo } = await store.appendToStream('a', [{ ...event(2), id: id(7) }], 1n);
    await store.appendToStream('a', [event(3)], 2n); // after upTo: not read
    await store.appendToStream('late', [event(0)], NO_STREAM); // only after upTo: left out
    const meta = { metadata: {} };

    const read = store.readStreamsWhole(['b', 'late', 'a', 'missing'], upTo);

    expect([...read].sort((x, y) => x.streamId.localeCompare(y.streamId))).toEqual([
      {
        streamId: 'a',
        revision: 2n,
        events: [
          { type: 'Tested', data: { i: 0 }, ...meta },
          { type: 'Tested', data: odd, ...meta },
          { type: 'Tested', data: { i: 2 }, ...meta },
        ],
      },
      { streamId: 'b', revision: 0n, events: [{ type: 'Ty"pe\\', data: { i: 0 }, ...meta }] },
    ]);
    // A stream larger than the bound is left out: whoever reads it reads it event by event.
    const aBytes = (await store.readStream('a'))
      .slice(0, 3)
      .reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.data)) + 2, 0); // + '{}' metadata
    expect(
      store
        .readStreamsWhole(['a', 'b'], upTo, aBytes)
        .map((s) => s.streamId)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(store.readStreamsWhole(['a', 'b'], upTo, aBytes - 1).map((s) => s.streamId)).toEqual([
      'b',
    ]);
    // The same events as readStream gives, field for field.
    const [a] = read.filter((s) => s.streamId === 'a');
    const byReadStream = (await store.readStream('a')).slice(0, 3);
    expect(a.events).toEqual(
      byReadStream.map(({ type, data, metadata }) => ({ type, data, metadata })),
    );
    await store.close();
  });

  it('names the stream whose stored events are not JSON, reading streams whole', async () => {
    const path = join(dir, 'events.db');
    const store = EmbeddedEventStore.open({ path });
    await store.appendToStream('a', [event(0)], NO_STREAM);
    const { position } = await store.appendToStream('broken', [event(0)], NO_STREAM);
    const raw = new Database(path);
    raw.prepare("UPDATE events SET data = '{not json' WHERE stream_id = 'broken'").run();
    raw.close();
    expect(() => store.readStreamsWhole(['a', 'broken'], position)).toThrow(
      /^stream broken: .*JSON/,
    );
    await store.close();
  });

  it('treats ids in any letter case as the same event for `any` appends', async () => {
    const store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    const first = { ...event(1), id: randomUUID().toUpperCase() };
    await store.appendToStream('s', [first], ANY);
    await store.appendToStream('s', [first], ANY); // a redelivery: idempotent
    await expect(store.appendToStream('s', [first, event(2)], ANY)).rejects.toMatchObject({
      name: 'WrongExpectedRevisionError',
    });
    expect((await store.readStream('s')).map((e) => e.id)).toEqual([first.id.toLowerCase()]);
    await store.close();
  });

  it('delivers to a live subscription the appends of another instance on the same file', async () => {
    const path = join(dir, 'events.db');
    const reader = EmbeddedEventStore.open({ path, pollIntervalMs: 20 });
    const writer = EmbeddedEventStore.open({ path });
    const subscription = reader.subscribeToAll();
    const received = (async () => {
      const ids: string[] = [];
      for await (const e of subscription) {
        ids.push(e.id);
        if (ids.length === 3) break;
      }
      return ids;
    })();
    const written = [event(1), event(2), event(3)];
    await writer.appendToStream('shared', written.slice(0, 1), NO_STREAM);
    await writer.appendToStream('shared', written.slice(1), 0n);
    await expect(received).resolves.toEqual(written.map((e) => e.id));
    await subscription.close();
    await writer.close();
    await reader.close();
  });

  // Two service processes started together on a new file: one switches it to WAL (a write lock)
  // while the other opens it. The second must wait for the lock, not exit with SQLITE_BUSY.
  // A reserved lock on a file not yet in WAL mode is what another instance starting at the same
  // moment holds while it creates the tables: SQLite then refuses the switch to WAL at once,
  // without waiting (it would deadlock), so the open itself must try again.
  it.each([
    ['an exclusive lock', 'BEGIN EXCLUSIVE', ''],
    ['a reserved lock on a new file', 'BEGIN IMMEDIATE', 'CREATE TABLE other (x)'],
  ])(
    'opens a file while another process holds %s, waiting instead of failing',
    async (_, begin, write) => {
      const path = join(dir, 'events.db');
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require('libsql'))(${JSON.stringify(path)});
           db.exec(${JSON.stringify(begin)});
           if (${JSON.stringify(write)}) db.exec(${JSON.stringify(write)});
           process.stdout.write('locked\\n');
           setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
        ],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
      });
      const started = Date.now();
      const store = EmbeddedEventStore.open({ path });
      expect(Date.now() - started).toBeGreaterThan(100); // it did meet the lock
      await store.appendToStream('s', [event(1)], NO_STREAM);
      expect((await store.readStream('s')).map((e) => e.data)).toEqual([{ i: 1 }]);
      await store.close();
    },
  );
});
