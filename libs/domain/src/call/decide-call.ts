import type { CallEventDraft } from '../events/call-event';
import { isBefore, type Instant } from '../kernel/instants';
import type { CallNotification, Notification } from '../notifications/notification';
import type { CallState } from '../state/call-state';
import type { CallDetails } from './call-details';
import { decideTransition } from './decide-transition';

/** A Graph call resource or an ACS connection event: state, and the compliance metadata. */
export const decideCall = (
  notification: CallNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => [
  ...(notification.state !== undefined || notification.ended
    ? decideTransition(state, notification.state ?? 'terminated', at, {
        rawState: notification.rawState,
        resultInfo: notification.resultInfo,
        ended: notification.ended,
      })
    : []),
  ...decidePolicyRecording(notification, state, at),
];

const decidePolicyRecording = (
  notification: CallNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] =>
  notification.policyRecording === undefined || state.policyRecording !== undefined
    ? []
    : [
        {
          type: 'PolicyRecordingMetadataRecorded',
          data: { callId: state.callId, metadata: notification.policyRecording, recordedAt: at },
        },
      ];

/**
 * Descriptive facts are recorded the first time any notification carries them, whatever its
 * place in the delivery order: an `incoming` notification delivered after `established` does not
 * move the call back, but still tells its direction, caller and when it rang.
 */
export const decideCallDetails = (
  notification: Notification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const offered: CallDetails = {
    ...notification.details,
    ...(notification.type === 'call' && notification.state === 'incoming'
      ? { incomingAt: at }
      : {}),
  };
  const known = state.details as Record<string, unknown>;
  const fresh = Object.fromEntries(
    Object.entries(offered).filter(([key, value]) => {
      if (value === undefined) return false;
      const current = known[key];
      if (current === undefined) return true;
      if (key === 'incomingAt') return isBefore(value as Instant, current as Instant);
      return false;
    }),
  ) as CallDetails;
  return Object.keys(fresh).length === 0
    ? []
    : [
        {
          type: 'CallDetailsRecorded',
          data: { callId: state.callId, details: fresh, recordedAt: at },
        },
      ];
};
