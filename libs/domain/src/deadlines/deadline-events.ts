import type { CallStateValue } from '../call/call-states';
import type { DomainEvent } from '../events/domain-event';
import type { Instant } from '../kernel/instants';
import type { OperationStatus } from '../operations/operation-status';
import type { OperationType } from '../operations/operation-types';

/** Nobody answered the call in time (15 s, 5 s for policy-based recording). Decided once. */
export type CallMarkedMissed = DomainEvent<
  'CallMarkedMissed',
  {
    readonly callId: string;
    readonly incomingAt: Instant;
    readonly answerTimeoutMs: number;
    readonly policyRecording: boolean;
    readonly deadline: Instant;
    readonly markedAt: Instant;
  }
>;

/** An operation has been in flight longer than its type's bound: its end never came. Decided once. */
export type OperationMarkedStale = DomainEvent<
  'OperationMarkedStale',
  {
    readonly callId: string;
    readonly operationId: string;
    readonly operationType: OperationType;
    readonly status: OperationStatus;
    /** When it started (or was first seen, if it never was reported running). */
    readonly since: Instant;
    readonly boundMs: number;
    readonly deadline: Instant;
    readonly markedAt: Instant;
  }
>;

/** No traffic on an unfinished call for longer than the keep-alive window. Decided once. */
export type CallMarkedStale = DomainEvent<
  'CallMarkedStale',
  {
    readonly callId: string;
    readonly state?: CallStateValue;
    readonly lastActivityAt: Instant;
    readonly keepAliveMs: number;
    readonly deadline: Instant;
    readonly markedAt: Instant;
  }
>;

export type DeadlineEvent = CallMarkedMissed | OperationMarkedStale | CallMarkedStale;
