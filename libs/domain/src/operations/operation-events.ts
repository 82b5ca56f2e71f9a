import type { CallStateValue } from '../call/call-states';
import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';
import type { Platform } from '../notifications/notification';
import type { ResultInfo } from '../result-info/result-info';
import type { OperationStatus } from './operation-status';
import type { TimeSource } from './operation-times';
import type { OperationType } from './operation-types';

interface OperationIdentity {
  readonly callId: string;
  readonly operationId: string;
  /** The id as the platform spelled it in this fact (absent for derived ACS ids). */
  readonly rawOperationId?: string;
}

/** A start time, which clock gave it, and when the tracker received the fact that said it. */
interface StartTime {
  readonly startedAt?: Instant;
  /** `platform` (the event's own time) or `received`; absent in facts recorded before v1.x: `received`. */
  readonly startedAtSource?: TimeSource;
  readonly startedReceivedAt?: Instant;
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
  OperationDescription &
    StartTime & {
      readonly status: OperationStatus;
      /** Start fields are set when the operation is reported running. */
      readonly firstSeenAt: Instant;
    }
>;

/** A running operation moved forward without finishing (`notStarted` → `running`). */
export type OperationStatusChanged = DomainEvent<
  'OperationStatusChanged',
  OperationIdentity &
    StartTime & {
      readonly previousStatus: OperationStatus;
      readonly status: OperationStatus;
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
  OperationIdentity &
    StartTime & {
      readonly operationType?: OperationType;
      readonly rawOperationType?: string;
      readonly clientContext?: string;
      readonly operationContext?: string;
      readonly participantId?: string;
      readonly firstSeenAt?: Instant;
      readonly recordedAt: Instant;
    }
>;

type OperationEnd = OperationDescription &
  StartTime & {
    /** The status as reported (`completed`, `failed`, or a value kept as given). */
    readonly status: OperationStatus;
    readonly completionReason?: string;
    readonly resultInfo?: ResultInfo;
    /** The platform's time for the end when the event gave one, else the receive time. */
    readonly completedAt: Instant;
    readonly completedAtSource?: TimeSource;
    readonly completedReceivedAt?: Instant;
    /** By the platform's clock when both ends have its time, else by receive times. */
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

/**
 * A notification named a known operation with another type (the Graph docs' own samples reuse one
 * id for a playPrompt and a recordResponse). The operation keeps the type it was first given;
 * this fact keeps the other one visible.
 */
export type OperationTypeConflictSeen = DomainEvent<
  'OperationTypeConflictSeen',
  OperationIdentity & {
    /** The type the operation keeps. */
    readonly operationType: OperationType;
    /** The type this notification gave it, and its raw form (`@odata.type`). */
    readonly conflictingType: OperationType;
    readonly conflictingRawType?: string;
    readonly seenAt: Instant;
  }
>;

export type OperationEvent =
  | OperationStarted
  | OperationStatusChanged
  | OperationDetailsRecorded
  | OperationCompleted
  | OperationFailed
  | RecordingLocationAvailable
  | OperationEndedWithCall
  | OperationTypeConflictSeen;
