/**
 * The event store port. Every adapter (embedded SQLite, EventStoreDB) implements it and passes the
 * same contract suite (`testing/event-store.contract.ts`). The semantics follow EventStoreDB so the
 * two adapters are interchangeable.
 */
import type { StorePosition } from './position';

/** An event to append. `id` must be a UUID: it is what makes a redelivered append idempotent. */
export interface EventData {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** Per-stream revision, from 0. */
  readonly revision: bigint;
  /** Global, monotonic position in the store. */
  readonly position: StorePosition;
  readonly created: Date;
}

export const NO_STREAM = 'no_stream' as const;
export const ANY = 'any' as const;
/** `no_stream`: the stream must not exist; `any`: no check; a bigint: the stream's current revision. */
export type ExpectedRevision = typeof NO_STREAM | typeof ANY | bigint;

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written (or already stored, for an idempotent append). */
  readonly position: StorePosition;
  /**
   * True when every event was already stored where this append would have put them (EventStoreDB's
   * idempotent append): nothing was written. Lets a writer report a redelivery that another
   * process stored first as a duplicate.
   */
  readonly alreadyStored: boolean;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to the start of the store. */
  readonly after?: StorePosition;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive: the subscription delivers events strictly after this checkpoint. */
  readonly after?: StorePosition;
}

/** Catch-up then live subscription. Iterate it; `close()` ends the iteration. */
export interface StoreSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventData[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;

  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** All user events in global order (system events of the server are left out). */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  subscribeToAll(options?: SubscribeOptions): StoreSubscription;

  /** Position of the newest event, or undefined for an empty store (used for lag). */
  headPosition(): Promise<StorePosition | undefined>;

  /** Throws StoreUnavailableError when the store cannot serve requests. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** Nest injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
