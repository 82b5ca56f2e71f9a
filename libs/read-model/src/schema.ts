import type Database from 'libsql';

/**
 * The read model: per call its view (for queries) in `call_views` and the folded state the
 * projector goes on from (without the notification keys) in `call_folds`; one row per operation;
 * the projector's checkpoint. All written in the same transaction, so a restart resumes exactly
 * where the last committed batch ended. Tables added later are created empty on an existing file:
 * `npm run cli -- rebuild` fills them.
 *
 * Views and folded states are apart, in rowid tables, because of how SQLite stores rows: a query
 * reading a view then reads one leaf page, where a view stored after a 3 KB folded state in a
 * WITHOUT ROWID table (the first layout, `calls`) cost a walk through four or five overflow pages
 * (the bench's gRPC p50 with 100,000 calls: 10.9 ms before, 2.4 ms after).
 */
export const READ_MODEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS call_views (
  call_id       TEXT PRIMARY KEY,
  state         TEXT,
  source        TEXT,
  updated_at    TEXT,
  next_deadline INTEGER,
  view          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS call_views_by_updated ON call_views (updated_at, call_id);
CREATE INDEX IF NOT EXISTS call_views_by_deadline ON call_views (next_deadline)
  WHERE next_deadline IS NOT NULL;
CREATE TABLE IF NOT EXISTS call_folds (
  call_id  TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  folded   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS operations (
  operation_id TEXT PRIMARY KEY,
  call_id      TEXT NOT NULL,
  status       TEXT NOT NULL,
  view         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS operations_by_call ON operations (call_id, status);
-- Every spelling an operation is known by (raw platform ids, dialog ids, its own id), by lookup
-- key (see idLookupKey): the ids users know find the operation whatever the tracker keyed it by.
CREATE TABLE IF NOT EXISTS operation_ids (
  lookup_key   TEXT NOT NULL,
  operation_id TEXT NOT NULL,
  PRIMARY KEY (lookup_key, operation_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  position   TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Creates the tables, moving a read model of the first layout (`calls`) into the current one in
 * one transaction: whoever opens the file first migrates it, the others find it done.
 */
export const openSchema = (db: Database.Database): void => {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(READ_MODEL_SCHEMA);
    const legacy = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls'")
      .get();
    if (legacy) {
      db.exec(`
        INSERT OR REPLACE INTO call_views (call_id, state, source, updated_at, next_deadline, view)
          SELECT call_id, state, source, updated_at, next_deadline, view FROM calls;
        INSERT OR REPLACE INTO call_folds (call_id, revision, folded)
          SELECT call_id, revision, folded FROM calls;
        DROP TABLE calls;`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
};
