import type { CallEventDraft } from '../events/call-event';
import { isBefore, type Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import type { ResultInfo } from '../result-info/result-info';
import type { CallState } from '../state/call-state';
import {
  callStateRank,
  isAnsweredState,
  isFinalCallState,
  isTransferFailure,
  type CallStateValue,
} from './call-states';

export interface TransitionFacts {
  readonly rawState?: string;
  readonly resultInfo?: ResultInfo;
  /** The notification says the call is over, whatever state it names. */
  readonly ended?: boolean;
}

/**
 * Moves the call to `target` unless that would go backwards or reopen a finished call:
 * - a final call (`terminated`, `disconnected`) never changes again;
 * - a state ranked lower than the furthest one reached is stale (out-of-order delivery);
 * - a call back to established/connected from a transfer state is a failed transfer.
 */
export const decideTransition = (
  state: CallState,
  target: CallStateValue,
  at: Instant,
  facts: TransitionFacts = {},
): CallEventDraft[] => [...transition(state, target, at, facts), ...answered(state, target, at)];

/** `CallAnswered` when `target` shows the call answered earlier than known (see the event). */
const answered = (state: CallState, target: CallStateValue, at: Instant): CallEventDraft[] =>
  isAnsweredState(target) && (state.answeredAt === undefined || isBefore(at, state.answeredAt))
    ? [{ type: 'CallAnswered', data: { callId: state.callId, state: target, answeredAt: at } }]
    : [];

const transition = (
  state: CallState,
  target: CallStateValue,
  at: Instant,
  facts: TransitionFacts,
): CallEventDraft[] => {
  if (isFinalCallState(state.state)) return [];
  if (facts.ended === true || isFinalCallState(target)) {
    const finalState = isFinalCallState(target) ? target : finalStateOf(state);
    return [
      {
        type: 'CallTerminated',
        data: compact({
          callId: state.callId,
          previousState: state.state,
          state: finalState,
          rawState: facts.rawState,
          terminatedAt: at,
          resultInfo: facts.resultInfo,
        }),
      },
    ];
  }
  if (target === state.state) return [];
  const rank = callStateRank(target);
  if (rank !== undefined && rank < state.stateRank) return [];
  return [
    {
      type: 'CallStateChanged',
      data: compact({
        callId: state.callId,
        previousState: state.state,
        state: target,
        rawState: facts.rawState,
        changedAt: at,
        reason: isTransferFailure(state.state, target) ? ('transferFailed' as const) : undefined,
        resultInfo: facts.resultInfo,
      }),
    },
  ];
};

const finalStateOf = (state: CallState): CallStateValue =>
  state.platform === 'acs' ? 'disconnected' : 'terminated';
