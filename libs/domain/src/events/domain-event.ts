import type { Instant } from '../kernel/instants';

/** Where an event came from, beside its data; `eventId` is the id to append it under. */
export interface EventMetadata {
  /** Deterministic UUID (see `eventIdFor`): a redelivery decides the same ids. */
  readonly eventId: string;
  readonly callId: string;
  /** The notification (or deadline mark) the event was decided from. */
  readonly notificationKey: string;
  /** When the tracker learnt the fact: the notification's receipt, or the deadline check's `now`. */
  readonly recordedAt: Instant;
}

/** Emmett-style event: a tagged union member `{ type, data, metadata }`. */
export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/** An event as a decider drafts it, before ids and metadata are stamped on. */
export type EventDraft<Event> =
  Event extends DomainEvent<infer Type, infer Data>
    ? { readonly type: Type; readonly data: Data }
    : never;
