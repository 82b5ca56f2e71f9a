import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { KeySet } from '@tracker/domain';
import { ReadModelStore } from './read-model.store';

/** The first layout: views and folded states in one WITHOUT ROWID table. */
const LEGACY_SCHEMA = `
CREATE TABLE calls (
  call_id TEXT PRIMARY KEY, state TEXT, source TEXT, updated_at TEXT, next_deadline INTEGER,
  revision INTEGER NOT NULL, folded TEXT NOT NULL, view TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX calls_by_updated ON calls (updated_at, call_id);
CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO calls VALUES ('c1', 'established', 'graph', '2024-05-01T10:00:00.000Z', 1714557600000,
  4, '{"callId":"c1","marker":"folded"}', '{"callId":"c1","state":"established"}');
INSERT INTO checkpoints VALUES ('calls', '12/12');
`;

describe('ReadModelStore over a file of the first layout', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'read-model-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves views and folded states to their own tables, once, keeping the checkpoint', () => {
    const path = join(dir, 'read-model.db');
    const legacy = new Database(path);
    legacy.exec(LEGACY_SCHEMA);
    legacy.close();

    const first = new ReadModelStore(path);
    const second = new ReadModelStore(path); // finds it done

    for (const store of [first, second]) {
      expect(store.getCall('c1')).toEqual({ callId: 'c1', state: 'established' });
      expect(store.folded('c1')).toEqual({
        callId: 'c1',
        revision: 4n,
        folded: { callId: 'c1', marker: 'folded', seenNotificationKeys: KeySet.empty },
      });
      expect(store.checkpoint('calls')).toEqual({ commit: 12n, prepare: 12n });
      expect(store.dueCalls(1714557600000, 10)).toEqual(['c1']);
      expect(store.callCount()).toBe(1);
    }
    first.close();
    second.close();
    const tables = new Database(path)
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .raw()
      .all()
      .flat();
    expect(tables).not.toContain('calls');
    expect(tables).toEqual(expect.arrayContaining(['call_views', 'call_folds']));
  });
});
