import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';

/**
 * A screen-sharing session started. Learnt after its end (deliveries are not ordered), it is
 * still a fact about the session; the session stays ended.
 */
export type ContentSharingStarted = DomainEvent<
  'ContentSharingStarted',
  {
    readonly callId: string;
    readonly sessionId: string;
    readonly rawSessionId: string;
    readonly startedAt: Instant;
  }
>;

export type ContentSharingEnded = DomainEvent<
  'ContentSharingEnded',
  {
    readonly callId: string;
    readonly sessionId: string;
    readonly rawSessionId: string;
    readonly endedAt: Instant;
  }
>;

export type ContentSharingEvent = ContentSharingStarted | ContentSharingEnded;
