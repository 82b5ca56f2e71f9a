import { isFinalCallState } from '../call/call-states';
import { epochMs, plusMs, type Instant } from '../kernel/instants';
import { sortedValues } from '../kernel/records';
import type { DeadlineMark } from '../keys/notification-key';
import { isFinished, type OperationState } from '../operations/operation-state';
import type { CallState } from '../state/call-state';
import { operationBoundMs, type DeadlineBounds } from './deadline-bounds';

interface DeadlineTiming {
  readonly due: Instant;
  /** When the clock started: the call rang, the operation started, the last traffic. */
  readonly since: Instant;
  readonly boundMs: number;
}

/** A mark not decided yet, and when it falls due. */
export type PendingDeadline = DeadlineTiming &
  (
    | { readonly mark: Extract<DeadlineMark, 'callMissed' | 'callStale'> }
    | { readonly mark: Extract<DeadlineMark, 'operationStale'>; readonly operation: OperationState }
  );

/**
 * Every mark the call could still get, each at most once: a call still ringing past its answer
 * timeout is missed; an operation in flight past its type's bound is stale; an unfinished call
 * silent for longer than the keep-alive window is stale.
 */
export const pendingDeadlines = (state: CallState, bounds: DeadlineBounds): PendingDeadline[] => {
  if (state.callId === '') return [];
  return [
    ...missedCall(state, bounds),
    ...staleOperations(state, bounds),
    ...staleCall(state, bounds),
  ];
};

const missedCall = (state: CallState, bounds: DeadlineBounds): PendingDeadline[] => {
  const since = state.details.incomingAt;
  if (state.state !== 'incoming' || since === undefined || state.marks.missedAt !== undefined) {
    return [];
  }
  const boundMs = state.policyRecording
    ? bounds.policyRecordingAnswerTimeoutMs
    : bounds.answerTimeoutMs;
  return [{ mark: 'callMissed', since, boundMs, due: plusMs(since, boundMs) }];
};

const staleOperations = (state: CallState, bounds: DeadlineBounds): PendingDeadline[] =>
  sortedValues(state.operations)
    .filter((operation) => !isFinished(operation) && operation.staleMarkedAt === undefined)
    .map((operation) => {
      // The tracker's own clock: a platform's time for the start is not comparable with `now`.
      const since = operation.startedReceivedAt ?? operation.startedAt ?? operation.firstSeenAt;
      const boundMs = operationBoundMs(bounds, operation.operationType);
      return {
        mark: 'operationStale' as const,
        operation,
        since,
        boundMs,
        due: plusMs(since, boundMs),
      };
    });

const staleCall = (state: CallState, bounds: DeadlineBounds): PendingDeadline[] => {
  const since = state.lastActivityAt;
  if (since === undefined || isFinalCallState(state.state) || state.marks.staleAt !== undefined) {
    return [];
  }
  return [
    {
      mark: 'callStale',
      since,
      boundMs: bounds.keepAliveMs,
      due: plusMs(since, bounds.keepAliveMs),
    },
  ];
};

/**
 * When the next mark falls due, or undefined when none can: lets a scheduler sleep until then
 * instead of polling every call.
 */
export const nextDeadline = (state: CallState, bounds: DeadlineBounds): Instant | undefined =>
  pendingDeadlines(state, bounds).reduce<Instant | undefined>(
    (soonest, deadline) =>
      soonest === undefined || epochMs(deadline.due) < epochMs(soonest) ? deadline.due : soonest,
    undefined,
  );
