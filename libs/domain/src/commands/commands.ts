import type { DeadlineBounds } from '../deadlines/deadline-bounds';
import type { Instant } from '../kernel/instants';
import type { Notification } from '../notifications/notification';

/** Emmett-style command: `{ type, data, metadata? }`. */
export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RecordNotificationData {
  readonly notification: Notification;
  /** The notification's payload as received, secrets already removed. */
  readonly payload: unknown;
  readonly redactedPaths: readonly string[];
  readonly receivedAt: Instant;
  /**
   * Seam for encryption at rest: an opaque value (e.g. the removed secrets, encrypted by the edge)
   * that the decider copies untouched into `NotificationReceived`. The domain never reads it.
   */
  readonly protectedSecrets?: unknown;
}

/** Record a `commsNotification` posted by Graph. */
export type RecordGraphNotification = Command<'RecordGraphNotification', RecordNotificationData>;

/** Record one ACS Call Automation event. */
export type RecordAcsEvent = Command<'RecordAcsEvent', RecordNotificationData>;

/** Record an action's response body reported by the bot. */
export type RecordOperationResponse = Command<'RecordOperationResponse', RecordNotificationData>;

/** Mark what is overdue at `now`: unanswered calls, stuck operations, silent calls. */
export type CheckDeadlines = Command<
  'CheckDeadlines',
  { readonly now: Instant; readonly bounds: DeadlineBounds }
>;

export type RecordNotification = RecordGraphNotification | RecordAcsEvent | RecordOperationResponse;

export type CallCommand = RecordNotification | CheckDeadlines;
