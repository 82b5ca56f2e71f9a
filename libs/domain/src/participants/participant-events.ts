import type { PartyInfo } from '../call/call-details';
import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';

export interface ParticipantChanges {
  readonly displayName?: string;
  readonly isMuted?: boolean;
  readonly isOnHold?: boolean;
  readonly isInLobby?: boolean;
}

export type ParticipantJoined = DomainEvent<
  'ParticipantJoined',
  ParticipantChanges & {
    readonly callId: string;
    readonly participantId: string;
    readonly rawParticipantId: string;
    readonly identity?: PartyInfo;
    readonly joinedAt: Instant;
  }
>;

/**
 * Why a participant changed without the roster saying so: only one participant may be on hold,
 * so putting one on hold releases the previous one; hold music started or stopped on them.
 */
export type ParticipantUpdateReason =
  'anotherParticipantOnHold' | 'holdMusicStarted' | 'holdMusicStopped';

export type ParticipantUpdated = DomainEvent<
  'ParticipantUpdated',
  {
    readonly callId: string;
    readonly participantId: string;
    readonly rawParticipantId?: string;
    readonly changes: ParticipantChanges;
    readonly updatedAt: Instant;
    readonly reason?: ParticipantUpdateReason;
  }
>;

export type ParticipantLeft = DomainEvent<
  'ParticipantLeft',
  {
    readonly callId: string;
    readonly participantId: string;
    readonly leftAt: Instant;
    /** `removedFromRoster`: missing from a full roster; `deleted`: Graph deleted the participant. */
    readonly reason: 'removedFromRoster' | 'deleted';
  }
>;

export type ParticipantEvent = ParticipantJoined | ParticipantUpdated | ParticipantLeft;
