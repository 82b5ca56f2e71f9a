import Database from 'libsql';

/** Blocks this thread: only while opening, when there is nothing else it could do. */
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * A connection to the SQLite file at `path` that waits up to `busyTimeoutMs` for locks, set up by
 * `setUp` (journal mode, schema). Switching a file to WAL takes a write lock, and several
 * instances or threads may open a new file at once: while another holds a reserved lock on a file
 * not yet in WAL mode, SQLite refuses the switch at once instead of waiting (waiting could
 * deadlock), so the whole open is tried again until `busyTimeoutMs` has passed.
 */
export const openSqlite = (
  path: string,
  busyTimeoutMs: number,
  setUp: (db: Database.Database) => void,
): Database.Database => {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      setUp(db);
      return db;
    } catch (error) {
      db.close();
      const busy = String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      sleepSync(20);
    }
  }
};
