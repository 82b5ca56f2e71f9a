import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY, EmbeddedEventStore } from '@tracker/event-store';
import { AppendWake, wakeTaken } from './append-wake';

describe('AppendWake over the embedded store', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let posted: number;
  const wake = new AppendWake();
  let stop: () => void;
  const append = () =>
    store.appendToStream('s', [{ id: randomUUID(), type: 'Tested', data: {} }], ANY);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'append-wake-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db') });
    posted = 0;
    wake.reset();
    stop = wake.follow(store, () => posted++);
  });
  afterEach(async () => {
    stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts once for the commits that land while a wake-up is in flight', async () => {
    for (let commit = 0; commit < 5; commit++) await append();
    expect(posted).toBe(1);
  });

  it('posts again for a commit after the reader took the wake-up, and wakes its subscriptions', async () => {
    await append();
    let signalled = 0;
    const unwatch = store.onAppended(() => signalled++);
    wakeTaken(wake.shared, store);
    unwatch();
    expect(signalled).toBe(1);
    await append();
    await append();
    expect(posted).toBe(2);
  });

  it('posts to a restarted reader even if the dead one never took its wake-up', async () => {
    await append();
    wake.reset();
    await append();
    expect(posted).toBe(2);
  });

  it('does nothing after it is stopped', async () => {
    stop();
    await append();
    expect(posted).toBe(0);
  });
});
