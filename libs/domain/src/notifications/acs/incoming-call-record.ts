import { canonicalId } from '../../ids/canonical-id';
import { notificationKey } from '../../keys/notification-key';
import type { CallNotification, Notification } from '../notification';

/**
 * Event Grid's `IncomingCall` has no call connection yet: its record is filed under the call's
 * correlation id. The connection that answers it is another record (ACS names a call by its
 * connection). So that the incoming record does not stay `incoming` (and get marked missed), each
 * state the answering connection reports is also recorded on it, as a notification of its own
 * (its own key), naming the connection in `callConnectionId`.
 */
export const forIncomingCallRecord = (
  notification: CallNotification,
  recordCallId: string,
): CallNotification => ({
  ...notification,
  key: notificationKey('acs', { incomingCallRecord: recordCallId, event: notification.key }),
  callId: recordCallId,
  rawCallId: recordCallId,
  details: { ...notification.details, callConnectionId: notification.callId },
});

/** The incoming-call record a connection's call notification also belongs to, if it may have one. */
export const incomingCallRecordOf = (notification: Notification): string | undefined => {
  if (notification.platform !== 'acs' || notification.type !== 'call') return undefined;
  const correlationId = notification.details?.correlationId;
  if (correlationId === undefined) return undefined;
  const recordCallId = canonicalId(correlationId);
  return recordCallId === notification.callId ? undefined : recordCallId;
};
