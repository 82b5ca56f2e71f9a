import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';
import type { PolicyRecordingMetadata } from '../recording/policy-recording';
import type { ResultInfo } from '../result-info/result-info';
import type { CallDetails } from './call-details';
import type { CallStateValue } from './call-states';

/** The call moved to a new, non-final state. */
export type CallStateChanged = DomainEvent<
  'CallStateChanged',
  {
    readonly callId: string;
    readonly previousState?: CallStateValue;
    readonly state: CallStateValue;
    readonly rawState?: string;
    readonly changedAt: Instant;
    /** `transferFailed` when a call being transferred is back to established/connected. */
    readonly reason?: 'transferFailed';
    readonly resultInfo?: ResultInfo;
  }
>;

/** The call reached its final state (`terminated`, ACS `disconnected`): nothing reopens it. */
export type CallTerminated = DomainEvent<
  'CallTerminated',
  {
    readonly callId: string;
    readonly previousState?: CallStateValue;
    readonly state: CallStateValue;
    readonly rawState?: string;
    readonly terminatedAt: Instant;
    readonly resultInfo?: ResultInfo;
  }
>;

/**
 * A notification showed the call answered (`isAnsweredState`: established, connected, on hold, …)
 * earlier than anything seen before. Decided even when the state itself is stale or the call is
 * over, so `answeredAt` is the earliest such time whatever order notifications arrive in.
 */
export type CallAnswered = DomainEvent<
  'CallAnswered',
  { readonly callId: string; readonly state: CallStateValue; readonly answeredAt: Instant }
>;

/** Descriptive facts about the call learnt for the first time (only the new members). */
export type CallDetailsRecorded = DomainEvent<
  'CallDetailsRecorded',
  { readonly callId: string; readonly details: CallDetails; readonly recordedAt: Instant }
>;

/** The call is a policy-based (compliance) recording invitation. */
export type PolicyRecordingMetadataRecorded = DomainEvent<
  'PolicyRecordingMetadataRecorded',
  {
    readonly callId: string;
    readonly metadata: PolicyRecordingMetadata;
    readonly recordedAt: Instant;
  }
>;

export type CallLifecycleEvent =
  | CallStateChanged
  | CallTerminated
  | CallAnswered
  | CallDetailsRecorded
  | PolicyRecordingMetadataRecorded;
