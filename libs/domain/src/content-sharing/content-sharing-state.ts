import type { Instant } from '../kernel/instants';

export interface ContentSharingState {
  readonly sessionId: string;
  readonly rawSessionIds: readonly string[];
  readonly active: boolean;
  readonly startedAt?: Instant;
  readonly endedAt?: Instant;
}
