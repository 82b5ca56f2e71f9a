import { isOneOf, normalizeEnum, type Open } from '../kernel/enums';

export const OPERATION_STATUSES = ['notStarted', 'running', 'completed', 'failed'] as const;

export type KnownOperationStatus = (typeof OPERATION_STATUSES)[number];

/** Status as reported; unknown values (`unknownFutureValue`) are kept. */
export type OperationStatus = Open<KnownOperationStatus>;

export const normalizeOperationStatus = (raw: string): OperationStatus =>
  normalizeEnum(raw, OPERATION_STATUSES);

/**
 * How an operation ended: the class of its final status as the platform reported it, or
 * `callEnded` when the call ended first (the platform said nothing; not a failure).
 */
export type OperationOutcome = 'completed' | 'failed' | 'callEnded';

/** The status (and outcome) of an operation that ended because its call did. */
export const CALL_ENDED = 'callEnded';

export const isTerminalStatus = (
  status: OperationStatus | undefined,
): status is 'completed' | 'failed' => isOneOf(status, ['completed', 'failed'] as const);

/**
 * Non-terminal statuses only move forwards (`notStarted` → `running`); a late `notStarted` is
 * stale. Unknown statuses have no rank and never hold an operation back.
 */
export const activeStatusRank = (status: OperationStatus): number | undefined =>
  status === 'notStarted' ? 0 : status === 'running' ? 1 : undefined;
