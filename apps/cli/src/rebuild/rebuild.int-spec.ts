import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { callStreamName, deadlineBounds } from '@tracker/domain';
import {
  acsCommand,
  acsEvent,
  at,
  callNotification,
  graphCommand,
  history,
  operationNotification,
  participant,
  roster,
} from '@tracker/domain/testing';
import { EmbeddedEventStore, NO_STREAM, RecordedEvent } from '@tracker/event-store';
import { toEventData } from '@tracker/call-stream';
import { CallProjector, CALLS_PROJECTION, ReadModelStore } from '@tracker/read-model';
import { cliConfig } from '../context';
import { rebuild } from './rebuild';
import { rebuildInThreads } from './rebuild-threads';

const GRAPH_CALLS = 24;
const ACS_CALLS = 6;
const CALLS = GRAPH_CALLS + ACS_CALLS;
const callIdOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const urlIdOf = (i: number) => callIdOf(i).replace(/-/g, '').toUpperCase();

/** A call that rings, is answered, gets two participants and an operation, and (some) ends. */
const callHistory = (i: number) => {
  const callId = urlIdOf(i);
  return history(
    graphCommand(callNotification('establishing', { callId }), at(i)),
    graphCommand(callNotification('established', { callId }), at(i + 1)),
    graphCommand(roster([participant('a'), participant(`b${i}`)], { callId }), at(i + 2)),
    graphCommand(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'completed' },
        { callId, operationId: `op-${i}` },
      ),
      at(i + 3),
    ),
    ...(i % 3 === 0 ? [graphCommand(callNotification('terminated', { callId }), at(i + 4))] : []),
  );
};

/**
 * An ACS call: connected, a prompt played, and (some) disconnected. Its notifications' dedupe keys
 * come from their payloads, unlike Graph's.
 */
const acsCallHistory = (i: number) => {
  const connection = `a0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const event = (name: string, data: Record<string, unknown> = {}) =>
    acsEvent(name, data, `${name}-${i}`, connection);
  return history(
    acsCommand([event('CallConnected')], at(i)),
    acsCommand([event('PlayStarted', { operationContext: `welcome-${i}` })], at(i + 1)),
    acsCommand(
      [
        event('PlayCompleted', {
          operationContext: `welcome-${i}`,
          resultInformation: { code: 200, subCode: 0 },
        }),
      ],
      at(i + 2),
    ),
    ...(i % 2 === 0 ? [acsCommand([event('CallDisconnected')], at(i + 3))] : []),
  );
};

/** Every row of every table of a read model, in key order. */
const tables = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      ['call_views', 'call_folds', 'operations', 'operation_ids', 'checkpoints'].map((table) => [
        table,
        db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).raw().all(),
      ]),
    );
  } finally {
    db.close();
  }
};

describe('rebuild on fold threads (embedded store)', () => {
  let dir: string;
  let storePath: string;
  let store: EmbeddedEventStore;
  const configFor = (readModel: string) =>
    cliConfig({ STORE_PATH: storePath, READ_MODEL_PATH: join(dir, readModel) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-threads-'));
    storePath = join(dir, 'events.db');
    store = EmbeddedEventStore.open({ path: storePath });
    // One event at a time, call after call: each call's events lie far apart in the file.
    const histories = [
      ...Array.from({ length: GRAPH_CALLS }, (_, i) => callHistory(i)),
      ...Array.from({ length: ACS_CALLS }, (_, i) => acsCallHistory(i)),
    ];
    const longest = Math.max(...histories.map((h) => h.length));
    for (let revision = 0; revision < longest; revision++) {
      for (const events of histories) {
        const event = events[revision];
        if (!event) continue;
        await store.appendToStream(
          callStreamName(events[0].metadata.callId),
          [toEventData(event)],
          revision === 0 ? NO_STREAM : BigInt(revision - 1),
        );
      }
    }
    // A stream that is not a call's (an import may bring any): counted, not projected.
    await store.appendToStream(
      'audit-1',
      [1, 2, 3].map((n) => ({
        id: `00000000-0000-4000-9000-00000000000${n}`,
        type: 'Noted',
        data: { n },
        metadata: {},
      })),
      NO_STREAM,
    );
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes exactly the read model that folding $all in order writes, on 1, 2 and 3 threads', async () => {
    // Batches of 7 events and 2 folded states kept: calls span batches, their states are evicted
    // and read back from the rows, as in a store far larger than one batch.
    const inOrder = await rebuild(configFor('in-order.db'), store, {
      threads: 0,
      inOrder: { batchSize: 7, cachedCalls: 2 },
    });
    const expected = tables(join(dir, 'in-order.db'));
    expect(inOrder).toMatchObject({ calls: CALLS, foldThreads: 0 });
    let stored = 0;
    for await (const _ of store.readAll()) stored += 1;
    expect(inOrder.events).toBe(stored);
    expect(expected.operations.length).toBe(CALLS); // one each
    expect(expected.operation_ids.length).toBeGreaterThanOrEqual(CALLS);
    for (const threads of [1, 2, 3]) {
      const summary = await rebuild(configFor(`threads-${threads}.db`), store, { threads });
      expect(summary).toMatchObject({ events: inOrder.events, calls: CALLS, foldThreads: threads });
      expect(tables(join(dir, `threads-${threads}.db`))).toEqual(expected);
    }
  }, 120_000);

  // A stream too large for one JSON text is read event by event: all of them, with a bound of 1.
  it.each([
    ['whole streams', undefined],
    ['event by event', 1],
  ])(
    'folds nothing stored after the position it was given (%s)',
    async (_, maxStreamBytes) => {
      const all: RecordedEvent[] = [];
      for await (const event of store.readAll()) all.push(event);
      const upTo = all[Math.floor(all.length * 0.6)].position;
      const bounds = deadlineBounds();

      const byProjector = new ReadModelStore(join(dir, `projector-upto-${maxStreamBytes}.db`));
      const projector = new CallProjector(store, byProjector, bounds, {
        log: () => undefined,
        warn: () => undefined,
      });
      projector.apply(all.filter((e) => e.position.commit <= upTo.commit));
      // The projector's checkpoint is the last event it folded: the same position.
      byProjector.close();

      const inThreads = new ReadModelStore(join(dir, `threads-upto-${maxStreamBytes}.db`));
      const events = await rebuildInThreads({
        store,
        storePath,
        target: inThreads,
        bounds,
        upTo,
        threads: 2,
        onEvents: () => undefined,
        callsPerMessage: 5, // several messages per thread, so the flow control is used
        maxStreamBytes,
      });
      inThreads.close();
      expect(events).toBe(all.filter((e) => e.position.commit <= upTo.commit).length);
      expect(tables(join(dir, `threads-upto-${maxStreamBytes}.db`))).toEqual(
        tables(join(dir, `projector-upto-${maxStreamBytes}.db`)),
      );
    },
    60_000,
  );

  it('rejects with the error of the writer when it cannot write, the fold threads stopping by themselves', async () => {
    const target = new ReadModelStore(join(dir, 'failing-writer.db'));
    const exitCodes: number[] = [];
    let writes = 0;
    const commitRows = target.commitRows.bind(target);
    target.commitRows = (...args) => {
      if (++writes === 2) throw new Error('disk I/O error');
      commitRows(...args);
    };
    try {
      await expect(
        rebuildInThreads({
          store,
          storePath,
          target,
          bounds: deadlineBounds(),
          upTo: (await store.headPosition())!,
          threads: 2,
          onEvents: () => undefined,
          callsPerMessage: 2,
          onThreadExit: (code) => exitCodes.push(code),
        }),
      ).rejects.toThrow('disk I/O error');
      // Stopped mid-rebuild, each closed the store and ended (0), none was terminated (1): a
      // thread terminated while in libsql can abort the whole process.
      expect(exitCodes).toEqual([0, 0]);
    } finally {
      target.close();
    }
  }, 60_000);

  it('fails when a thread cannot read an event, and leaves the old read model as it was', async () => {
    const readModelPath = join(dir, 'kept.db');
    await rebuild(configFor('kept.db'), store, { threads: 0 });
    const before = tables(readModelPath);
    const broken = join(dir, 'broken-events.db');
    await store.close();
    const raw = new Database(storePath);
    raw.exec(`VACUUM INTO '${broken}'`);
    raw.close();
    store = EmbeddedEventStore.open({ path: storePath });
    const damage = new Database(broken);
    damage.prepare('UPDATE events SET data = ? WHERE position = 7').run('{not json');
    damage.close();
    const brokenStore = EmbeddedEventStore.open({ path: broken });
    try {
      await expect(
        rebuild(cliConfig({ STORE_PATH: broken, READ_MODEL_PATH: readModelPath }), brokenStore, {
          threads: 2,
        }),
      ).rejects.toThrow(/a rebuild thread failed: stream call-[0-9a-f-]+: .*JSON/);
    } finally {
      await brokenStore.close();
    }
    expect(tables(readModelPath)).toEqual(before);
    expect(before.checkpoints).toEqual([[CALLS_PROJECTION, expect.any(String)]]);
  }, 60_000);
});
