import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callStreamName, foldCall, type RecordNotification } from '@tracker/domain';
import {
  at,
  botCommand,
  CALL,
  fixture,
  graphCommand,
  participant,
  roster,
} from '@tracker/domain/testing';
import { EmbeddedEventStore, EventStore, RecordedEvent } from '@tracker/event-store';
import { CallCommandHandler } from './call-command-handler';
import { CallStateFolder } from './call-state-folder';
import { StreamContendedError } from './stream-contended.error';
import { toCallEvent } from './stored-call-event';

const STREAM = callStreamName(CALL);

const life = (): RecordNotification[] => [
  graphCommand(fixture('graph/answer-incoming.json'), at(0)),
  graphCommand(fixture('graph/answer-established.json'), at(2)),
  graphCommand(roster([participant('a'), participant('b', { isOnHold: true })]), at(3)),
  botCommand(CALL, fixture('graph/recordresponse-response.json'), at(4)),
  graphCommand(fixture('graph/recordresponse-completed.json'), at(9)),
];

/** The store, counting its stream reads. */
const countingReads = (inner: EventStore) => {
  const counting = { reads: 0, store: inner };
  counting.store = Object.create(inner, {
    readStream: {
      value: (...args: Parameters<EventStore['readStream']>) => (
        counting.reads++,
        inner.readStream(...args)
      ),
    },
  }) as EventStore;
  return counting;
};

/** What a state looks like once stored and read back (undefined members drop out). */
const asStored = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('CallCommandHandler over the embedded store', () => {
  let dir: string;
  let store: EmbeddedEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'call-stream-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (): Promise<RecordedEvent[]> => store.readStream(STREAM);

  it('appends what it decides and answers a redelivery as a duplicate, storing nothing again', async () => {
    const handler = new CallCommandHandler(store, new CallStateFolder(store));
    const commands = life();

    const first = await handler.execute(CALL, commands);
    const again = await handler.execute(CALL, commands.slice(1, 3));

    expect(first).toMatchObject({ accepted: 5, duplicates: 0 });
    expect(first.events.length).toBe((await stored()).length);
    expect(again).toEqual({ accepted: 0, duplicates: 2, events: [] });
    expect((await stored()).length).toBe(first.events.length);
  });

  it('hands the mapper the state after each appended event: equal to folding the store, no fold', async () => {
    const folder = new CallStateFolder(store, { handOverCapacity: 100 });
    const handler = new CallCommandHandler(store, folder);
    for (const command of life()) await handler.execute(CALL, [command]);

    const events = await stored();
    const handed = [];
    for (const event of events) handed.push(asStored(await folder.after(event)));

    const folded = events.map((_, i) =>
      asStored(foldCall(events.slice(0, i + 1).map(toCallEvent))),
    );
    expect(handed).toEqual(folded);
    expect(folder.handOverStats).toEqual({ hits: events.length, misses: 0 });
  });

  it('keeps no hand-over by default: the mapper folds (from its cache or the store) and agrees', async () => {
    const writerFolder = new CallStateFolder(store);
    await new CallCommandHandler(store, writerFolder).execute(CALL, life());
    const events = await stored();
    const last = events[events.length - 1];

    const state = await writerFolder.after(last);

    expect(asStored(state)).toEqual(asStored(foldCall(events.map(toCallEvent))));
    expect(writerFolder.handOverStats).toEqual({ hits: 0, misses: 1 });
  });

  /** A call's life stored by one writer, and a reader of its own (as the Kafka mapper is). */
  const storedLifeAndAReader = async () => {
    await new CallCommandHandler(store, new CallStateFolder(store)).execute(CALL, life());
    const counting = countingReads(store);
    return { events: await stored(), counting, reader: new CallStateFolder(counting.store) };
  };

  it('a reader of the store in order (a catch-up) folds every state without reading a stream', async () => {
    const { events, counting, reader } = await storedLifeAndAReader();

    const states = [];
    for (const event of events) states.push(asStored(await reader.after(event)));

    expect(states).toEqual(
      events.map((_, i) => asStored(foldCall(events.slice(0, i + 1).map(toCallEvent)))),
    );
    expect(counting.reads).toBe(0);
    expect(reader.handOverStats).toEqual({ hits: 0, misses: events.length });
  });

  it('a reader that starts in the middle of a stream reads what came before, once', async () => {
    const { events, counting, reader } = await storedLifeAndAReader();

    const states = [];
    for (const event of events.slice(2)) states.push(asStored(await reader.after(event)));

    expect(states).toEqual(
      events.slice(2).map((_, i) => asStored(foldCall(events.slice(0, i + 3).map(toCallEvent)))),
    );
    expect(counting.reads).toBe(1);
  });

  it("a reader behind the writer does not replace the writer's newer state", async () => {
    const counting = countingReads(store);
    const folder = new CallStateFolder(counting.store);
    const handler = new CallCommandHandler(counting.store, folder);
    const [incoming, established, ...rest] = life();
    await handler.execute(CALL, [incoming, established]);
    const [firstEvent] = await stored();

    await folder.after(firstEvent); // behind: the writer is further on
    counting.reads = 0;
    const latest = await folder.latest(STREAM);

    expect(latest.revision).toBe((await stored()).at(-1)!.revision);
    expect(counting.reads).toBe(0); // the writer's own state, as it left it
    expect(await handler.execute(CALL, rest)).toMatchObject({ accepted: rest.length });
  });

  it('decides again after another writer moved the stream on, reading only what is new', async () => {
    const [incoming, established] = life();
    const folder = new CallStateFolder(store);
    const conflicts: string[] = [];
    const handler = new CallCommandHandler(store, folder, {
      onConflict: () => conflicts.push('conflict'),
      onRetry: () => conflicts.push('retry'),
      sleep: async () => undefined,
    });
    await handler.execute(CALL, [incoming]);
    // Another process (its own fold) writes next; this handler's cached state is now stale.
    await new CallCommandHandler(store, new CallStateFolder(store)).execute(CALL, [established]);

    const outcome = await handler.execute(CALL, [graphCommand(roster([participant('a')]), at(3))]);

    expect(outcome.accepted).toBe(1);
    // The stale state is found out by the store's revision check, once.
    const events = await stored();
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
    expect(conflicts).toEqual(['conflict', 'retry']);
    const latest = await folder.latest(STREAM);
    expect(latest.revision).toBe(events.at(-1)!.revision);
    expect(asStored(latest.state)).toEqual(asStored(foldCall(events.map(toCallEvent))));
  });

  it('retries a revision conflict with backoff, then gives up with StreamContendedError', async () => {
    const [incoming, established, third] = life();
    await new CallCommandHandler(store, new CallStateFolder(store)).execute(CALL, [incoming]);
    const other = new CallCommandHandler(store, new CallStateFolder(store));
    const rival = [established, third];
    const seen: string[] = [];
    // Between this writer's read and its append, a rival appends: every attempt conflicts.
    const racing = Object.create(store, {
      appendToStream: {
        value: async (...args: Parameters<EventStore['appendToStream']>) => {
          const next = rival.shift();
          if (next) await other.execute(CALL, [next]);
          else
            await other.execute(CALL, [
              graphCommand(roster([participant(`p${seen.length}`)]), at(20 + seen.length)),
            ]);
          return store.appendToStream(...args);
        },
      },
    }) as EventStore;
    const handler = new CallCommandHandler(racing, new CallStateFolder(racing), {
      backoff: { maxAttempts: 3, baseMs: 1, capMs: 4 },
      onConflict: () => seen.push('conflict'),
      onRetry: () => seen.push('retry'),
      random: () => 0.5,
    });

    const attempt = handler.execute(CALL, [graphCommand(roster([participant('z')]), at(30))]);

    await expect(attempt).rejects.toBeInstanceOf(StreamContendedError);
    expect(seen).toEqual(['conflict', 'retry', 'conflict', 'retry', 'conflict']);
  });
});
