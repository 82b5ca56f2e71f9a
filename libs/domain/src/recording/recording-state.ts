import type { Instant } from '../kernel/instants';

/** ACS call recording (`RecordingStateChanged`). */
export interface CallRecordingState {
  readonly recordingId?: string;
  readonly state: string;
  readonly recordingStartedAt?: string;
  readonly recordingKind?: string;
  readonly changedAt: Instant;
}
