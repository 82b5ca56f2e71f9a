import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callStreamName, CallView, DEFAULT_DEADLINE_BOUNDS } from '@tracker/domain';
import { at, CALL, callNotification, graphCommand, history } from '@tracker/domain/testing';
import { EmbeddedEventStore, NO_STREAM } from '@tracker/event-store';
import { toEventData } from '@tracker/call-stream';
import { eventually } from '../../../../../test/support/service-process';
import { ProjectionThread } from './projection-thread';
import type { FromProjection } from './projection-protocol';
import type { CommittedBatch } from '../../metrics/committed-batch';

const OTHER = '99999999-0000-4000-8000-000000000000';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One notification of `callId` in `state`, as the events its stream gets (`after` = its revision). */
const notified = (callId: string, state: string, seconds: number) =>
  history(graphCommand(callNotification(state, { callId }), at(seconds))).map(toEventData);

describe('ProjectionThread', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let thread: ProjectionThread;
  /** Every view the thread posted to this thread, watched or not. */
  let posted: CallView[];
  /** Every batch the thread reported committed (the lag metric's input). */
  let committed: CommittedBatch[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'projection-thread-'));
    const path = join(dir, 'events.db');
    store = EmbeddedEventStore.open({ path });
    thread = new ProjectionThread(
      {
        store: { kind: 'embedded', path },
        readModelPath: join(dir, 'read-model.db'),
        bounds: DEFAULT_DEADLINE_BOUNDS,
      },
      store,
      quiet,
      (batch) => committed.push(batch),
    );
    thread.start();
    posted = [];
    committed = [];
    const worker = (thread as unknown as { worker: import('node:worker_threads').Worker }).worker;
    worker.on('message', (message: FromProjection) => {
      if (message.kind === 'calls') posted.push(...message.views);
    });
  });

  afterEach(async () => {
    await thread.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const projected = (events: number) =>
    eventually(
      `${events} events projected`,
      async () => thread.status.projectedEvents,
      (n) => n >= events,
      10_000,
      20,
    );

  it('posts the views of watched calls only, the current one first when a watch begins', async () => {
    const append = async (callId: string, state: string, seconds: number) => {
      const stream = callStreamName(callId);
      const revision = (await store.readStream(stream)).length;
      const events = notified(callId, state, seconds);
      await store.appendToStream(stream, events, revision === 0 ? NO_STREAM : BigInt(revision - 1));
      return events.length;
    };
    let events = await append(CALL, 'establishing', 0);
    await projected(events);
    expect(posted).toEqual([]); // nobody watches: nothing crosses to the event loop

    const seen: CallView[] = [];
    const unwatch = thread.watch(CALL, (view) => seen.push(view));
    const views = (n: number) =>
      eventually(
        `${n} views`,
        async () => seen.length,
        (m) => m >= n,
        10_000,
        20,
      );
    await views(1); // committed before the watch: the thread sends it as the current view
    expect(seen[0]).toMatchObject({ callId: CALL, state: 'establishing' });

    events += await append(OTHER, 'established', 1);
    events += await append(CALL, 'established', 2);
    await projected(events);
    await views(2);
    expect(seen[1]).toMatchObject({ callId: CALL, state: 'established' });

    unwatch();
    expect(thread.watchedCalls).toEqual([]);
    events += await append(CALL, 'terminated', 3);
    await projected(events);
    expect(seen).toHaveLength(2);
    expect(posted.map((view) => [view.callId, view.state])).toEqual([
      [CALL, 'establishing'],
      [CALL, 'established'],
    ]);
  }, 30_000);

  it('reports when it committed a batch, not when this thread got round to its message', async () => {
    const first = notified(OTHER, 'establishing', 0);
    await store.appendToStream(callStreamName(OTHER), first, NO_STREAM);
    await projected(first.length); // the thread is up and following
    committed = [];
    const events = notified(CALL, 'establishing', 0);
    await store.appendToStream(callStreamName(CALL), events, NO_STREAM);
    // This thread stays busy while the projection thread reads, commits and reports: its message
    // waits, as it does behind a saturated HTTP loop.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
    const unblocked = Date.now();
    await projected(first.length + events.length);
    await eventually(
      'the commit reported',
      async () => committed.length,
      (n) => n >= 1,
      10_000,
      20,
    );

    const [{ createdMs, committedMs }] = committed;
    expect(createdMs).toHaveLength(events.length);
    // The lag ends at the thread's commit (a poll of the store and a commit), not when this
    // thread, busy for 4 s, took the message.
    expect(committedMs).toBeGreaterThanOrEqual(Math.max(...createdMs));
    expect(committedMs).toBeLessThan(unblocked);
  }, 30_000);
});
