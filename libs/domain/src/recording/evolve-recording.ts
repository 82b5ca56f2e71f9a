import { compact } from '../kernel/objects';
import type { CallState } from '../state/call-state';
import type { CallRecordingStateChanged } from './recording-events';

export const evolveRecording = (state: CallState, event: CallRecordingStateChanged): CallState => {
  const {
    recordingId,
    state: recordingState,
    recordingStartedAt,
    recordingKind,
    changedAt,
  } = event.data;
  return {
    ...state,
    recording: compact({
      recordingId,
      state: recordingState,
      recordingStartedAt,
      recordingKind,
      changedAt,
    }),
  };
};
