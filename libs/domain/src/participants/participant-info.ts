import type { PartyInfo } from '../call/call-details';

/** One participant as a roster notification describes it. */
export interface ParticipantInfo {
  readonly participantId: string;
  readonly rawParticipantId: string;
  readonly displayName?: string;
  readonly identity?: PartyInfo;
  readonly isMuted?: boolean;
  readonly isOnHold?: boolean;
  readonly isInLobby?: boolean;
}

/**
 * How a roster notification relates to the call's participants: a full `snapshot` (Graph
 * `updated` on the participants collection, ACS `ParticipantsUpdated`: whoever is missing left),
 * an `upsert` of some participants, or the `removal` of some (Graph `deleted`).
 */
export type RosterMode = 'snapshot' | 'upsert' | 'removal';
