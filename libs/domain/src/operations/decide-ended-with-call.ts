import { isFinalCallState } from '../call/call-states';
import type { CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { sortedValues } from '../kernel/records';
import type { OperationNotification } from '../notifications/notification';
import type { CallState } from '../state/call-state';
import { isFinished, type OperationState } from './operation-state';

type Ended = Extract<CallEventDraft, { type: 'OperationEndedWithCall' }>;

const endedWithCall = (
  state: CallState,
  operation: Pick<OperationState, 'operationId' | 'operationType' | 'status'>,
  callState: string,
  endedAt: Instant,
): Ended => ({
  type: 'OperationEndedWithCall',
  data: {
    callId: state.callId,
    operationId: operation.operationId,
    operationType: operation.operationType,
    previousStatus: operation.status,
    callState,
    endedAt,
  },
});

/**
 * When the call ends, every operation still in flight ends with it, at once and at the call's
 * end: a prompt cannot still be playing on a call that is over. (The platform's own completion,
 * if it comes later, is still recorded and replaces this end.)
 */
export const decideOperationsEndedWithCall = (
  callFacts: readonly CallEventDraft[],
  state: CallState,
): CallEventDraft[] => {
  const terminated = callFacts.find((fact) => fact.type === 'CallTerminated');
  if (terminated?.type !== 'CallTerminated') return [];
  const { state: callState, terminatedAt } = terminated.data;
  return sortedValues(state.operations)
    .filter((operation) => !isFinished(operation))
    .map((operation) => endedWithCall(state, operation, callState, terminatedAt));
};

/**
 * An operation reported in flight after its call ended (a late `PlayStarted`, a bot report sent
 * after the hang-up) ends with the call too, at the call's end, so that the result does not depend
 * on which arrived first.
 */
export const decideLateOperationEnd = (
  notification: OperationNotification,
  operation: OperationState | undefined,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (!isFinalCallState(state.state) || notification.phase !== 'active') return [];
  if (operation !== undefined && isFinished(operation)) return [];
  const subject = operation ?? {
    operationId: notification.operationId,
    operationType: notification.operationType,
    status: notification.status,
  };
  return [endedWithCall(state, subject, state.state ?? 'terminated', state.terminatedAt ?? at)];
};
