import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySet, type CallState, type CallView } from '@tracker/domain';
import { CALLS_PROJECTION, ReadModelStore } from './read-model.store';
import { RebuildTarget } from './rebuild-target';

const write = (store: ReadModelStore, callId: string, commit: bigint) =>
  store.commit(
    CALLS_PROJECTION,
    [
      {
        state: { seenNotificationKeys: KeySet.empty } as unknown as CallState,
        revision: 0n,
        view: { callId, state: 'established' } as unknown as CallView,
        operations: [],
        nextDeadline: undefined,
      },
    ],
    { commit, prepare: commit },
  );

describe('RebuildTarget', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-target-'));
    path = join(dir, 'read-model.db');
    const old = new ReadModelStore(path);
    write(old, 'old-call', 5n);
    old.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the read model only when finished, with none of the old rows', () => {
    const target = new RebuildTarget(path);
    write(target.store, 'new-call', 9n);
    const meanwhile = new ReadModelStore(path);
    expect(meanwhile.getCall('old-call')).toBeDefined();
    meanwhile.close();

    target.finish();

    const rebuilt = new ReadModelStore(path);
    expect(rebuilt.getCall('old-call')).toBeUndefined();
    expect(rebuilt.getCall('new-call')).toMatchObject({ callId: 'new-call' });
    expect(rebuilt.checkpoint(CALLS_PROJECTION)).toEqual({ commit: 9n, prepare: 9n });
    rebuilt.close();
    expect(existsSync(`${path}.rebuild`)).toBe(false);
  });

  it('abandoned (a failed or interrupted rebuild), leaves the old read model as it was', () => {
    const target = new RebuildTarget(path);
    write(target.store, 'new-call', 9n);

    target.abandon();

    const kept = new ReadModelStore(path);
    expect(kept.getCall('old-call')).toBeDefined();
    expect(kept.getCall('new-call')).toBeUndefined();
    expect(kept.checkpoint(CALLS_PROJECTION)).toEqual({ commit: 5n, prepare: 5n });
    kept.close();
    expect(existsSync(`${path}.rebuild`)).toBe(false);
  });
});
