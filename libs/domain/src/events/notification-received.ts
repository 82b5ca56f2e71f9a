import type { Instant } from '../kernel/instants';
import type { NotificationSource } from '../keys/notification-key';
import type { NotificationType, Platform } from '../notifications/notification';
import type { DomainEvent } from './domain-event';

/**
 * The first fact of every accepted notification: the notification as received, secrets removed,
 * so that the history can be replayed and re-decided by a later version of the decider.
 */
export type NotificationReceived = DomainEvent<
  'NotificationReceived',
  {
    readonly callId: string;
    readonly rawCallId: string;
    readonly source: NotificationSource;
    readonly platform: Platform;
    readonly notificationKey: string;
    /** How the tracker read it when it arrived (`call`, `operation`, `roster`, …). */
    readonly notificationType: NotificationType;
    /** `@odata.type` or CloudEvent `type`, as received. */
    readonly rawType?: string;
    /** The `?action=` a bot's response was reported with (needed to read it again). */
    readonly action?: string;
    readonly receivedAt: Instant;
    /** The notification's own payload, without any secret. */
    readonly payload: unknown;
    /** JSON Pointers of the secrets removed from `payload`. */
    readonly redactedPaths: readonly string[];
    /** Opaque (e.g. encrypted) form of the removed secrets, copied untouched from the command. */
    readonly protectedSecrets?: unknown;
    /** ACS roster sequence number: rosters older than the newest one seen are ignored. */
    readonly sequenceNumber?: number;
  }
>;
