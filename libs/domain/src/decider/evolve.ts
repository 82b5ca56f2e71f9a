import { evolveCall } from '../call/evolve-call';
import { evolveContentSharing } from '../content-sharing/evolve-content-sharing';
import { evolveDeadlines } from '../deadlines/evolve-deadlines';
import type { CallEvent } from '../events/call-event';
import { assertNever } from '../kernel/assert-never';
import { latest } from '../kernel/instants';
import { evolveOperation } from '../operations/evolve-operation';
import { evolveParticipants } from '../participants/evolve-participants';
import { evolveRecording } from '../recording/evolve-recording';
import { initialCallState, type CallState } from '../state/call-state';
import { evolveNotificationReceived } from './evolve-notification-received';

/** `evolve(state, event) → state`: applies one fact of the call's stream. */
export const evolve = (state: CallState, event: CallEvent): CallState => {
  const next = apply(state, event);
  return {
    ...next,
    callId: next.callId === '' ? event.metadata.callId : next.callId,
    updatedAt: latest(state.updatedAt, event.metadata.recordedAt),
    version: state.version + 1,
  };
};

const apply = (state: CallState, event: CallEvent): CallState => {
  switch (event.type) {
    case 'NotificationReceived':
      return evolveNotificationReceived(state, event);
    case 'CallStateChanged':
    case 'CallTerminated':
    case 'CallAnswered':
    case 'CallDetailsRecorded':
    case 'PolicyRecordingMetadataRecorded':
      return evolveCall(state, event);
    case 'OperationStarted':
    case 'OperationStatusChanged':
    case 'OperationDetailsRecorded':
    case 'OperationCompleted':
    case 'OperationFailed':
    case 'RecordingLocationAvailable':
    case 'OperationEndedWithCall':
    case 'OperationTypeConflictSeen':
      return evolveOperation(state, event);
    case 'ParticipantJoined':
    case 'ParticipantUpdated':
    case 'ParticipantLeft':
      return evolveParticipants(state, event);
    case 'ContentSharingStarted':
    case 'ContentSharingEnded':
      return evolveContentSharing(state, event);
    case 'CallRecordingStateChanged':
      return evolveRecording(state, event);
    case 'CallMarkedMissed':
    case 'OperationMarkedStale':
    case 'CallMarkedStale':
      return evolveDeadlines(state, event);
    default:
      return assertNever(event, 'event');
  }
};

/** Folds events onto a state (from the initial state by default). */
export const evolveAll = (
  events: readonly CallEvent[],
  state: CallState = initialCallState(),
): CallState => events.reduce(evolve, state);

/** The state of a call from its whole stream. */
export const foldCall = (events: readonly CallEvent[]): CallState => evolveAll(events);
