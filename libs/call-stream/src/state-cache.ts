import type { CallState } from '@tracker/domain';

export interface CachedState {
  readonly state: CallState;
  readonly revision: bigint;
}

/** Least-recently-used cache of folded call states (a Map keeps insertion order). */
export class StateCache {
  private readonly entries = new Map<string, CachedState>();

  constructor(private readonly capacity: number) {}

  get(key: string): CachedState | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** The entry without making it the most recently used. */
  peek(key: string): CachedState | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedState): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
