import type { EventEmitter } from 'node:events';
import type { StorePosition } from '@tracker/event-store';

export interface ProjectionStatus {
  readonly position?: StorePosition;
  readonly projectedEvents: number;
  /**
   * Calls in the read model, counted once when the projection starts and kept up to date by each
   * commit, so that metrics never scan the calls (undefined until counted).
   */
  readonly calls?: number;
}

/**
 * The read model's projection as the rest of the service sees it, wherever it runs (in this
 * thread, or in a projection thread of its own). Also the Nest injection token.
 */
export abstract class Projection {
  /**
   * Emits `call` with each new CallView of a committed batch (WatchCall, tests), then `batch` with
   * the batch's last position.
   */
  abstract readonly changes: EventEmitter;
  abstract get status(): ProjectionStatus;
  abstract start(): void;
  abstract stop(): Promise<void>;

  /** Resolves once everything up to `position` is in the read model (read-your-writes). */
  async waitFor(position: StorePosition, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const reached = () => {
      const at = this.status.position;
      return at !== undefined && at.commit >= position.commit;
    };
    while (!reached()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }
}
