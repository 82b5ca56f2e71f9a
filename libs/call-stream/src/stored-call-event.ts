import type { CallEvent } from '@tracker/domain';
import type { EventData, RecordedEvent } from '@tracker/event-store';

/** A decided domain event as the store keeps it: its deterministic id makes the append idempotent. */
export const toEventData = (event: CallEvent): EventData => ({
  id: event.metadata.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata as unknown as Record<string, unknown>,
});

/** Stored events of a call stream were written by `toEventData`, so they are domain events again. */
export const toCallEvent = (event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): CallEvent =>
  ({ type: event.type, data: event.data, metadata: event.metadata }) as unknown as CallEvent;
