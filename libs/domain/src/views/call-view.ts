import type { CallDetails } from '../call/call-details';
import { isFinalCallState, type CallStateValue } from '../call/call-states';
import { callStreamName } from '../ids/stream-name';
import type { Instant } from '../kernel/instants';
import { sortedValues } from '../kernel/records';
import type { Platform } from '../notifications/notification';
import type { PolicyRecordingMetadata } from '../recording/policy-recording';
import type { CallRecordingState } from '../recording/recording-state';
import type { ResultInfo } from '../result-info/result-info';
import type { CallState } from '../state/call-state';
import type { ParticipantState } from '../participants/participant-state';
import type { ContentSharingState } from '../content-sharing/content-sharing-state';

export interface RecordingFileView {
  readonly operationId: string;
  readonly location: string;
  /** The token is never kept: this only says the platform gave one. */
  readonly hasAccessToken: boolean;
  readonly availableAt: Instant;
}

/** A call as published (`comms.call-state.v1`) and served: plain JSON, no secret. */
export interface CallView {
  readonly callId: string;
  readonly rawCallIds: readonly string[];
  readonly streamName: string;
  readonly source: Platform | null;
  readonly state: CallStateValue | null;
  readonly rawState: string | null;
  readonly final: boolean;
  readonly direction: string | null;
  readonly details: CallDetails;
  readonly participants: readonly ParticipantState[];
  readonly onHoldParticipantId: string | null;
  readonly contentSharingSessions: readonly ContentSharingState[];
  readonly recording: {
    readonly files: readonly RecordingFileView[];
    readonly callRecording: CallRecordingState | null;
  };
  readonly policyRecording: PolicyRecordingMetadata | null;
  /**
   * Marks put by deadline checks, kept as history: `missedAt` stays when a missed call is answered
   * later. `missed` is the current verdict: marked missed and not answered since.
   */
  readonly marks: {
    readonly missedAt: Instant | null;
    readonly staleAt: Instant | null;
    readonly missed: boolean;
  };
  readonly operationIds: readonly string[];
  readonly createdAt: Instant | null;
  readonly updatedAt: Instant | null;
  readonly lastActivityAt: Instant | null;
  readonly stateChangedAt: Instant | null;
  /** When the call was first answered (established / connected); null while it never was. */
  readonly answeredAt: Instant | null;
  readonly terminatedAt: Instant | null;
  readonly terminationResult: ResultInfo | null;
  readonly version: number;
}

export const toCallView = (state: CallState): CallView => ({
  callId: state.callId,
  rawCallIds: state.rawCallIds,
  streamName: callStreamName(state.callId),
  source: state.platform ?? null,
  state: state.state ?? null,
  rawState: state.rawState ?? null,
  final: isFinalCallState(state.state),
  direction: state.details.direction ?? null,
  details: state.details,
  participants: sortedValues(state.participants),
  onHoldParticipantId: state.onHoldParticipantId ?? null,
  contentSharingSessions: sortedValues(state.contentSharingSessions),
  recording: {
    files: sortedValues(state.operations).flatMap((operation) =>
      operation.recording === undefined
        ? []
        : [{ operationId: operation.operationId, ...operation.recording }],
    ),
    callRecording: state.recording ?? null,
  },
  policyRecording: state.policyRecording ?? null,
  marks: {
    missedAt: state.marks.missedAt ?? null,
    staleAt: state.marks.staleAt ?? null,
    missed: state.marks.missedAt !== undefined && state.answeredAt === undefined,
  },
  operationIds: Object.keys(state.operations).sort(),
  createdAt: state.createdAt ?? null,
  updatedAt: state.updatedAt ?? null,
  lastActivityAt: state.lastActivityAt ?? null,
  stateChangedAt: state.stateChangedAt ?? null,
  answeredAt: state.answeredAt ?? null,
  terminatedAt: state.terminatedAt ?? null,
  terminationResult: state.terminationResult ?? null,
  version: state.version,
});
