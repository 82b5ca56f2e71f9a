import type { CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { compact } from '../kernel/objects';
import { own } from '../kernel/records';
import type { RosterNotification } from '../notifications/notification';
import type { CallState } from '../state/call-state';
import { holdChange } from './decide-hold';
import type { ParticipantChanges } from './participant-events';
import type { ParticipantInfo } from './participant-info';
import type { ParticipantState } from './participant-state';

/**
 * Rosters come as arrays. A participant listed and not present joins; one present whose
 * mute/hold/lobby flags differ is updated; in a full roster, one present and not listed left.
 * Only one participant may be on hold: if a roster puts a new one on hold, every other one is
 * released (the last newcomer in the array wins if several claim it at once).
 */
export const decideRoster = (
  notification: RosterNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  if (isOlderRoster(notification, state)) return [];
  const entries = lastEntryPerParticipant(notification.participants);
  if (notification.mode === 'removal') {
    return entries
      .filter((entry) => isPresent(state, entry.participantId))
      .map((entry) => left(state, entry.participantId, at, 'deleted'));
  }
  const holder = resolveHolder(state, entries);
  const listed = new Set(entries.map((entry) => entry.participantId));
  const joinsAndUpdates = entries.flatMap((entry) => joinOrUpdate(state, entry, holder, at));
  const leavers =
    notification.mode === 'snapshot'
      ? Object.values(state.participants)
          .filter((p) => p.present && !listed.has(p.participantId))
          .sort(byId)
          .map((p) => left(state, p.participantId, at, 'removedFromRoster'))
      : [];
  const previous = state.onHoldParticipantId;
  const releaseUnlisted =
    notification.mode === 'upsert' &&
    previous !== undefined &&
    holder !== undefined &&
    holder !== previous &&
    !listed.has(previous)
      ? [holdChange(state, previous, false, at, 'anotherParticipantOnHold')]
      : [];
  return [...joinsAndUpdates, ...releaseUnlisted, ...leavers];
};

/** ACS numbers its rosters: one not newer than the last applied is stale. */
const isOlderRoster = (notification: RosterNotification, state: CallState): boolean =>
  notification.sequenceNumber !== undefined &&
  state.rosterSequenceNumber !== undefined &&
  notification.sequenceNumber <= state.rosterSequenceNumber;

const lastEntryPerParticipant = (participants: readonly ParticipantInfo[]): ParticipantInfo[] => [
  ...new Map(participants.map((p) => [p.participantId, p])).values(),
];

const isPresent = (state: CallState, participantId: string): boolean =>
  own(state.participants, participantId)?.present === true;

/** Who is on hold after this roster: a newcomer to hold, else whoever was already. */
const resolveHolder = (state: CallState, entries: ParticipantInfo[]): string | undefined => {
  const previous = state.onHoldParticipantId;
  const newcomers = entries.filter((e) => e.isOnHold === true && e.participantId !== previous);
  if (newcomers.length > 0) return newcomers[newcomers.length - 1].participantId;
  const previousEntry = entries.find((e) => e.participantId === previous);
  return previousEntry?.isOnHold === false ? undefined : previous;
};

const joinOrUpdate = (
  state: CallState,
  entry: ParticipantInfo,
  holder: string | undefined,
  at: Instant,
): CallEventDraft[] => {
  const overridden = entry.isOnHold === true && entry.participantId !== holder;
  const isOnHold = overridden ? false : entry.isOnHold;
  const current = own(state.participants, entry.participantId);
  if (current === undefined || !current.present) {
    return [
      {
        type: 'ParticipantJoined',
        data: compact({
          callId: state.callId,
          participantId: entry.participantId,
          rawParticipantId: entry.rawParticipantId,
          identity: entry.identity,
          displayName: entry.displayName,
          isMuted: entry.isMuted,
          isOnHold,
          isInLobby: entry.isInLobby,
          joinedAt: at,
        }),
      },
    ];
  }
  const changes = changedFlags(current, {
    displayName: entry.displayName,
    isMuted: entry.isMuted,
    isOnHold,
    isInLobby: entry.isInLobby,
  });
  const newSpelling = !current.rawParticipantIds.includes(entry.rawParticipantId);
  if (Object.keys(changes).length === 0 && !newSpelling) return [];
  return [
    {
      type: 'ParticipantUpdated',
      data: compact({
        callId: state.callId,
        participantId: entry.participantId,
        rawParticipantId: newSpelling ? entry.rawParticipantId : undefined,
        changes,
        updatedAt: at,
        reason:
          overridden && changes.isOnHold === false
            ? ('anotherParticipantOnHold' as const)
            : undefined,
      }),
    },
  ];
};

const changedFlags = (current: ParticipantState, offered: ParticipantChanges): ParticipantChanges =>
  Object.fromEntries(
    Object.entries(offered).filter(
      ([key, value]) => value !== undefined && current[key as keyof ParticipantChanges] !== value,
    ),
  ) as ParticipantChanges;

const left = (
  state: CallState,
  participantId: string,
  at: Instant,
  reason: 'removedFromRoster' | 'deleted',
): CallEventDraft => ({
  type: 'ParticipantLeft',
  data: { callId: state.callId, participantId, leftAt: at, reason },
});

const byId = (a: ParticipantState, b: ParticipantState): number =>
  a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0;
