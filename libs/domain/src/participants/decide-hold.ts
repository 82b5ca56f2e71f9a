import type { CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { own } from '../kernel/records';
import type { CallState } from '../state/call-state';
import type { ParticipantUpdateReason } from './participant-events';

/**
 * Only one participant may be on hold at a time (Graph `startHoldMusic`): putting one on hold
 * releases the one held before.
 */
export const decideHold = (
  state: CallState,
  participantId: string,
  onHold: boolean,
  at: Instant,
  reason: ParticipantUpdateReason,
): CallEventDraft[] => {
  const current = own(state.participants, participantId);
  if (!onHold) {
    const held = current?.isOnHold === true || state.onHoldParticipantId === participantId;
    return held ? [holdChange(state, participantId, false, at, reason)] : [];
  }
  const previous = state.onHoldParticipantId;
  return [
    ...(previous !== undefined && previous !== participantId
      ? [holdChange(state, previous, false, at, 'anotherParticipantOnHold')]
      : []),
    ...(current?.isOnHold === true ? [] : [holdChange(state, participantId, true, at, reason)]),
  ];
};

export const holdChange = (
  state: CallState,
  participantId: string,
  isOnHold: boolean,
  at: Instant,
  reason: ParticipantUpdateReason,
): CallEventDraft => ({
  type: 'ParticipantUpdated',
  data: { callId: state.callId, participantId, changes: { isOnHold }, updatedAt: at, reason },
});
