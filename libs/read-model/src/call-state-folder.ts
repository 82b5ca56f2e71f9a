import { CallState, evolve, evolveAll, initialCallState } from '@tracker/domain';
import { EventStore, RecordedEvent } from '@tracker/event-store';
import { StateCache } from './state-cache';
import { toCallEvent } from './stored-call-event';

export interface FoldedCall {
  readonly state: CallState;
  /** Revision of the last event folded in; undefined for a call with no stream yet. */
  readonly revision?: bigint;
}

/**
 * Folds call streams from the store, keeping recent states (LRU) so that the next fold only reads
 * what came after. A cached state is a guess, never trusted blindly: `latest` reads what follows it,
 * and a writer whose guess was stale finds out from the store's revision check.
 */
export class CallStateFolder {
  private readonly cache: StateCache;

  constructor(
    private readonly store: EventStore,
    capacity = 10_000,
  ) {
    this.cache = new StateCache(capacity);
  }

  /** The call's state after its newest stored event. */
  async latest(stream: string): Promise<FoldedCall> {
    const cached = this.cache.get(stream);
    const newer = await this.store.readStream(stream, {
      fromRevision: cached ? cached.revision + 1n : 0n,
    });
    if (!cached && newer.length === 0) return { state: initialCallState() };
    return this.remember(
      stream,
      evolveAll(newer.map(toCallEvent), cached?.state ?? initialCallState()),
      newer.length > 0 ? newer[newer.length - 1].revision : cached!.revision,
    );
  }

  /** The call's state right after `event` (read in stream order, as a subscription delivers). */
  async after(event: RecordedEvent): Promise<CallState> {
    const cached = this.cache.get(event.streamId);
    if (cached && cached.revision === event.revision - 1n) {
      return this.remember(event.streamId, evolve(cached.state, toCallEvent(event)), event.revision)
        .state;
    }
    const upTo = await this.store.readStream(event.streamId, {
      maxCount: Number(event.revision) + 1,
    });
    return this.remember(event.streamId, evolveAll(upTo.map(toCallEvent)), event.revision).state;
  }

  remember(stream: string, state: CallState, revision: bigint): FoldedCall & { revision: bigint } {
    this.cache.set(stream, { state, revision });
    return { state, revision };
  }

  forget(stream: string): void {
    this.cache.delete(stream);
  }
}
