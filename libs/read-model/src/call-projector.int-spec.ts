import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callStreamName,
  CallView,
  deadlineBounds,
  foldCall,
  KeySet,
  toCallView,
  toOperationViews,
} from '@tracker/domain';
import { EmbeddedEventStore, NO_STREAM, RecordedEvent } from '@tracker/event-store';
import { fixture } from '@tracker/domain/testing';
import { history } from '@tracker/domain/testing';
import {
  at,
  botCommand,
  CALL,
  callNotification,
  graphCommand,
  playPrompt,
  promptId,
  participant,
  roster,
} from '@tracker/domain/testing';
import { CallProjector, CallProjectorOptions } from './call-projector';
import { CALLS_PROJECTION, ReadModelStore } from './read-model.store';
import { toEventData } from '@tracker/call-stream';

const quiet = { log: () => undefined, warn: () => undefined };

const callEvents = () =>
  history(
    graphCommand(fixture('graph/answer-incoming.json'), at(0)),
    graphCommand(fixture('graph/answer-established.json'), at(2)),
    graphCommand(roster([participant('a'), participant('b', { isOnHold: true })]), at(3)),
    botCommand(CALL, fixture('graph/recordresponse-response.json'), at(4)),
    graphCommand(fixture('graph/recordresponse-completed.json'), at(9)),
  );

describe('CallProjector', () => {
  let store: EmbeddedEventStore;
  let stored: RecordedEvent[];
  const readModels: ReadModelStore[] = [];

  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'call-projector-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    await store.appendToStream(callStreamName(CALL), callEvents().map(toEventData), NO_STREAM);
    stored = [];
    for await (const event of store.readAll()) stored.push(event);
  });

  afterEach(async () => {
    for (const readModel of readModels.splice(0)) readModel.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const projector = (options?: CallProjectorOptions) => {
    const readModel = new ReadModelStore(':memory:');
    readModels.push(readModel);
    return {
      readModel,
      projector: new CallProjector(store, readModel, deadlineBounds(), quiet, options),
    };
  };

  const expected = () => {
    const state = foldCall(callEvents());
    return {
      // Rows keep no notification keys: only the write side needs them.
      state: { ...state, seenNotificationKeys: KeySet.empty },
      view: toCallView(state),
      operations: toOperationViews(state),
    };
  };

  const rows = (readModel: ReadModelStore) => ({
    state: readModel.folded(CALL)?.folded,
    view: readModel.getCall(CALL),
    operations: readModel.listOperations(CALL),
  });

  it('writes the same rows one event per batch, from memory or from the read model', () => {
    const cached = projector();
    const uncached = projector({ cachedCalls: 0 });
    for (const event of stored) {
      cached.projector.apply([event]);
      uncached.projector.apply([event]);
    }
    expect(rows(cached.readModel)).toEqual(expected());
    expect(rows(uncached.readModel)).toEqual(rows(cached.readModel));
    expect(cached.readModel.checkpoint(CALLS_PROJECTION)).toEqual(stored.at(-1)!.position);
  });

  it('retries a batch whose commit failed from the committed state, not the folded one', () => {
    const { readModel, projector: p } = projector();
    p.apply(stored.slice(0, 2));
    const commit = jest.spyOn(readModel, 'commit').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    expect(() => p.apply(stored.slice(2))).toThrow('disk full');
    commit.mockRestore();
    p.apply(stored.slice(2));
    expect(rows(readModel)).toEqual(expected());
  });

  it('counts the calls once when it starts, then adds those each commit creates', async () => {
    const path = join(dir, 'read-model.db');
    const OTHER = '11111111-2222-4333-8444-555555555555';
    const first = new ReadModelStore(path);
    readModels.push(first);
    const running = new CallProjector(store, first, deadlineBounds(), quiet);
    expect(running.status.calls).toBeUndefined();
    running.start();
    expect(running.status.calls).toBe(0);
    expect(await running.waitFor(stored.at(-1)!.position)).toBe(true);
    expect(running.status.calls).toBe(1);

    const other = history(
      graphCommand(callNotification('establishing', { callId: OTHER }), at(20)),
      graphCommand(callNotification('established', { callId: OTHER }), at(21)),
    );
    const { position } = await store.appendToStream(
      callStreamName(OTHER),
      other.map(toEventData),
      NO_STREAM,
    );
    expect(await running.waitFor(position)).toBe(true);
    expect(running.status.calls).toBe(2);
    await running.stop();

    const again = new CallProjector(store, first, deadlineBounds(), quiet);
    again.start();
    expect(again.status.calls).toBe(2);
    expect(again.status.calls).toBe(first.callCount());
    await again.stop();
  });

  it("writes only the operations a batch changed, and a call's rows stay its fold", async () => {
    const LONG_CALL = '22222222-3333-4444-8555-666666666666';
    const prompt = (n: number, status: 'running' | 'completed', seconds: number) =>
      graphCommand(playPrompt(n, status, LONG_CALL), at(seconds));
    const commands = [
      graphCommand(callNotification('established', { callId: LONG_CALL }), at(0)),
      ...Array.from({ length: 20 }, (_, n) => prompt(n, 'running', 1 + n)),
      prompt(7, 'completed', 30),
      prompt(20, 'running', 31),
      prompt(3, 'completed', 32),
    ];
    const events = history(...commands);
    await store.appendToStream(callStreamName(LONG_CALL), events.map(toEventData), NO_STREAM);
    const all: RecordedEvent[] = [];
    for await (const event of store.readAll())
      if (event.streamId.includes(LONG_CALL)) all.push(event);
    // The stored events of each notification, in order (one notification makes several events).
    const notifications: RecordedEvent[][] = [];
    for (const event of all) {
      const key = (event.metadata as { notificationKey?: string }).notificationKey;
      const lastGroup = notifications.at(-1);
      const lastKey = (lastGroup?.[0].metadata as { notificationKey?: string } | undefined)
        ?.notificationKey;
      if (lastGroup && lastKey === key) lastGroup.push(event);
      else notifications.push([event]);
    }
    expect(notifications).toHaveLength(24);
    const { readModel, projector: p } = projector();
    const upserts = jest.spyOn(readModel, 'commitRows');
    const written = () => upserts.mock.calls.at(-1)![1].flatMap((call) => call.operations);

    p.apply(notifications.slice(0, 21).flat()); // the call and its 20 prompts, all new
    expect(written()).toHaveLength(20);
    p.apply(notifications[21]); // prompt 7 completes
    expect(written().map(([id]) => id)).toEqual([promptId(7)]);
    p.apply(notifications.slice(22).flat()); // prompt 20 starts, prompt 3 completes
    expect(
      written()
        .map(([id]) => id)
        .sort(),
    ).toEqual([promptId(3), promptId(20)]);
    expect(readModel.listOperations(LONG_CALL)).toEqual(toOperationViews(foldCall(events)));

    // A projector that starts from the rows (nothing cached) writes what changed since them.
    const again = new CallProjector(store, readModel, deadlineBounds(), quiet);
    const more = history(...commands, prompt(0, 'completed', 40)).slice(events.length);
    await store.appendToStream(
      callStreamName(LONG_CALL),
      more.map(toEventData),
      BigInt(all.length - 1),
    );
    const tail: RecordedEvent[] = [];
    for await (const event of store.readAll({ after: all.at(-1)!.position })) tail.push(event);
    expect(tail).toHaveLength(more.length);
    again.apply(tail);
    expect(written().map(([id]) => id)).toEqual([promptId(0)]);
    expect(readModel.listOperations(LONG_CALL)).toEqual(
      toOperationViews(foldCall([...events, ...more])),
    );
  });

  it('hands the views of a watched call to its watchers, and nothing once unwatched', () => {
    const { projector: p } = projector();
    const seen: CallView[] = [];
    const others: CallView[] = [];
    const unwatch = p.watch(CALL, (view) => seen.push(view));
    p.watch('99999999-0000-4000-8000-000000000000', (view) => others.push(view));
    expect(p.watchedCalls.sort()).toEqual([CALL, '99999999-0000-4000-8000-000000000000'].sort());
    p.apply(stored.slice(0, 2));
    expect(seen).toEqual([toCallView(foldCall(callEvents().slice(0, 2)))]);
    unwatch();
    expect(p.watchedCalls).toEqual(['99999999-0000-4000-8000-000000000000']);
    p.apply(stored.slice(2));
    expect(seen).toHaveLength(1);
    expect(others).toEqual([]);
  });

  it('changes nothing when a batch is delivered again', () => {
    const { readModel, projector: p } = projector();
    p.apply(stored);
    const seen: CallView[] = [];
    p.watch(CALL, (view: CallView) => seen.push(view));
    p.apply(stored.slice(1));
    expect(seen).toEqual([]);
    expect(rows(readModel)).toEqual(expected());
  });

  it('folds everything again after a reset', () => {
    const { readModel, projector: p } = projector();
    p.apply(stored);
    p.reset();
    expect(readModel.getCall(CALL)).toBeUndefined();
    p.apply(stored.slice(0, 3));
    p.apply(stored.slice(3));
    expect(rows(readModel)).toEqual(expected());
  });
});
