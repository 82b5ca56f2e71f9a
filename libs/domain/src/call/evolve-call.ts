import { assertNever } from '../kernel/assert-never';
import { compact } from '../kernel/objects';
import type { CallState } from '../state/call-state';
import type { CallLifecycleEvent } from './call-events';
import { callStateRank } from './call-states';
import { earliest } from '../kernel/instants';

export const evolveCall = (state: CallState, event: CallLifecycleEvent): CallState => {
  switch (event.type) {
    case 'CallStateChanged':
      return compact({
        ...state,
        state: event.data.state,
        rawState: event.data.rawState,
        stateRank: Math.max(state.stateRank, callStateRank(event.data.state) ?? state.stateRank),
        stateChangedAt: event.data.changedAt,
      });
    case 'CallAnswered':
      return { ...state, answeredAt: earliest(state.answeredAt, event.data.answeredAt) };
    case 'CallTerminated':
      return compact({
        ...state,
        state: event.data.state,
        rawState: event.data.rawState,
        stateRank: Math.max(state.stateRank, callStateRank(event.data.state) ?? state.stateRank),
        stateChangedAt: event.data.terminatedAt,
        terminatedAt: event.data.terminatedAt,
        terminationResult: event.data.resultInfo,
      });
    case 'CallDetailsRecorded':
      return { ...state, details: { ...state.details, ...event.data.details } };
    case 'PolicyRecordingMetadataRecorded':
      return { ...state, policyRecording: event.data.metadata };
    default:
      return assertNever(event, 'call event');
  }
};
