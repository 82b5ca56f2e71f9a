import { assertNever } from '../kernel/assert-never';
import { compact } from '../kernel/objects';
import { own, sortedUnion, withEntry } from '../kernel/records';
import type { CallState } from '../state/call-state';
import type { ParticipantEvent } from './participant-events';
import type { ParticipantState } from './participant-state';

export const evolveParticipants = (state: CallState, event: ParticipantEvent): CallState => {
  const current = own(state.participants, event.data.participantId);
  const next = nextParticipant(current, event);
  return compact({
    ...state,
    participants: withEntry(state.participants, next.participantId, compact(next)),
    onHoldParticipantId: nextHolder(state.onHoldParticipantId, next),
  });
};

const nextParticipant = (
  current: ParticipantState | undefined,
  event: ParticipantEvent,
): ParticipantState => {
  const base: ParticipantState = current ?? {
    participantId: event.data.participantId,
    rawParticipantIds: [],
    present: true,
  };
  switch (event.type) {
    case 'ParticipantJoined': {
      const { data } = event;
      return {
        ...base,
        rawParticipantIds: sortedUnion(base.rawParticipantIds, data.rawParticipantId),
        displayName: data.displayName ?? base.displayName,
        identity: data.identity ?? base.identity,
        isMuted: data.isMuted ?? base.isMuted,
        isOnHold: data.isOnHold ?? base.isOnHold,
        isInLobby: data.isInLobby ?? base.isInLobby,
        present: true,
        joinedAt: data.joinedAt,
        leftAt: undefined,
      };
    }
    case 'ParticipantUpdated':
      return {
        ...base,
        ...compact(event.data.changes),
        rawParticipantIds: sortedUnion(base.rawParticipantIds, event.data.rawParticipantId),
      };
    case 'ParticipantLeft':
      return {
        ...base,
        isOnHold: base.isOnHold === true ? false : base.isOnHold,
        present: false,
        leftAt: event.data.leftAt,
      };
    default:
      return assertNever(event, 'participant event');
  }
};

/** Who is on hold follows the participants' flags: at most one at a time. */
const nextHolder = (
  holder: string | undefined,
  participant: ParticipantState,
): string | undefined => {
  if (participant.present && participant.isOnHold === true) return participant.participantId;
  return holder === participant.participantId ? undefined : holder;
};
