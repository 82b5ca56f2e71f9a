import type { NotificationReceived } from '../events/notification-received';
import { earliest, latest } from '../kernel/instants';
import { sortedUnion } from '../kernel/records';
import { acsEventKey } from '../keys/acs-event-key';
import type { CallState } from '../state/call-state';

/**
 * Every accepted notification is traffic on the call and marks its key as seen. An ACS receipt
 * also marks the key its event has under today's dedupe rule (`acsEventKey`): receipts stored
 * when ACS events were keyed by id and source alone still recognise their redeliveries.
 */
export const evolveNotificationReceived = (
  state: CallState,
  event: NotificationReceived,
): CallState => {
  const { data } = event;
  const sequence = data.sequenceNumber;
  return {
    ...state,
    callId: state.callId === '' ? data.callId : state.callId,
    rawCallIds: sortedUnion(state.rawCallIds, data.rawCallId),
    platform: state.platform ?? data.platform,
    seenNotificationKeys:
      data.source === 'acs'
        ? state.seenNotificationKeys.with(data.notificationKey).with(acsEventKey(data.payload))
        : state.seenNotificationKeys.with(data.notificationKey),
    createdAt: earliest(state.createdAt, data.receivedAt),
    lastActivityAt: latest(state.lastActivityAt, data.receivedAt),
    ...(sequence === undefined
      ? {}
      : { rosterSequenceNumber: Math.max(state.rosterSequenceNumber ?? sequence, sequence) }),
  };
};
