import type { Instant } from '../kernel/instants';
import type { Platform, RecordingLocation } from '../notifications/notification';
import type { ResultInfo } from '../result-info/result-info';
import type { OperationOutcome, OperationStatus } from './operation-status';
import type { TimeSource } from './operation-times';
import type { OperationType } from './operation-types';

export interface OperationRecording extends RecordingLocation {
  readonly availableAt: Instant;
}

export interface TypeConflict {
  readonly type: OperationType;
  readonly rawType?: string;
}

export interface OperationState {
  readonly operationId: string;
  /** Every spelling of the id seen so far (sorted): either form finds the operation. */
  readonly rawOperationIds: readonly string[];
  readonly operationIdSource: 'platform' | 'derived';
  readonly platform: Platform;
  readonly operationType: OperationType;
  readonly rawOperationType?: string;
  readonly status: OperationStatus;
  /** Set once the operation finished; a finished operation is never reopened. */
  readonly outcome?: OperationOutcome;
  readonly completionReason?: string;
  readonly resultInfo?: ResultInfo;
  readonly clientContext?: string;
  readonly operationContext?: string;
  readonly participantId?: string;
  readonly firstSeenAt: Instant;
  /** The platform's time where a fact gave one (see `startedAtSource`), else the receive time. */
  readonly startedAt?: Instant;
  readonly startedAtSource?: TimeSource;
  /** When the tracker received the fact that gave `startedAt`. */
  readonly startedReceivedAt?: Instant;
  readonly completedAt?: Instant;
  readonly completedAtSource?: TimeSource;
  readonly completedReceivedAt?: Instant;
  readonly recording?: OperationRecording;
  readonly staleMarkedAt?: Instant;
  /** Other types notifications gave this operation's id (sorted, unique); the type stays the first. */
  readonly typeConflicts?: readonly TypeConflict[];
  readonly updatedAt: Instant;
}

export const isFinished = (operation: OperationState): boolean => operation.outcome !== undefined;

/**
 * Finished by the platform's own word (completed or failed): final. An operation that only ended
 * with its call still takes the platform's later completion.
 */
export const isSettled = (operation: OperationState): boolean =>
  operation.outcome !== undefined && operation.outcome !== 'callEnded';
