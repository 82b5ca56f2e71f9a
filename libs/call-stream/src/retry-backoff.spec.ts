import { backoffDelayMs, CONFLICT_BACKOFF } from './retry-backoff';

describe('conflict backoff', () => {
  it('grows exponentially, capped, and is jittered over [0, bound)', () => {
    const policy = { maxAttempts: 10, baseMs: 2, capMs: 100 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(policy, a, 0.999))).toEqual([
      3, 7, 15, 31, 63, 99, 99,
    ]);
    expect(backoffDelayMs(policy, 6, 0)).toBe(0);
    expect(backoffDelayMs(policy, 3, 0.5)).toBe(8);
  });

  it('waits about a second and a half at most over every attempt', () => {
    let worst = 0;
    for (let attempt = 1; attempt < CONFLICT_BACKOFF.maxAttempts; attempt++) {
      worst += backoffDelayMs(CONFLICT_BACKOFF, attempt, 0.999999);
    }
    expect(worst).toBeGreaterThan(500);
    expect(worst).toBeLessThan(2000);
  });
});
