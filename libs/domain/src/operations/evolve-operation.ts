import { assertNever } from '../kernel/assert-never';
import { earliest, latest, type Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import { own, sortedUnion, withEntry } from '../kernel/records';
import type { CallState } from '../state/call-state';
import type { OperationEvent } from './operation-events';
import { isFinished, isSettled, type OperationState } from './operation-state';
import { CALL_ENDED } from './operation-status';
import { betterStart, storedStamp, type TimeSource } from './operation-times';
import { UNKNOWN_OPERATION_TYPE, type OperationType } from './operation-types';

export const evolveOperation = (state: CallState, event: OperationEvent): CallState => {
  const current = own(state.operations, event.data.operationId);
  const next = nextOperation(current, event);
  if (next === undefined) return state;
  const updated = compact({
    ...next,
    updatedAt: latest(current?.updatedAt, event.metadata.recordedAt) ?? event.metadata.recordedAt,
  });
  return { ...state, operations: withEntry(state.operations, updated.operationId, updated) };
};

const nextOperation = (
  current: OperationState | undefined,
  event: OperationEvent,
): OperationState | undefined => {
  switch (event.type) {
    case 'OperationStarted': {
      const { data } = event;
      const base = current ?? newOperation(data, data.firstSeenAt);
      return {
        ...fillDescription(base, data),
        status: isFinished(base) ? base.status : data.status,
        ...keptStart(base, data),
        firstSeenAt: earliest(base.firstSeenAt, data.firstSeenAt) ?? data.firstSeenAt,
      };
    }
    case 'OperationStatusChanged': {
      if (current === undefined || isFinished(current)) return current;
      const { data } = event;
      return {
        ...current,
        rawOperationIds: sortedUnion(current.rawOperationIds, data.rawOperationId),
        status: data.status,
        ...keptStart(current, data),
      };
    }
    case 'OperationDetailsRecorded': {
      if (current === undefined) return undefined;
      const { data } = event;
      return {
        ...fillDescription(current, data),
        ...keptStart(current, data),
        firstSeenAt: earliest(current.firstSeenAt, data.firstSeenAt) ?? current.firstSeenAt,
      };
    }
    case 'OperationCompleted':
    case 'OperationFailed': {
      const { data } = event;
      const receivedEnd = data.completedReceivedAt ?? data.completedAt;
      const base = current ?? newOperation(data, receivedEnd);
      if (isSettled(base)) return base;
      return {
        ...fillDescription(base, data),
        status: data.status,
        outcome: event.type === 'OperationFailed' ? 'failed' : 'completed',
        completionReason: data.completionReason,
        resultInfo: data.resultInfo,
        ...keptStart(base, data),
        completedAt: data.completedAt,
        completedAtSource: data.completedAtSource ?? 'received',
        completedReceivedAt: data.completedReceivedAt ?? data.completedAt,
        firstSeenAt: earliest(base.firstSeenAt, receivedEnd) ?? receivedEnd,
      };
    }
    case 'OperationEndedWithCall': {
      if (current === undefined || isFinished(current)) return current;
      return {
        ...current,
        status: CALL_ENDED,
        outcome: CALL_ENDED,
        completedAt: event.data.endedAt,
        completedAtSource: 'received',
        completedReceivedAt: event.data.endedAt,
      };
    }
    case 'OperationTypeConflictSeen': {
      if (current === undefined) return undefined;
      const { conflictingType: type, conflictingRawType: rawType } = event.data;
      const conflict = compact({ type, rawType });
      const known = current.typeConflicts ?? [];
      if (known.some((c) => c.type === type && c.rawType === rawType)) return current;
      const typeConflicts = [...known, conflict].sort((a, b) =>
        `${a.type}\u0000${a.rawType ?? ''}`.localeCompare(`${b.type}\u0000${b.rawType ?? ''}`),
      );
      return { ...current, typeConflicts };
    }
    case 'RecordingLocationAvailable': {
      if (current === undefined) return undefined;
      const { location, hasAccessToken, availableAt } = event.data;
      return { ...current, recording: { location, hasAccessToken, availableAt } };
    }
    default:
      return assertNever(event, 'operation event');
  }
};

/** The better of the operation's start and the fact's (see `isBetterStart`), with its source. */
const keptStart = (
  operation: OperationState,
  data: { startedAt?: Instant; startedAtSource?: TimeSource; startedReceivedAt?: Instant },
) => {
  const kept = betterStart(
    storedStamp(operation.startedAt, operation.startedAtSource, operation.startedReceivedAt),
    storedStamp(data.startedAt, data.startedAtSource, data.startedReceivedAt),
  );
  return kept === undefined
    ? {}
    : { startedAt: kept.at, startedAtSource: kept.source, startedReceivedAt: kept.receivedAt };
};

interface Description {
  readonly operationId: string;
  readonly rawOperationId?: string;
  readonly operationIdSource?: 'platform' | 'derived';
  readonly platform?: OperationState['platform'];
  readonly operationType?: OperationType;
  readonly rawOperationType?: string;
  readonly clientContext?: string;
  readonly operationContext?: string;
  readonly participantId?: string;
}

const newOperation = (
  data: Description & Required<Pick<Description, 'operationIdSource' | 'platform'>>,
  seenAt: Instant,
): OperationState => ({
  operationId: data.operationId,
  rawOperationIds: [],
  operationIdSource: data.operationIdSource,
  platform: data.platform,
  operationType: data.operationType ?? UNKNOWN_OPERATION_TYPE,
  status: 'running',
  firstSeenAt: seenAt,
  updatedAt: seenAt,
});

/** Later facts fill in what is missing; they never overwrite what an earlier fact said. */
const fillDescription = (operation: OperationState, data: Description): OperationState => ({
  ...operation,
  rawOperationIds: sortedUnion(operation.rawOperationIds, data.rawOperationId),
  operationType:
    operation.operationType === UNKNOWN_OPERATION_TYPE && data.operationType !== undefined
      ? data.operationType
      : operation.operationType,
  rawOperationType: operation.rawOperationType ?? data.rawOperationType,
  clientContext: operation.clientContext ?? data.clientContext,
  operationContext: operation.operationContext ?? data.operationContext,
  participantId: operation.participantId ?? data.participantId,
});
