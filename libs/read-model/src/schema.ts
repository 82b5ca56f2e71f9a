/**
 * The read model: one row per call (its folded state without the notification keys, for the
 * projector, and its view, for queries) and one per operation, plus the projector's checkpoint, all written in the same
 * transaction so a restart resumes exactly where the last committed batch ended. Tables added
 * later are created empty on an existing file: `npm run cli -- rebuild` fills them.
 */
export const READ_MODEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  call_id       TEXT PRIMARY KEY,
  state         TEXT,
  source        TEXT,
  updated_at    TEXT,
  next_deadline INTEGER,
  revision      INTEGER NOT NULL,
  folded        TEXT NOT NULL,
  view          TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS calls_by_updated ON calls (updated_at, call_id);
CREATE INDEX IF NOT EXISTS calls_by_deadline ON calls (next_deadline) WHERE next_deadline IS NOT NULL;
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
