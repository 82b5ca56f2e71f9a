import { CallEvent, CallState, evolve, evolveAll, initialCallState } from '@tracker/domain';
import { EventStore, RecordedEvent } from '@tracker/event-store';
import { StateCache } from './state-cache';
import { toCallEvent } from './stored-call-event';

export interface FoldedCall {
  readonly state: CallState;
  /** Revision of the last event folded in; undefined for a call with no stream yet. */
  readonly revision?: bigint;
}

/** An event and the call's state right after it. */
export interface FoldStep {
  readonly event: CallEvent;
  readonly state: CallState;
}

export interface CallStateFolderOptions {
  /** Folded calls kept (least recently used out). */
  readonly capacity?: number;
  /**
   * How many "state right after this event" entries the writer may hand to a reader in this
   * process (the Kafka record mapper), oldest out. 0 (the default) keeps none: with no reader they
   * would only take memory.
   */
  readonly handOverCapacity?: number;
}

/**
 * The one fold of call streams in a process. The write side folds a call to decide; the states it
 * reached are kept, so that the next decision only reads what came after and the Kafka record
 * mapper takes the state after each appended event instead of folding it again.
 *
 * A cached state is exact for its revision, but the stream may have moved on (another instance, or
 * another process on the same file): a writer that decided against it finds out from the store's
 * revision check, and decides again on `latest(stream, true)`. A handed-over state is exact:
 * it is recorded only once the store accepted its event at the revision it was decided against.
 */
export class CallStateFolder {
  private readonly cache: StateCache;
  private readonly handOverCapacity: number;
  private readonly handedOver = new Map<string, CallState>();
  private handOverHits = 0;
  private handOverMisses = 0;

  constructor(
    private readonly store: EventStore,
    options: CallStateFolderOptions = {},
  ) {
    this.cache = new StateCache(options.capacity ?? 10_000);
    this.handOverCapacity = options.handOverCapacity ?? 0;
  }

  /**
   * The call's state to decide against: the cached one as it is (no read: if another writer moved
   * the stream on, the append's revision check says so), or with `refresh` the state after the
   * newest stored event, reading only what follows the cached one.
   */
  async latest(stream: string, refresh = false): Promise<FoldedCall> {
    const cached = this.cache.get(stream);
    if (cached && !refresh) return cached;
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

  /**
   * The writer appended these events (each with the state right after it) to `stream`, which is
   * now at `revision`.
   */
  appended(stream: string, steps: readonly FoldStep[], revision: bigint): void {
    if (steps.length === 0) return;
    if (this.handOverCapacity > 0) {
      for (const { event, state } of steps) this.handOver(event.metadata.eventId, state);
    }
    this.remember(stream, steps[steps.length - 1].state, revision);
  }

  /** The call's state right after `event` (read in stream order, as a subscription delivers). */
  async after(event: RecordedEvent): Promise<CallState> {
    const handed = this.handedOver.get(event.id);
    if (handed) {
      this.handedOver.delete(event.id);
      this.handOverHits += 1;
      return handed;
    }
    this.handOverMisses += 1;
    const before = this.stateBefore(event);
    if (before) return this.rememberIfNewer(event, evolve(before, toCallEvent(event)));
    const upTo = await this.store.readStream(event.streamId, {
      maxCount: Number(event.revision) + 1,
    });
    return this.rememberIfNewer(event, evolveAll(upTo.map(toCallEvent)));
  }

  /** How often `after` found the writer's state (hits) or folded (misses). */
  get handOverStats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.handOverHits, misses: this.handOverMisses };
  }

  remember(stream: string, state: CallState, revision: bigint): FoldedCall & { revision: bigint } {
    this.cache.set(stream, { state, revision });
    return { state, revision };
  }

  forget(stream: string): void {
    this.cache.delete(stream);
  }

  /**
   * The call's state right before `event` when it is known without a read: the cached state one
   * revision behind, or the initial state for a stream's first event (a catch-up meets one per
   * call, and each read was a random lookup in the store: 3 % of the publisher's catch-up time).
   */
  private stateBefore(event: RecordedEvent): CallState | undefined {
    if (event.revision === 0n) return initialCallState();
    const cached = this.cache.get(event.streamId);
    return cached?.revision === event.revision - 1n ? cached.state : undefined;
  }

  /** A reader behind the writer must not replace the writer's newer state with an older one. */
  private rememberIfNewer(event: RecordedEvent, state: CallState): CallState {
    const cached = this.cache.peek(event.streamId);
    if (!cached || cached.revision < event.revision)
      this.remember(event.streamId, state, event.revision);
    return state;
  }

  private handOver(eventId: string, state: CallState): void {
    this.handedOver.set(eventId, state);
    if (this.handedOver.size > this.handOverCapacity) {
      this.handedOver.delete(this.handedOver.keys().next().value as string);
    }
  }
}
