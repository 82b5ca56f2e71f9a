import { own } from '../kernel/records';

/** How long things may take before the tracker marks them. All values in milliseconds. */
export interface DeadlineBounds {
  /** A call must be answered within 15 s of ringing (Graph `answer` docs). */
  readonly answerTimeoutMs: number;
  /** … and within 5 s for a policy-based recording invitation. */
  readonly policyRecordingAnswerTimeoutMs: number;
  /** A call with no traffic for this long is stale (Graph keeps idle calls alive ~45 minutes). */
  readonly keepAliveMs: number;
  /** Bound for operation types not listed in `operationTimeoutsMs`. */
  readonly operationTimeoutMs: number;
  /** Bound per operation type. */
  readonly operationTimeoutsMs: Readonly<Record<string, number>>;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

export const DEFAULT_DEADLINE_BOUNDS: DeadlineBounds = {
  answerTimeoutMs: 15 * SECOND,
  policyRecordingAnswerTimeoutMs: 5 * SECOND,
  keepAliveMs: 45 * MINUTE,
  operationTimeoutMs: 5 * MINUTE,
  operationTimeoutsMs: {
    // At most 2 minutes of recording, plus the prompt played before it.
    recordResponse: 150 * SECOND,
    playPrompt: 5 * MINUTE,
    startHoldMusic: 1 * MINUTE,
    stopHoldMusic: 1 * MINUTE,
    subscribeToTone: 1 * MINUTE,
    cancelMediaProcessing: 1 * MINUTE,
    updateRecordingStatus: 1 * MINUTE,
    muteParticipant: 1 * MINUTE,
    unmuteParticipant: 1 * MINUTE,
    // Invitees ring for up to a minute before the invitation fails.
    inviteParticipants: 2 * MINUTE,
    addLargeGalleryView: 1 * MINUTE,
    sendDtmfTones: 1 * MINUTE,
    play: 5 * MINUTE,
    // Recognition waits for the initial silence timeout (up to 5 minutes) and then the input.
    recognize: 6 * MINUTE,
    addParticipant: 2 * MINUTE,
    removeParticipant: 1 * MINUTE,
    cancelAddParticipant: 1 * MINUTE,
    transfer: 2 * MINUTE,
    hold: 1 * MINUTE,
    unhold: 1 * MINUTE,
    recording: 1 * MINUTE,
  },
};

/** Defaults with some values replaced; per-type bounds are merged, not replaced wholesale. */
export const deadlineBounds = (overrides: Partial<DeadlineBounds> = {}): DeadlineBounds => ({
  ...DEFAULT_DEADLINE_BOUNDS,
  ...overrides,
  operationTimeoutsMs: {
    ...DEFAULT_DEADLINE_BOUNDS.operationTimeoutsMs,
    ...overrides.operationTimeoutsMs,
  },
});

export const operationBoundMs = (bounds: DeadlineBounds, operationType: string): number =>
  own(bounds.operationTimeoutsMs, operationType) ?? bounds.operationTimeoutMs;
