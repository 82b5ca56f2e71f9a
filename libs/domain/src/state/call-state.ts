import { KeySet } from '../kernel/key-set';
import type { CallDetails } from '../call/call-details';
import { NO_STATE_RANK, type CallStateValue } from '../call/call-states';
import type { ContentSharingState } from '../content-sharing/content-sharing-state';
import type { Instant } from '../kernel/instants';
import type { Platform } from '../notifications/notification';
import type { OperationState } from '../operations/operation-state';
import type { ParticipantState } from '../participants/participant-state';
import type { PolicyRecordingMetadata } from '../recording/policy-recording';
import type { CallRecordingState } from '../recording/recording-state';
import type { ResultInfo } from '../result-info/result-info';

export interface CallMarks {
  readonly missedAt?: Instant;
  readonly staleAt?: Instant;
}

/**
 * Everything the decider knows about one call, folded from its stream. Plain JSON only (records
 * and sorted arrays, no Map/Set), so that it can be snapshotted and published as it is; records are
 * keyed by canonical id.
 */
export interface CallState {
  /** Canonical id; empty until the first event. */
  readonly callId: string;
  readonly rawCallIds: readonly string[];
  readonly platform?: Platform;
  readonly state?: CallStateValue;
  readonly rawState?: string;
  /** Rank of the furthest state reached (see `callStateRank`): states never go backwards. */
  readonly stateRank: number;
  readonly stateChangedAt?: Instant;
  /** When the call first reached an answered state (`isAnsweredState`); never cleared. */
  readonly answeredAt?: Instant;
  readonly details: CallDetails;
  readonly policyRecording?: PolicyRecordingMetadata;
  readonly terminatedAt?: Instant;
  readonly terminationResult?: ResultInfo;
  readonly operations: Readonly<Record<string, OperationState>>;
  readonly participants: Readonly<Record<string, ParticipantState>>;
  /** Only one participant may be on hold at a time. */
  readonly onHoldParticipantId?: string;
  readonly rosterSequenceNumber?: number;
  readonly contentSharingSessions: Readonly<Record<string, ContentSharingState>>;
  readonly recording?: CallRecordingState;
  readonly marks: CallMarks;
  /** Keys of the notifications already recorded: a redelivery decides nothing. */
  readonly seenNotificationKeys: KeySet;
  readonly createdAt?: Instant;
  readonly updatedAt?: Instant;
  readonly lastActivityAt?: Instant;
  /** Number of events folded (the stream revision + 1). */
  readonly version: number;
}

export const initialCallState = (): CallState => ({
  callId: '',
  rawCallIds: [],
  stateRank: NO_STATE_RANK,
  details: {},
  operations: {},
  participants: {},
  contentSharingSessions: {},
  marks: {},
  seenNotificationKeys: KeySet.empty,
  version: 0,
});

/**
 * A state as `JSON.stringify` wrote it, usable again: the notification keys come back as a KeySet
 * (the rest of a state is plain JSON already).
 */
export const callStateFromJson = (json: unknown): CallState => {
  const state = json as CallState & { seenNotificationKeys?: unknown };
  return { ...state, seenNotificationKeys: KeySet.fromJson(state.seenNotificationKeys) };
};
