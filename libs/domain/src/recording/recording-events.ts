import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';

/** ACS call recording became `active` or `inactive` (unknown values kept). */
export type CallRecordingStateChanged = DomainEvent<
  'CallRecordingStateChanged',
  {
    readonly callId: string;
    readonly recordingId?: string;
    readonly state: string;
    readonly recordingStartedAt?: string;
    readonly recordingKind?: string;
    readonly changedAt: Instant;
  }
>;
