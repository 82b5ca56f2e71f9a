import { loadConfig } from '@tracker/config';
import type { ReadModelStore } from '@tracker/read-model';
import type { CallCommandService } from './call-command.service';
import { DeadlineWatcher } from './deadline-watcher.service';

/**
 * The tick's budget, with a clock the test moves: each mark "takes" 100 ms, the interval is 1 s,
 * so a tick may spend 250 ms. Marking itself is covered end to end in test/deadlines.e2e-spec.ts.
 */
describe('DeadlineWatcher tick budget', () => {
  const given = (due: string[]) => {
    let now = 0;
    const marked: string[] = [];
    const readModel = {
      // Like the read model: whatever was not marked yet is still due.
      dueCalls: () => due.filter((id) => !marked.includes(id)),
    } as unknown as ReadModelStore;
    const calls = {
      execute: async (callId: string) => {
        now += 100;
        marked.push(callId);
        return { accepted: 1, duplicates: 0, events: [] };
      },
    } as unknown as CallCommandService;
    const config = loadConfig({ AUTH_MODE: 'none', DEADLINE_CHECK_INTERVAL_MS: '1000' });
    const watcher = new DeadlineWatcher(readModel, calls, config);
    watcher.clock = () => now;
    return { watcher, marked };
  };

  it('stops marking once a quarter of the interval is spent', async () => {
    const { watcher, marked } = given(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await expect(watcher.tick()).resolves.toBe(3);
    expect(marked).toEqual(['a', 'b', 'c']);
  });

  it('leaves the rest to the next ticks, in order', async () => {
    const { watcher, marked } = given(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const counts = [await watcher.tick(), await watcher.tick(), await watcher.tick()];
    expect(counts).toEqual([3, 3, 1]);
    expect(marked).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});
