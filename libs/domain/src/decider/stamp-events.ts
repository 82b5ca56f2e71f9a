import type { CallEvent, CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { eventIdFor } from '../keys/event-id';

/** Gives each drafted event its deterministic id (key + position) and its metadata. */
export const stampEvents = (
  drafts: readonly CallEventDraft[],
  notificationKey: string,
  callId: string,
  recordedAt: Instant,
): CallEvent[] =>
  drafts.map(
    (draft, index) =>
      ({
        ...draft,
        metadata: {
          eventId: eventIdFor(notificationKey, index),
          callId,
          notificationKey,
          recordedAt,
        },
      }) as CallEvent,
  );
