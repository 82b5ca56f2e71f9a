/**
 * Delays between attempts after a revision conflict: "full jitter" exponential backoff, so writers
 * that collided on one call do not collide again in lockstep (the cause of the 503s two processes
 * used to get on a hot call after immediate retries).
 */
export interface BackoffPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

export const CONFLICT_BACKOFF: BackoffPolicy = { maxAttempts: 12, baseMs: 2, capMs: 250 };

/** Delay before attempt `attempt + 1`, given a uniform random number in [0, 1). */
export const backoffDelayMs = (policy: BackoffPolicy, attempt: number, random: number): number =>
  Math.floor(random * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
