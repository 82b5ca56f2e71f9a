import type { PartyInfo } from '../call/call-details';
import type { Instant } from '../kernel/instants';

export interface ParticipantState {
  readonly participantId: string;
  readonly rawParticipantIds: readonly string[];
  readonly displayName?: string;
  readonly identity?: PartyInfo;
  readonly isMuted?: boolean;
  readonly isOnHold?: boolean;
  readonly isInLobby?: boolean;
  /** In the call now (false once they left). */
  readonly present: boolean;
  readonly joinedAt?: Instant;
  readonly leftAt?: Instant;
}
