import { CommitHealth } from './commit-health';

describe('CommitHealth', () => {
  let now = 1_000;
  const health = () => new CommitHealth(5_000, () => now);

  it('asks for a probe before any commit is known', () => {
    expect(health().verdict()).toBe('probe');
  });

  it('is ok while the last commit succeeded recently, and asks for a probe once it is old', () => {
    const h = health();
    h.succeeded();
    now += 5_000;
    expect(h.verdict()).toBe('ok');
    now += 1;
    expect(h.verdict()).toBe('probe');
  });

  it('asks for a probe after a failed commit, however recent the last success, until one succeeds', () => {
    const h = health();
    h.succeeded();
    h.failed(new Error('SQLITE_FULL'));
    expect(h.verdict()).toBe('probe');
    expect(h.failure?.message).toBe('SQLITE_FULL');
    h.succeeded();
    expect(h.verdict()).toBe('ok');
    expect(h.failure).toBeUndefined();
  });
});
