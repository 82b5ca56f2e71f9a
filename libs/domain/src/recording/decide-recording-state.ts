import type { CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import type { RecordingStateNotification } from '../notifications/notification';
import type { CallState } from '../state/call-state';

export const decideRecordingState = (
  notification: RecordingStateNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const current = state.recording;
  if (current?.state === notification.state && current.recordingId === notification.recordingId) {
    return [];
  }
  return [
    {
      type: 'CallRecordingStateChanged',
      data: compact({
        callId: state.callId,
        recordingId: notification.recordingId,
        state: notification.state,
        recordingStartedAt: notification.startedAt,
        recordingKind: notification.recordingKind,
        changedAt: at,
      }),
    },
  ];
};
