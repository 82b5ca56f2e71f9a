import type { CallStateValue } from '../call/call-states';
import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';
import type { Platform } from '../notifications/notification';
import type { ResultInfo } from '../result-info/result-info';
import type { OperationStatus } from './operation-status';
import type { OperationType } from './operation-types';

interface OperationIdentity {
  readonly callId: string;
  readonly operationId: string;
  /** The id as the platform spelled it in this fact (absent for derived ACS ids). */
  readonly rawOperationId?: string;
}

interface OperationDescription extends OperationIdentity {
  readonly operationIdSource: 'platform' | 'derived';
  readonly platform: Platform;
  readonly operationType: OperationType;
  readonly rawOperationType?: string;
  readonly clientContext?: string;
  readonly operationContext?: string;
  readonly participantId?: string;
}

/** An operation the tracker had not heard of is in flight (`running`, `notStarted`, …). */
export type OperationStarted = DomainEvent<
  'OperationStarted',
  OperationDescription & {
    readonly status: OperationStatus;
    /** Set when the operation is reported running. */
    readonly startedAt?: Instant;
    readonly firstSeenAt: Instant;
  }
>;

/** A running operation moved forward without finishing (`notStarted` → `running`). */
export type OperationStatusChanged = DomainEvent<
  'OperationStatusChanged',
  OperationIdentity & {
    readonly previousStatus: OperationStatus;
    readonly status: OperationStatus;
    readonly startedAt?: Instant;
    readonly changedAt: Instant;
  }
>;

/**
 * Later facts about a known operation that do not change its status: a response that arrives
 * after the completion fills in the start time and client context, another spelling of its id,
 * its type when the completion did not say it. A late `running` never reopens an operation.
 */
export type OperationDetailsRecorded = DomainEvent<
  'OperationDetailsRecorded',
  OperationIdentity & {
    readonly operationType?: OperationType;
    readonly rawOperationType?: string;
    readonly clientContext?: string;
    readonly operationContext?: string;
    readonly participantId?: string;
    readonly startedAt?: Instant;
    readonly firstSeenAt?: Instant;
    readonly recordedAt: Instant;
  }
>;

type OperationEnd = OperationDescription & {
  /** The status as reported (`completed`, `failed`, or a value kept as given). */
  readonly status: OperationStatus;
  readonly completionReason?: string;
  readonly resultInfo?: ResultInfo;
  readonly startedAt?: Instant;
  readonly completedAt: Instant;
  readonly durationMs?: number;
};

/** The operation finished successfully (including a canceled media operation). */
export type OperationCompleted = DomainEvent<'OperationCompleted', OperationEnd>;

/** The operation finished with a failure. */
export type OperationFailed = DomainEvent<'OperationFailed', OperationEnd>;

/** A recordResponse finished with a file to download; the access token is never kept. */
export type RecordingLocationAvailable = DomainEvent<
  'RecordingLocationAvailable',
  {
    readonly callId: string;
    readonly operationId: string;
    readonly location: string;
    readonly hasAccessToken: boolean;
    readonly availableAt: Instant;
  }
>;

/**
 * The call ended while the operation was still in flight: it ends with the call, at the call's
 * end. Not a failure the platform reported (outcome `callEnded`); a completion or failure the
 * platform sends later is still recorded, and replaces this end.
 */
export type OperationEndedWithCall = DomainEvent<
  'OperationEndedWithCall',
  OperationIdentity & {
    readonly operationType: OperationType;
    /** The status it had when the call ended (`running`, `notStarted`, …). */
    readonly previousStatus: OperationStatus;
    /** The call's final state (`terminated`, `disconnected`). */
    readonly callState: CallStateValue;
    readonly endedAt: Instant;
  }
>;

export type OperationEvent =
  | OperationStarted
  | OperationStatusChanged
  | OperationDetailsRecorded
  | OperationCompleted
  | OperationFailed
  | RecordingLocationAvailable
  | OperationEndedWithCall;
