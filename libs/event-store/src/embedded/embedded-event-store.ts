import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import Database from 'libsql';
import {
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  NO_STREAM,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreSubscription,
  SubscribeOptions,
} from '../port/event-store.port';
import {
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../port/errors';
import { StorePosition } from '../port/position';
import { EVENT_COLUMNS, EventRow, SCHEMA } from './schema';
import { toStoreError } from './sqlite-errors';
import { openSqlite } from './open-sqlite';
import { EmbeddedSubscription } from './embedded-subscription';
import { CommitHealth } from './commit-health';
import { WriterThread } from './writer/writer-thread';
import type { AppendOutcome, PreparedEvent, WriterReply } from './writer/writer-protocol';

export interface EmbeddedStoreOptions {
  /** SQLite file; its directory is created when missing. */
  readonly path: string;
  /**
   * How often a live subscription looks for events appended by another process sharing the file.
   * Appends made through this instance wake subscribers at once.
   */
  readonly pollIntervalMs?: number;
  /** How long a writer waits for the file lock held by another process before giving up. */
  readonly busyTimeoutMs?: number;
  /** `ping()` writes a probe row when no append has committed for this long (default 5 s). */
  readonly probeAfterIdleMs?: number;
  /**
   * A reader only (e.g. a projection thread beside the writing one): no writer thread, appends are
   * refused. Call `notifyAppended()` when the writer says it committed, to wake subscriptions.
   */
  readonly readOnly?: boolean;
  /** Called after each group commit (for metrics): how long the writer took, how many appends. */
  readonly onCommit?: (commit: { durationMs: number; appends: number }) => void;
}

/** The largest stream `readStreamsWhole` reads, by its events' data and metadata (64 MiB). */
export const WHOLE_STREAM_MAX_BYTES = 64 * 2 ** 20;

/** A stream as a rebuild reads it (`readStreamsWhole`). */
export interface WholeStream {
  readonly streamId: string;
  /** The revision of the last event read. */
  readonly revision: bigint;
  readonly events: readonly Pick<RecordedEvent, 'type' | 'data' | 'metadata'>[];
}

const parseStreamJson = (streamId: string, json: string): WholeStream['events'] => {
  let events: [string, unknown, Record<string, unknown>][];
  try {
    events = JSON.parse(json);
  } catch (error) {
    throw new Error(`stream ${streamId}: ${(error as Error).message}`, { cause: error });
  }
  return events.map(([type, data, metadata]) => ({ type, data, metadata }));
};

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks and serialises events before they join a group commit: a bad event must fail its own
 * append with InvalidAppendError, never the whole batch's transaction.
 */
const prepare = (streamId: string, events: readonly EventData[]): PreparedEvent[] => {
  if (!streamId) throw new InvalidAppendError('stream id must not be empty');
  return events.map((event) => {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`event id "${event.id}" is not a UUID`);
    if (!event.type) throw new InvalidAppendError('event type must not be empty');
    let data: string;
    let metadata: string;
    try {
      data = JSON.stringify(event.data ?? null);
      metadata = JSON.stringify(event.metadata ?? {});
    } catch (error) {
      throw new InvalidAppendError(`event ${event.id} cannot be written as JSON: ${error}`);
    }
    return { id: event.id.toLowerCase(), type: event.type, data, metadata };
  });
};
const PAGE_SIZE = 512;

const positionOf = (n: number | bigint): StorePosition => ({
  commit: BigInt(n),
  prepare: BigInt(n),
});

const toAppendResult = (outcome: Extract<AppendOutcome, { ok: true }>): AppendResult => ({
  nextExpectedRevision: BigInt(outcome.nextExpectedRevision),
  position: positionOf(outcome.position),
  alreadyStored: outcome.alreadyStored,
});

/** First column of the first row. (libsql's `pluck().get()` returns the whole row, so use raw.) */
const scalar = <T>(statement: Database.Statement, ...args: unknown[]): T | undefined =>
  (statement.get(...args) as unknown[] | undefined)?.[0] as T | undefined;

const toRecorded = ([
  position,
  streamId,
  revision,
  id,
  type,
  data,
  metadata,
  created,
]: EventRow): RecordedEvent => ({
  streamId,
  id,
  type,
  data: JSON.parse(data),
  metadata: JSON.parse(metadata),
  revision: BigInt(revision),
  position: positionOf(position),
  created: new Date(created),
});

/**
 * The default event store: one SQLite file (libsql's prebuilt binaries, see README) in WAL mode with
 * synchronous=FULL, so a commit returns only after the WAL is fsynced.
 *
 * Writes happen in a writer thread with its own connection (`writer/`), so inserts, the COMMIT's
 * fsync and WAL checkpoints never block this event loop; reads use this thread's connection (WAL
 * readers do not wait for the writer). Group commit: appends queue while a commit is in flight and
 * go together in the next one, so N concurrent requests cost one fsync instead of N. Each append in
 * a batch is checked on its own: a conflict rejects that append only.
 */
export class EmbeddedEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private readonly writer: WriterThread | undefined;
  private readonly onCommit?: EmbeddedStoreOptions['onCommit'];
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private writerOsThreadId: number | undefined;
  private inFlight: Promise<void> | undefined;
  private closing = false;
  private closed = false;
  private readonly counters = { commits: 0, appends: 0, events: 0 };
  /** Reader threads the writer wakes after each commit, as of its latest reply (`wakeOnCommit`). */
  private followers = 0;
  private readonly commitHealth: CommitHealth;
  private readonly stmt: ReturnType<EmbeddedEventStore['prepareStatements']>;

  private constructor(options: EmbeddedStoreOptions) {
    // Two connections must see one database, so a private ':memory:' one cannot work.
    if (options.path === ':memory:')
      throw new Error('the embedded store needs a file, not :memory:');
    mkdirSync(dirname(options.path), { recursive: true });
    this.db = openSqlite(options.path, options.busyTimeoutMs ?? 5000, (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
    });
    this.stmt = this.prepareStatements();
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.commitHealth = new CommitHealth(options.probeAfterIdleMs ?? 5000);
    this.onCommit = options.onCommit;
    // Reads stay on this connection; every write goes through the writer thread's own.
    this.writer = options.readOnly
      ? undefined
      : new WriterThread(options.path, options.busyTimeoutMs ?? 5000);
    this.appended.setMaxListeners(0);
  }

  static open(options: EmbeddedStoreOptions): EmbeddedEventStore {
    try {
      return new EmbeddedEventStore(options);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private prepareStatements() {
    const db = this.db;
    return {
      streamRevision: db.prepare('SELECT revision FROM streams WHERE stream_id = ?').raw(),
      forwards: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
        )
        .raw(),
      backwards: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      allAfter: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`,
        )
        .raw(),
      head: db.prepare('SELECT MAX(position) FROM events').raw(),
      // JSON built in SQLite: one row and one JSON.parse per stream instead of a row and two
      // parses per event. Stored data and metadata are JSON text (`prepare`). 234k events/s
      // against 140k read one stream at a time with `readStream` (a throwaway script on the bench's
      // 1.7 M-event store, warm).
      streamsWhole: db
        .prepare(
          `SELECT stream_id, max(revision),
             '[' || group_concat('[' || json_quote(type) || ',' || data || ',' || metadata || ']',
                                 ',' ORDER BY revision) || ']'
           FROM events WHERE stream_id IN (SELECT value FROM json_each(?)) AND position <= ?
           GROUP BY stream_id HAVING sum(octet_length(data) + octet_length(metadata)) <= ?`,
        )
        .raw(),
      streamsByFirstEvent: db
        .prepare(
          `SELECT stream_id, MIN(position) AS first FROM events GROUP BY stream_id
           HAVING first <= ? ORDER BY first`,
        )
        .raw(),
    };
  }

  appendToStream(
    streamId: string,
    events: readonly EventData[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (this.closed || this.closing)
      return Promise.reject(new StoreUnavailableError('embedded store is closed'));
    if (!this.writer) return Promise.reject(new InvalidAppendError('this store is read-only'));
    let prepared: PreparedEvent[];
    try {
      prepared = prepare(streamId, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events: prepared, expected: expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Sends what is queued as one group commit, unless one is in flight: appends arriving meanwhile
   * wait and go together in the next, so the batch grows with the load and each costs one fsync
   * in the writer thread, never on this event loop.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = this.writer!.request({
      kind: 'commit',
      now: Date.now(),
      appends: batch.map((a) => ({
        streamId: a.streamId,
        events: a.events,
        expected: typeof a.expected === 'bigint' ? a.expected.toString() : a.expected,
      })),
    })
      .then((reply) => this.settle(batch, reply))
      .finally(() => {
        this.inFlight = undefined;
        this.flush();
      });
  }

  /** Its writer thread's Linux id, for that thread's CPU (undefined before its first reply). */
  get writerThreadId(): number | undefined {
    return this.writerOsThreadId;
  }

  private settle(batch: readonly PendingAppend[], reply: WriterReply): void {
    if (reply.ok) this.writerOsThreadId ??= reply.osThreadId;
    if (!reply.ok) {
      const failure = toStoreError(Object.assign(new Error(reply.error.message), reply.error));
      this.commitHealth.failed(failure);
      for (const append of batch) append.reject(failure);
      return;
    }
    this.commitHealth.succeeded();
    this.followers = reply.followers ?? this.followers;
    this.counters.commits += 1;
    this.counters.appends += batch.length;
    this.onCommit?.({ durationMs: reply.commitMs ?? 0, appends: batch.length });
    let wrote = false;
    batch.forEach((append, i) => {
      const outcome = reply.outcomes![i];
      if (!outcome.ok) {
        const actual = outcome.actual === NO_STREAM ? NO_STREAM : BigInt(outcome.actual);
        append.reject(new WrongExpectedRevisionError(append.streamId, append.expected, actual));
        return;
      }
      if (outcome.wrote) {
        wrote = true;
        this.counters.events += outcome.wrote;
      }
      append.resolve(toAppendResult(outcome));
    });
    if (wrote) this.appended.emit('appended');
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    try {
      // A forward read usually finds nothing: the write side reads a new call's stream, and what
      // follows a cached state. The stream's revision says so with a primary-key lookup, at half
      // the cost of an empty range scan (bench/hot-path-micro.ts).
      if (options.direction !== 'backwards') {
        const current = scalar<number>(this.stmt.streamRevision, streamId);
        if (current === undefined || BigInt(current) < (options.fromRevision ?? 0n)) return [];
      }
      const rows =
        options.direction === 'backwards'
          ? this.stmt.backwards.all(
              streamId,
              Number(options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER)),
              maxCount,
            )
          : this.stmt.forwards.all(streamId, Number(options.fromRevision ?? 0n), maxCount);
      return (rows as EventRow[]).map(toRecorded);
    } catch (error) {
      throw this.failed(error);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ? Number(options.after.commit) : 0;
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    while (remaining > 0) {
      const page = this.readPageAfter(after, Math.min(PAGE_SIZE, remaining));
      if (page.length === 0) return;
      for (const event of page) yield event;
      remaining -= page.length;
      after = Number(page[page.length - 1].position.commit);
    }
  }

  /** Synchronous on purpose: the subscription relies on no append landing between read and wait. */
  readPageAfter(after: number, limit: number): RecordedEvent[] {
    this.assertOpen();
    try {
      return (this.stmt.allAfter.all(after, limit) as EventRow[]).map(toRecorded);
    } catch (error) {
      throw this.failed(error);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): StoreSubscription {
    return new EmbeddedSubscription(
      (after, limit) => this.readPageAfter(after, limit),
      this.appended,
      options.after ? Number(options.after.commit) : 0,
      this.pollIntervalMs,
      PAGE_SIZE,
    );
  }

  /**
   * A failed read counts against readiness too: a disk that cannot be read will not take a commit
   * either, and the next `ping()` proves it with a write before saying "up" again.
   */
  private failed(error: unknown): unknown {
    const failure = toStoreError(error);
    if (failure instanceof StoreUnavailableError) this.commitHealth.failed(failure);
    return failure;
  }

  /** Calls `listener` after each commit that wrote events; returns what stops that. */
  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  /**
   * The writer thread posts on `port` after each commit that wrote events while the flag in
   * `shared` is clear, and sets it; the reader clears it when it reads (see `commitWakeFor` and
   * `followCommits`, which own both sides). It posts once at once too, so commits that landed
   * before it followed are read. False when this store has no live writer (read-only, closed, or
   * its writer thread died).
   */
  wakeOnCommit(port: MessagePort, shared: SharedArrayBuffer): boolean {
    if (!this.writer?.alive || this.closing || this.closed) return false;
    void this.writer.request({ kind: 'follow', port, shared }, [port]).then((reply) => {
      // Not followed (the writer failed meanwhile): the reader finds commits by its poll.
      if (!reply.ok) port.close();
      else this.followers = reply.followers ?? this.followers;
    });
    return true;
  }

  /** Another connection in this process committed appends: wake live subscriptions now. */
  notifyAppended(): void {
    this.appended.emit('appended');
  }

  /** Commit counters: appends per commit shows how well group commit is batching. */
  get stats(): Readonly<{ commits: number; appends: number; events: number; followers: number }> {
    return { ...this.counters, followers: this.followers };
  }

  /**
   * The streams with an event at or before `upTo`, in the order of their first event, so that
   * whoever reads them one by one walks the file roughly front to back (the events of the calls
   * going on at one time lie near each other).
   */
  streamIdsByFirstEvent(upTo: StorePosition): string[] {
    this.assertOpen();
    try {
      const rows = this.stmt.streamsByFirstEvent.all(Number(upTo.commit)) as Array<[string]>;
      return rows.map(([streamId]) => streamId);
    } catch (error) {
      throw this.failed(error);
    }
  }

  /**
   * The events of each of `streamIds` up to `upTo`, in revision order, without ids, positions or
   * times: what a rebuild folds. Left out: a stream with no event at or before `upTo`, and one
   * whose events' data and metadata exceed `maxBytes` (one JavaScript string holds at most ~512 M
   * characters: read such a stream with `readStream`). The rest come in no particular order. Read
   * a few dozen streams per call: one query covers them all.
   */
  readStreamsWhole(
    streamIds: readonly string[],
    upTo: StorePosition,
    maxBytes = WHOLE_STREAM_MAX_BYTES,
  ): WholeStream[] {
    this.assertOpen();
    try {
      const rows = this.stmt.streamsWhole.all(
        JSON.stringify(streamIds),
        Number(upTo.commit),
        maxBytes,
      ) as [string, number, string][];
      return rows.map(([streamId, revision, json]) => ({
        streamId,
        revision: BigInt(revision),
        events: parseStreamJson(streamId, json),
      }));
    } catch (error) {
      throw this.failed(error);
    }
  }

  async headPosition(): Promise<StorePosition | undefined> {
    this.assertOpen();
    const head = scalar<number | null>(this.stmt.head);
    return head === null || head === undefined ? undefined : positionOf(head);
  }

  /**
   * Ready means "can commit": fine when a commit succeeded lately and none failed since; otherwise
   * a probe row is written and fsynced like an append, so a full or failing disk reads as down and
   * recovery is seen as soon as a write succeeds again.
   */
  async ping(): Promise<void> {
    this.assertOpen();
    if (!this.writer) {
      this.readPageAfter(Number.MAX_SAFE_INTEGER, 1); // a reader is healthy when it can read
      return;
    }
    if (this.commitHealth.verdict() === 'ok') return;
    const reply = await this.writer.request({ kind: 'probe' });
    if (reply.ok) {
      this.commitHealth.succeeded();
      return;
    }
    this.commitHealth.failed(new Error(reply.error.message));
    throw new StoreUnavailableError(`embedded store cannot commit: ${reply.error.message}`, reply);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let appends already queued finish before the file is closed: they may have been promised.
    this.closing = true;
    while (this.inFlight || this.queue.length > 0) {
      this.flush();
      await this.inFlight;
    }
    this.closed = true;
    this.appended.emit('closed');
    if (this.writer) {
      await this.writer.request({ kind: 'close' });
      await this.writer.terminate();
    }
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('embedded store is closed');
  }
}
