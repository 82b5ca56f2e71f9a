import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import {
  ANY,
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
import { EventRow, SCHEMA } from './schema';
import { toStoreError } from './sqlite-errors';
import { EmbeddedSubscription } from './embedded-subscription';
import { CommitHealth } from './commit-health';

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
}

/** The probe writes about as much as an append does, so it needs the space an append needs. */
const PROBE_BYTES = Buffer.alloc(4096);

/** An event as it will be written: id in its stored (lower-case) form, data already JSON. */
interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

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

/** First column of the first row. (libsql's `pluck().get()` returns the whole row, so use raw.) */
const scalar = <T>(statement: Database.Statement, ...args: unknown[]): T | undefined =>
  (statement.get(...args) as unknown[] | undefined)?.[0] as T | undefined;

const toRecorded = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  id: row.event_id,
  type: row.type,
  data: JSON.parse(row.data),
  metadata: JSON.parse(row.metadata),
  revision: BigInt(row.revision),
  position: positionOf(row.position),
  created: new Date(row.created),
});

/**
 * The default event store: one SQLite file (libsql's prebuilt binaries, see README) in WAL mode with
 * synchronous=FULL, so a commit returns only after the WAL is fsynced.
 *
 * Group commit: appends are queued and flushed together in one transaction on the next turn of the
 * event loop, so N concurrent requests cost one fsync instead of N. Each append in a batch is
 * checked on its own: a conflict rejects that append only.
 */
export class EmbeddedEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly counters = { commits: 0, appends: 0, events: 0 };
  private readonly commitHealth: CommitHealth;
  private readonly stmt: ReturnType<EmbeddedEventStore['prepareStatements']>;

  private constructor(options: EmbeddedStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.exec(SCHEMA);
    this.stmt = this.prepareStatements();
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.commitHealth = new CommitHealth(options.probeAfterIdleMs ?? 5000);
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
      upsertStream: db.prepare(
        'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      idsFrom: db.prepare(
        'SELECT event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      findId: db.prepare(
        'SELECT revision, position FROM events WHERE stream_id = ? AND event_id = ? LIMIT 1',
      ),
      lastPositionOfStream: db
        .prepare('SELECT position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
        .raw(),
      forwards: db.prepare(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      backwards: db.prepare(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      allAfter: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
      head: db.prepare('SELECT MAX(position) FROM events').raw(),
      probe: db.prepare(
        'INSERT INTO write_probe (id, at, bytes) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at, bytes = excluded.bytes',
      ),
    };
  }

  appendToStream(
    streamId: string,
    events: readonly EventData[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('embedded store is closed'));
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

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    let wrote = false;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const now = Date.now();
        for (const append of batch) {
          try {
            const result = this.applyAppend(append, now);
            wrote ||= result.wrote;
            outcomes.push({ ok: true, result: result.result });
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
        this.db.exec('COMMIT');
        this.counters.commits += 1;
        this.counters.appends += batch.length;
        this.commitHealth.succeeded();
      } catch (error) {
        // A COMMIT that fails with SQLITE_FULL or SQLITE_IOERR has already rolled back; a ROLLBACK
        // then throws "no transaction is active" and would hide the real cause.
        if (this.db.inTransaction) this.rollbackQuietly();
        throw error;
      }
    } catch (error) {
      const failure = toStoreError(error);
      this.commitHealth.failed(failure);
      for (const append of batch) append.reject(failure);
      return;
    }
    batch.forEach((append, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
    if (wrote) this.appended.emit('appended');
  }

  /** Runs inside the batch transaction; throws WrongExpectedRevisionError to reject one append. */
  private applyAppend(
    { streamId, events, expected }: PendingAppend,
    now: number,
  ): { result: AppendResult; wrote: boolean } {
    const current = scalar<number>(this.stmt.streamRevision, streamId);
    const actual = current === undefined ? NO_STREAM : BigInt(current);
    const conflict = () => new WrongExpectedRevisionError(streamId, expected, actual);

    // Nothing follows the expected revision when it is the current one, so nothing can be there
    // already: the common case skips the lookup.
    const atHead =
      typeof expected === 'bigint' && current !== undefined && BigInt(current) === expected;
    const alreadyStored = atHead
      ? undefined
      : this.alreadyStoredAt(streamId, events, expected, current);
    if (alreadyStored === 'some') throw conflict(); // writing the rest would reorder history
    if (alreadyStored) return { result: alreadyStored, wrote: false };

    if (expected === NO_STREAM && current !== undefined) throw conflict();
    if (typeof expected === 'bigint' && (current === undefined || BigInt(current) !== expected))
      throw conflict();

    if (events.length === 0) {
      const last = scalar<number>(this.stmt.lastPositionOfStream, streamId);
      return {
        result: {
          nextExpectedRevision: current === undefined ? -1n : BigInt(current),
          position: positionOf(last ?? 0),
          alreadyStored: false,
        },
        wrote: false,
      };
    }
    let revision = current ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.stmt.insertEvent.run(
        streamId,
        revision,
        event.id,
        event.type,
        event.data,
        event.metadata,
        now,
      );
      position = Number(info.lastInsertRowid);
    }
    this.counters.events += events.length;
    this.stmt.upsertStream.run(streamId, revision);
    return {
      result: {
        nextExpectedRevision: BigInt(revision),
        position: positionOf(position),
        alreadyStored: false,
      },
      wrote: true,
    };
  }

  /**
   * EventStoreDB's idempotency: the same event ids already stored where this append would have put
   * them (right after the expected revision, or anywhere in the stream for `any`) succeed without
   * writing again. `some`: only part of them is stored (`any` only), a conflict.
   */
  private alreadyStoredAt(
    streamId: string,
    events: readonly PreparedEvent[],
    expected: ExpectedRevision,
    current: number | undefined,
  ): AppendResult | 'some' | undefined {
    if (events.length === 0 || current === undefined) return undefined;
    const ids = events.map((e) => e.id);
    if (expected === ANY) {
      const found = ids.map(
        (id) =>
          this.stmt.findId.get(streamId, id) as { revision: number; position: number } | undefined,
      );
      const missing = found.filter((f) => f === undefined).length;
      if (missing === found.length) return undefined;
      if (missing > 0) return 'some';
      const last = found[found.length - 1]!;
      return {
        nextExpectedRevision: BigInt(current),
        position: positionOf(last.position),
        alreadyStored: true,
      };
    }
    const from = expected === NO_STREAM ? 0 : Number(expected) + 1;
    const stored = this.stmt.idsFrom.all(streamId, from, ids.length) as Array<{
      event_id: string;
      position: number;
    }>;
    if (stored.length !== ids.length || stored.some((row, i) => row.event_id !== ids[i]))
      return undefined;
    return {
      nextExpectedRevision: BigInt(from + ids.length - 1),
      position: positionOf(stored[stored.length - 1].position),
      alreadyStored: true,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    try {
      // Reading what follows a cached state usually finds nothing: the stream's revision says so
      // with a primary-key lookup instead of a range scan.
      if (options.direction !== 'backwards' && options.fromRevision && options.fromRevision > 0n) {
        const current = scalar<number>(this.stmt.streamRevision, streamId);
        if (current === undefined || BigInt(current) < options.fromRevision) return [];
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
      throw toStoreError(error);
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
      throw toStoreError(error);
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

  /** Commit counters: appends per commit shows how well group commit is batching. */
  get stats(): Readonly<{ commits: number; appends: number; events: number }> {
    return { ...this.counters };
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
    if (this.commitHealth.verdict() === 'ok') return;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        this.stmt.probe.run(Date.now(), PROBE_BYTES);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.rollbackQuietly();
        throw error;
      }
      this.commitHealth.succeeded();
    } catch (error) {
      this.commitHealth.failed(error);
      throw new StoreUnavailableError(
        `embedded store cannot commit: ${(error as Error).message}`,
        error,
      );
    }
  }

  /** After a failed statement: the transaction may still be open, or SQLite may have ended it. */
  private rollbackQuietly(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // Nothing left to roll back; the caller reports the error that got us here.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let appends already queued finish before the file is closed: they may have been promised.
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    this.appended.emit('closed');
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('embedded store is closed');
  }
}
