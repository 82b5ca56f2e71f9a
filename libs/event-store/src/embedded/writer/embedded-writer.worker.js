'use strict';
/**
 * The embedded store's writer thread: it owns the write connection, so SQLite's inserts, the
 * COMMIT's fsync and WAL checkpoints never block the event loop that answers HTTP.
 *
 * Plain JavaScript on purpose: it is started as a worker thread from source (ts-node, jest) and
 * from the bundle `nest build` makes (copied beside it as an asset), without a TypeScript loader.
 * The protocol is in writer-protocol.ts; each `commit` message is one group commit: one
 * transaction, each append checked on its own (a revision conflict rejects that append only).
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('libsql');

const db = new Database(workerData.path);
// First, as in embedded-event-store.ts: the WAL switch may wait for another process's lock.
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');

const stmt = {
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
  probe: db.prepare(
    'INSERT INTO write_probe (id, at, bytes) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at, bytes = excluded.bytes',
  ),
};

const PROBE_BYTES = Buffer.alloc(4096);

/** First column of the first row (libsql's `pluck().get()` returns the whole row). */
const scalar = (statement, ...args) => {
  const row = statement.get(...args);
  return row === undefined ? undefined : row[0];
};

/** Revisions travel as decimal strings (bigint does not cross postMessage in every Node version). */
const ok = (nextExpectedRevision, position, alreadyStored) => ({
  ok: true,
  nextExpectedRevision: String(nextExpectedRevision),
  position,
  alreadyStored,
});

/**
 * EventStoreDB's idempotency: the same event ids already stored where this append would have put
 * them (right after the expected revision, or anywhere in the stream for `any`) succeed without
 * writing again. 'some': only part of them is stored (`any` only), a conflict.
 */
const alreadyStoredAt = (streamId, events, expected, current) => {
  if (events.length === 0 || current === undefined) return undefined;
  const ids = events.map((e) => e.id);
  if (expected === 'any') {
    const found = ids.map((id) => stmt.findId.get(streamId, id));
    const missing = found.filter((f) => f === undefined).length;
    if (missing === found.length) return undefined;
    if (missing > 0) return 'some';
    return ok(current, found[found.length - 1].position, true);
  }
  const from = expected === 'no_stream' ? 0 : Number(expected) + 1;
  const stored = stmt.idsFrom.all(streamId, from, ids.length);
  if (stored.length !== ids.length || stored.some((row, i) => row.event_id !== ids[i]))
    return undefined;
  return ok(from + ids.length - 1, stored[stored.length - 1].position, true);
};

/** One append inside the batch transaction: its outcome, or a conflict with the actual revision. */
const applyAppend = ({ streamId, events, expected }, now) => {
  const current = scalar(stmt.streamRevision, streamId);
  const conflict = () => ({
    ok: false,
    actual: current === undefined ? 'no_stream' : String(current),
  });
  // Nothing follows the expected revision when it is the current one, so nothing can be there
  // already: the common case skips the lookup.
  const atHead = expected !== 'any' && expected !== 'no_stream' && current === Number(expected);
  const stored = atHead ? undefined : alreadyStoredAt(streamId, events, expected, current);
  if (stored === 'some') return conflict(); // writing the rest would reorder history
  if (stored) return stored;
  if (expected === 'no_stream' && current !== undefined) return conflict();
  if (expected !== 'no_stream' && expected !== 'any' && current !== Number(expected))
    return conflict();
  if (events.length === 0) {
    const last = scalar(stmt.lastPositionOfStream, streamId);
    return ok(current === undefined ? -1 : current, last ?? 0, false);
  }
  let revision = current === undefined ? -1 : current;
  let position = 0;
  for (const event of events) {
    revision += 1;
    const info = stmt.insertEvent.run(
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
  stmt.upsertStream.run(streamId, revision);
  return { ...ok(revision, position, false), wrote: events.length };
};

/**
 * A COMMIT that fails with SQLITE_FULL or SQLITE_IOERR has already rolled back; a ROLLBACK then
 * throws "no transaction is active", which must not hide the real cause.
 */
const inTransaction = (work) => {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // nothing left to roll back
      }
    }
    throw error;
  }
};

const describeError = (error) => ({
  message: String((error && error.message) || error),
  code: error && typeof error.code === 'string' ? error.code : undefined,
});

/** This thread's Linux id, for the parent to read its CPU (see threads/thread-cpu.ts). */
const OS_THREAD_ID = (() => {
  try {
    return Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
})();

/**
 * Reader threads woken after each commit that wrote events (commit-wake.ts owns both sides): from
 * here, not from the thread that asked for the commit, so a reader does not wait for that thread's
 * event loop, and that loop posts nothing. A line whose reader closed it is forgotten.
 */
const followers = new Set();
const follow = (port, shared) => {
  const follower = { port, flag: new Int32Array(shared) };
  followers.add(follower);
  port.on('close', () => followers.delete(follower));
  port.unref(); // a line must not keep this thread alive; `close` ends it
  wake(follower); // commits before it followed: the reader's first read covers them
};
const wake = (follower) => {
  if (Atomics.exchange(follower.flag, 0, 1) === 0) follower.port.postMessage(0);
};

const handle = (message) => {
  switch (message.kind) {
    case 'commit': {
      const startedAt = performance.now();
      const outcomes = inTransaction(() => message.appends.map((a) => applyAppend(a, message.now)));
      if (outcomes.some((outcome) => outcome.wrote)) {
        // Committed already: a failing wake-up must not make this batch read as failed (the
        // reader's poll finds it anyway).
        try {
          followers.forEach(wake);
        } catch {
          // nothing to undo
        }
      }
      return { outcomes, commitMs: performance.now() - startedAt, followers: followers.size };
    }
    case 'follow':
      follow(message.port, message.shared);
      return { followers: followers.size };
    case 'probe':
      inTransaction(() => stmt.probe.run(Date.now(), PROBE_BYTES));
      return {};
    case 'close':
      db.close();
      return {};
    default:
      throw new Error(`embedded writer: unknown message ${message.kind}`);
  }
};

parentPort.on('message', (message) => {
  let reply;
  try {
    reply = { id: message.id, ok: true, ...handle(message), osThreadId: OS_THREAD_ID };
  } catch (error) {
    reply = { id: message.id, ok: false, error: describeError(error) };
  }
  parentPort.postMessage(reply);
  if (message.kind === 'close') parentPort.close();
});
