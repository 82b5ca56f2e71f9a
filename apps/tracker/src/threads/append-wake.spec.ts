import { AppendWake, wakeTaken } from './append-wake';

describe('AppendWake', () => {
  it('posts once for the commits that land while a wake-up is in flight', () => {
    const wake = new AppendWake();
    let posted = 0;
    for (let commit = 0; commit < 100; commit++) wake.notify(() => posted++);
    expect(posted).toBe(1);
  });

  it('posts again for a commit after the reader took the wake-up', () => {
    const wake = new AppendWake();
    let posted = 0;
    wake.notify(() => posted++);
    wakeTaken(wake.shared);
    wake.notify(() => posted++);
    wake.notify(() => posted++);
    expect(posted).toBe(2);
  });

  it('posts to a restarted reader even if the dead one never took its wake-up', () => {
    const wake = new AppendWake();
    let posted = 0;
    wake.notify(() => posted++);
    wake.reset();
    wake.notify(() => posted++);
    expect(posted).toBe(2);
  });
});
