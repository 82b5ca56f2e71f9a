import { isTransferring } from '../call/call-states';
import { decideTransition } from '../call/decide-transition';
import type { CallEventDraft } from '../events/call-event';
import { isBefore, type Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import { own } from '../kernel/records';
import type { OperationNotification } from '../notifications/notification';
import { decideHold } from '../participants/decide-hold';
import type { CallState } from '../state/call-state';
import { decideLateOperationEnd } from './decide-ended-with-call';
import { isFinished, isSettled, type OperationState } from './operation-state';
import {
  betterStart,
  durationBetween,
  isBetterStart,
  stampOf,
  storedStamp,
  type Stamp,
} from './operation-times';
import { activeStatusRank } from './operation-status';
import { HOLD_MUSIC_OPERATIONS, UNKNOWN_OPERATION_TYPE } from './operation-types';

/**
 * Facts about one operation may arrive in any order: the completion before the bot's response,
 * a `running` notification after the completion. A finished operation is never reopened; later
 * facts only fill in what it lacks (start time, client context, another spelling of its id).
 */
export const decideOperation = (
  notification: OperationNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const operation = own(state.operations, notification.operationId);
  return [
    ...decideTypeConflict(notification, operation, state, at),
    ...decideFacts(notification, operation, state, at),
    ...decideLateOperationEnd(notification, operation, state, at),
  ];
};

/**
 * One id, two types: the operation keeps its first type (its id names one operation), and the
 * other type is recorded once, so that it is never merged silently.
 */
const decideTypeConflict = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (operation === undefined) return [];
  const given = notification.operationType;
  const kept = operation.operationType;
  if (given === UNKNOWN_OPERATION_TYPE || kept === UNKNOWN_OPERATION_TYPE || given === kept) {
    return [];
  }
  const rawType = notification.rawOperationType;
  if (operation.typeConflicts?.some((c) => c.type === given && c.rawType === rawType)) return [];
  return [
    {
      type: 'OperationTypeConflictSeen',
      data: compact({
        callId: state.callId,
        operationId: operation.operationId,
        rawOperationId: notification.rawOperationId,
        operationType: kept,
        conflictingType: given,
        conflictingRawType: rawType,
        seenAt: at,
      }),
    },
  ];
};

const decideFacts = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (notification.phase === 'finished') {
    if (operation !== undefined && isSettled(operation)) {
      return [
        ...decideDetails(notification, operation, state, at),
        ...decideRecordingLocation(notification, operation, state, at),
      ];
    }
    return [
      decideEnd(notification, operation, state, at),
      ...decideRecordingLocation(notification, operation, state, at),
      ...decideHoldMusicEffects(notification, operation, state, at),
      ...decideTransferEffects(notification, state, at),
    ];
  }
  if (operation === undefined) return [decideStart(notification, state, at)];
  if (isFinished(operation)) return decideDetails(notification, operation, state, at);
  const statusChange = decideStatusChange(notification, operation, state, at);
  const details = decideDetails(notification, operation, state, at, statusChange.length === 0);
  return [...statusChange, ...details];
};

/**
 * A `running` report tells when the operation started: by the platform's time when the event
 * has one, else by its receipt (see `isBetterStart` for which start is kept).
 */
const reportedStart = (notification: OperationNotification, at: Instant): Stamp | undefined =>
  notification.status === 'running' ? stampOf(notification.occurredAt, at) : undefined;

const startOf = (operation: OperationState | undefined): Stamp | undefined =>
  operation &&
  storedStamp(operation.startedAt, operation.startedAtSource, operation.startedReceivedAt);

/** The start fields of a fact, when its start is better than the one the operation has. */
const newStart = (candidate: Stamp | undefined, operation: OperationState | undefined) =>
  candidate !== undefined && isBetterStart(candidate, startOf(operation))
    ? startFields(candidate)
    : {};

const startFields = (stamp: Stamp | undefined) =>
  stamp === undefined
    ? {}
    : { startedAt: stamp.at, startedAtSource: stamp.source, startedReceivedAt: stamp.receivedAt };

const describe = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
) =>
  compact({
    callId: state.callId,
    operationId: notification.operationId,
    rawOperationId: notification.rawOperationId,
    operationIdSource: operation?.operationIdSource ?? notification.operationIdSource,
    platform: operation?.platform ?? notification.platform,
    operationType:
      notification.operationType === UNKNOWN_OPERATION_TYPE && operation !== undefined
        ? operation.operationType
        : notification.operationType,
    rawOperationType: notification.rawOperationType ?? operation?.rawOperationType,
    clientContext: notification.clientContext ?? operation?.clientContext,
    operationContext: notification.operationContext ?? operation?.operationContext,
    participantId: notification.participantId ?? operation?.participantId,
  });

const decideStart = (
  notification: OperationNotification,
  state: CallState,
  at: Instant,
): CallEventDraft => ({
  type: 'OperationStarted',
  data: compact({
    ...describe(notification, undefined, state),
    status: notification.status,
    ...startFields(reportedStart(notification, at)),
    firstSeenAt: at,
  }),
});

/** Active statuses only move forwards; unknown ones are kept and never hold an operation back. */
const decideStatusChange = (
  notification: OperationNotification,
  operation: OperationState,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (notification.status === operation.status) return [];
  const next = activeStatusRank(notification.status);
  const current = activeStatusRank(operation.status);
  if (next !== undefined && current !== undefined && next < current) return [];
  const start = reportedStart(notification, at);
  return [
    {
      type: 'OperationStatusChanged',
      data: compact({
        callId: state.callId,
        operationId: operation.operationId,
        rawOperationId: notification.rawOperationId,
        previousStatus: operation.status,
        status: notification.status,
        ...newStart(start, operation),
        changedAt: at,
      }),
    },
  ];
};

/** What this fact adds to a known operation, if anything. */
const decideDetails = (
  notification: OperationNotification,
  operation: OperationState,
  state: CallState,
  at: Instant,
  includeStart = true,
): CallEventDraft[] => {
  const start = includeStart ? reportedStart(notification, at) : undefined;
  const fresh = compact({
    rawOperationId:
      notification.rawOperationId !== undefined &&
      !operation.rawOperationIds.includes(notification.rawOperationId)
        ? notification.rawOperationId
        : undefined,
    operationType:
      operation.operationType === UNKNOWN_OPERATION_TYPE &&
      notification.operationType !== UNKNOWN_OPERATION_TYPE
        ? notification.operationType
        : undefined,
    rawOperationType:
      operation.rawOperationType === undefined ? notification.rawOperationType : undefined,
    clientContext: operation.clientContext === undefined ? notification.clientContext : undefined,
    operationContext:
      operation.operationContext === undefined ? notification.operationContext : undefined,
    participantId: operation.participantId === undefined ? notification.participantId : undefined,
    ...newStart(start, operation),
    firstSeenAt: isBefore(at, operation.firstSeenAt) ? at : undefined,
  });
  if (Object.keys(fresh).length === 0) return [];
  return [
    {
      type: 'OperationDetailsRecorded',
      data: { callId: state.callId, operationId: operation.operationId, ...fresh, recordedAt: at },
    },
  ];
};

/**
 * A response that is already final (some actions complete at once) both starts and ends the
 * operation at its receipt.
 */
const decideEnd = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft => {
  const end = stampOf(notification.occurredAt, at);
  const start = betterStart(startOf(operation), notification.source === 'bot' ? end : undefined);
  const data = compact({
    ...describe(notification, operation, state),
    status: notification.status,
    completionReason: notification.completionReason,
    resultInfo: notification.resultInfo,
    ...startFields(start),
    completedAt: end.at,
    completedAtSource: end.source,
    completedReceivedAt: end.receivedAt,
    durationMs: durationBetween(start, end),
  });
  return notification.outcome === 'failed'
    ? { type: 'OperationFailed', data }
    : { type: 'OperationCompleted', data };
};

/** The recording's location is kept; its access token never is. */
const decideRecordingLocation = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft[] =>
  notification.recording === undefined || operation?.recording !== undefined
    ? []
    : [
        {
          type: 'RecordingLocationAvailable',
          data: {
            callId: state.callId,
            operationId: notification.operationId,
            location: notification.recording.location,
            hasAccessToken: notification.recording.hasAccessToken,
            availableAt: at,
          },
        },
      ];

/** Hold music that started (stopped) puts its participant on hold (takes them off). */
const decideHoldMusicEffects = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const participantId = notification.participantId ?? operation?.participantId;
  if (notification.outcome !== 'completed' || participantId === undefined) return [];
  const operationType = describe(notification, operation, state).operationType;
  if (operationType === HOLD_MUSIC_OPERATIONS.start) {
    return decideHold(state, participantId, true, at, 'holdMusicStarted');
  }
  if (operationType === HOLD_MUSIC_OPERATIONS.stop) {
    return decideHold(state, participantId, false, at, 'holdMusicStopped');
  }
  return [];
};

/**
 * ACS reports a transfer only through its operation's end: accepted moves the call to
 * `transferAccepted`; failed returns a call that was being transferred to `connected`.
 */
const decideTransferEffects = (
  notification: OperationNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (notification.platform !== 'acs' || notification.operationType !== 'transfer') return [];
  if (notification.outcome === 'completed') {
    return decideTransition(state, 'transferAccepted', at, { resultInfo: notification.resultInfo });
  }
  return isTransferring(state.state)
    ? decideTransition(state, 'connected', at, { resultInfo: notification.resultInfo })
    : [];
};
