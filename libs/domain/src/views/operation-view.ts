import type { Instant } from '../kernel/instants';
import { canonicalId } from '../ids/canonical-id';
import { own, sortedValues } from '../kernel/records';
import type { Platform, RecordingLocation } from '../notifications/notification';
import type { OperationState, TypeConflict } from '../operations/operation-state';
import type { OperationOutcome, OperationStatus } from '../operations/operation-status';
import {
  durationBetween,
  storedStamp,
  type Stamp,
  type TimeSource,
} from '../operations/operation-times';
import type { OperationType } from '../operations/operation-types';
import type { ResultInfo } from '../result-info/result-info';
import type { CallState } from '../state/call-state';

/** An operation as published (`comms.operation-state.v1`) and served: plain JSON, no secret. */
export interface OperationView {
  readonly operationId: string;
  readonly rawOperationIds: readonly string[];
  /** `derived` for ACS operations, whose id the tracker derives from their context. */
  readonly operationIdSource: 'platform' | 'derived';
  readonly callId: string;
  readonly platform: Platform;
  readonly type: OperationType;
  readonly rawType: string | null;
  readonly status: OperationStatus;
  readonly finished: boolean;
  readonly outcome: OperationOutcome | null;
  readonly completionReason: string | null;
  readonly resultInfo: ResultInfo | null;
  readonly clientContext: string | null;
  readonly operationContext: string | null;
  readonly participantId: string | null;
  readonly firstSeenAt: Instant;
  /** The platform's time where the payload gave one, else the receive time: see `startedAtSource`. */
  readonly startedAt: Instant | null;
  readonly startedAtSource: TimeSource | null;
  /** When the tracker received the fact that gave `startedAt`. */
  readonly startedReceivedAt: Instant | null;
  readonly completedAt: Instant | null;
  readonly completedAtSource: TimeSource | null;
  readonly completedReceivedAt: Instant | null;
  /** By the platform's clock when both ends have its time, else by receive times. */
  readonly durationMs: number | null;
  readonly recording: (RecordingLocation & { readonly availableAt: Instant }) | null;
  readonly staleMarkedAt: Instant | null;
  /** Other types notifications gave this id (`type` stays the first one); empty when none. */
  readonly typeConflicts: readonly TypeConflict[];
  readonly updatedAt: Instant;
}

export const toOperationView = (operation: OperationState, callId: string): OperationView => {
  const start = storedStamp(
    operation.startedAt,
    operation.startedAtSource,
    operation.startedReceivedAt,
  );
  const end = storedStamp(
    operation.completedAt,
    operation.completedAtSource,
    operation.completedReceivedAt,
  );
  return viewOf(operation, callId, start, end);
};

const viewOf = (
  operation: OperationState,
  callId: string,
  start: Stamp | undefined,
  end: Stamp | undefined,
): OperationView => ({
  operationId: operation.operationId,
  rawOperationIds: operation.rawOperationIds,
  operationIdSource: operation.operationIdSource,
  callId,
  platform: operation.platform,
  type: operation.operationType,
  rawType: operation.rawOperationType ?? null,
  status: operation.status,
  finished: operation.outcome !== undefined,
  outcome: operation.outcome ?? null,
  completionReason: operation.completionReason ?? null,
  resultInfo: operation.resultInfo ?? null,
  clientContext: operation.clientContext ?? null,
  operationContext: operation.operationContext ?? null,
  participantId: operation.participantId ?? null,
  firstSeenAt: operation.firstSeenAt,
  startedAt: operation.startedAt ?? null,
  startedAtSource: start?.source ?? null,
  startedReceivedAt: start?.receivedAt ?? null,
  completedAt: operation.completedAt ?? null,
  completedAtSource: end?.source ?? null,
  completedReceivedAt: end?.receivedAt ?? null,
  durationMs: durationBetween(start, end) ?? null,
  recording: operation.recording ?? null,
  staleMarkedAt: operation.staleMarkedAt ?? null,
  typeConflicts: operation.typeConflicts ?? [],
  updatedAt: operation.updatedAt,
});

/** All operations of a call, ordered by id. */
export const toOperationViews = (state: CallState): OperationView[] =>
  sortedValues(state.operations).map((operation) => toOperationView(operation, state.callId));

/** Finds an operation by its id in any spelling (`0FE0623F…` or `0fe0623f-…`). */
export const findOperation = (state: CallState, operationId: string): OperationState | undefined =>
  own(state.operations, canonicalId(operationId));
