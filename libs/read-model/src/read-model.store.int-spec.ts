import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { KeySet } from '@tracker/domain';
import { READ_MODEL_PAGE_SIZE, ReadModelStore } from './read-model.store';
import { RebuildTarget } from './rebuild-target';

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

const pageSizeOf = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const [size] = db.prepare('PRAGMA page_size').raw().get() as [number];
  db.close();
  return size;
};

describe('ReadModelStore pages', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-'));
    path = join(dir, 'read-model.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['served', false],
    ['being rebuilt', true],
  ])('a new file %s has 16 KB pages', (_, bulk) => {
    new ReadModelStore(path, bulk).close();
    expect(pageSizeOf(path)).toBe(16384);
  });

  it('a file of 4 KB pages (made before them) keeps them, works as before, and a rebuild converts it', () => {
    const older = new Database(path);
    older.exec('PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE before_16k (a);');
    older.close();

    const store = new ReadModelStore(path);
    store.commitRows(
      'calls',
      [
        {
          view: ['c1', 'established', 'graph', '2024-05-01T10:00:00.000Z', null, '{"callId":"c1"}'],
          fold: [1, '{}'],
          operations: [],
        },
      ],
      { commit: 3n, prepare: 3n },
    );
    expect(store.getCall('c1')).toEqual({ callId: 'c1' });
    store.close();
    expect(pageSizeOf(path)).toBe(4096);

    // A rebuild writes a new file, which gets the new pages.
    const target = new RebuildTarget(path);
    target.store.commitRows('calls', [], { commit: 3n, prepare: 3n });
    target.finish();
    expect(pageSizeOf(path)).toBe(READ_MODEL_PAGE_SIZE);
  });
});
