import { decideCall, decideCallDetails } from '../call/decide-call';
import type { RecordNotification } from '../commands/commands';
import { decideContentSharing } from '../content-sharing/decide-content-sharing';
import type { CallEvent, CallEventDraft } from '../events/call-event';
import type { NotificationReceived } from '../events/notification-received';
import { assertNever } from '../kernel/assert-never';
import type { Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import type { Notification } from '../notifications/notification';
import { decideOperationsEndedWithCall } from '../operations/decide-ended-with-call';
import { decideOperation } from '../operations/decide-operation';
import { decideRoster } from '../participants/decide-roster';
import { decideRecordingState } from '../recording/decide-recording-state';
import type { CallState } from '../state/call-state';
import { isDuplicate } from './is-duplicate';
import { stampEvents } from './stamp-events';

/**
 * The notification as received comes first; the facts drawn from it follow. The first
 * notification of a stream names the call, so facts are decided against a state that knows it.
 */
export const decideNotification = (command: RecordNotification, state: CallState): CallEvent[] => {
  if (isDuplicate(command, state)) return [];
  const { notification, receivedAt } = command.data;
  if (state.callId !== '' && state.callId !== notification.callId) {
    throw new Error(
      `notification for call "${notification.callId}" decided against call "${state.callId}"`,
    );
  }
  const known: CallState = {
    ...state,
    callId: notification.callId,
    platform: state.platform ?? notification.platform,
  };
  return stampEvents(
    [receivedDraft(command), ...decideFacts(notification, known, receivedAt)],
    notification.key,
    notification.callId,
    receivedAt,
  );
};

const receivedDraft = (command: RecordNotification): EventDraftOf<NotificationReceived> => {
  const { notification, payload, redactedPaths, receivedAt, protectedSecrets } = command.data;
  return {
    type: 'NotificationReceived',
    data: compact({
      callId: notification.callId,
      rawCallId: notification.rawCallId,
      source: notification.source,
      platform: notification.platform,
      notificationKey: notification.key,
      notificationType: notification.type,
      rawType: notification.rawType,
      action: notification.action,
      receivedAt,
      // The parsers hand over payloads already without secrets (redactSecrets, once per notification).
      payload,
      redactedPaths,
      protectedSecrets,
      sequenceNumber: notification.type === 'roster' ? notification.sequenceNumber : undefined,
    }),
  };
};

type EventDraftOf<E extends CallEvent> = Extract<CallEventDraft, { type: E['type'] }>;

const decideFacts = (
  notification: Notification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const details = decideCallDetails(notification, state, at);
  switch (notification.type) {
    case 'call': {
      const call = decideCall(notification, state, at);
      return [...details, ...call, ...decideOperationsEndedWithCall(call, state)];
    }
    case 'operation':
      return [...details, ...decideOperation(notification, state, at)];
    case 'roster':
      return [...details, ...decideRoster(notification, state, at)];
    case 'contentSharing':
      return [...details, ...decideContentSharing(notification, state, at)];
    case 'recordingState':
      return [...details, ...decideRecordingState(notification, state, at)];
    case 'unrecognized':
      return details;
    default:
      return assertNever(notification, 'notification');
  }
};
