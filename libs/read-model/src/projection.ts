import type { CallView } from '@tracker/domain';
import type { StorePosition } from '@tracker/event-store';

/** Told each new view of a watched call, once its batch is committed. */
export type CallListener = (view: CallView) => void;

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
  private readonly watchers = new Map<string, Set<CallListener>>();

  /**
   * Calls `listener` with each new view of `callId` from the next committed batch on (WatchCall),
   * until the returned function is called. Only watched calls' views leave the projection: a
   * projection thread posts nothing else to the event loop.
   */
  watch(callId: string, listener: CallListener): () => void {
    let listeners = this.watchers.get(callId);
    if (!listeners) {
      listeners = new Set();
      this.watchers.set(callId, listeners);
      this.watchedCallsChanged();
    }
    listeners.add(listener);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      this.watchers.delete(callId);
      this.watchedCallsChanged();
    };
  }

  /** The calls someone watches. */
  get watchedCalls(): string[] {
    return [...this.watchers.keys()];
  }

  /** Hands new views to the watchers of their calls. */
  protected deliver(views: Iterable<CallView>): void {
    for (const view of views) {
      const listeners = this.watchers.get(view.callId);
      if (listeners) for (const listener of [...listeners]) listener(view);
    }
  }

  /** Called when a call is first watched or no longer watched. */
  protected watchedCallsChanged(): void {}

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
