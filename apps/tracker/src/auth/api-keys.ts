import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The configured API keys, compared in constant time (digests, so lengths do not leak either). */
export class ApiKeys {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  accepts(candidate: string): boolean {
    const given = digest(candidate);
    // Compare against every key so the time does not say which one matched.
    return this.digests.reduce((found, key) => timingSafeEqual(key, given) || found, false);
  }
}
