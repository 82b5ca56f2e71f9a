import type { NotificationReceived } from '../events/notification-received';
import { assertNever } from '../kernel/assert-never';
import { parseAcsEvents } from '../notifications/acs/parse-acs-events';
import { parseOperationResponse } from '../notifications/bot/parse-operation-response';
import { parseGraphNotifications } from '../notifications/graph/parse-graph-notifications';
import {
  forIncomingCallRecord,
  incomingCallRecordOf,
} from '../notifications/acs/incoming-call-record';
import type { Notification } from '../notifications/notification';
import type { ParseResult } from '../notifications/parse-result';
import { markRedacted } from '../secrets/mark-redacted';
import { recordCommand } from './build-commands';
import type { RecordNotification } from './commands';

/**
 * Rebuilds the command a recorded notification came from, by parsing its stored payload again
 * (with markers where secrets were removed, so that "a token was given" survives):
 * replaying these commands through the current decider re-decides a call's history (after a fix
 * to the parsers or the rules). Returns undefined when the payload no longer parses.
 */
export const commandFromHistory = (
  event: Pick<NotificationReceived, 'data'>,
): RecordNotification | undefined => {
  const { data } = event;
  const result = reparse(data);
  if (!result.ok || result.notifications.length !== 1) return undefined;
  const [parsed] = result.notifications;
  const notification = asRecorded(parsed.notification, data);
  if (notification === undefined) return undefined;
  return recordCommand({ ...parsed, notification }, data.receivedAt, {
    protectedSecrets: data.protectedSecrets,
  });
};

/** A connection's event recorded on an incoming-call record is read as it was recorded there. */
const asRecorded = (
  notification: Notification,
  data: NotificationReceived['data'],
): Notification | undefined => {
  if (notification.callId === data.callId) return notification;
  if (notification.type !== 'call' || incomingCallRecordOf(notification) !== data.callId) {
    return undefined;
  }
  return forIncomingCallRecord(notification, data.callId);
};

const reparse = (data: NotificationReceived['data']): ParseResult => {
  const payload = markRedacted(data.payload, data.redactedPaths);
  switch (data.source) {
    case 'graph':
      return parseGraphNotifications({ value: [payload] });
    case 'acs':
      return parseAcsEvents(payload); // one stored event: a bare preview result is one too
    case 'bot':
      return parseOperationResponse(data.rawCallId, payload, data.action);
    default:
      return assertNever(data.source, 'notification source');
  }
};
