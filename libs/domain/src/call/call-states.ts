import { isOneOf, normalizeEnum, type Open } from '../kernel/enums';

/** Graph `callState` values. */
export const GRAPH_CALL_STATES = [
  'incoming',
  'establishing',
  'established',
  'hold',
  'transferring',
  'transferAccepted',
  'redirecting',
  'terminating',
  'terminated',
] as const;

/** ACS `callConnectionState` values. */
export const ACS_CONNECTION_STATES = [
  'connecting',
  'connected',
  'transferring',
  'transferAccepted',
  'disconnecting',
  'disconnected',
] as const;

export type KnownCallState =
  (typeof GRAPH_CALL_STATES)[number] | (typeof ACS_CONNECTION_STATES)[number];

/** A call's state as reported; values Microsoft adds later (`unknownFutureValue`) are kept. */
export type CallStateValue = Open<KnownCallState>;

const KNOWN_STATES: readonly KnownCallState[] = [...GRAPH_CALL_STATES, ...ACS_CONNECTION_STATES];

export const normalizeCallState = (raw: string): CallStateValue => normalizeEnum(raw, KNOWN_STATES);

/**
 * Notifications about one call can arrive out of order (the Graph docs say so for establishing and
 * established). States are ranked by how far a call has got; a state of a lower rank than the
 * call's current one is stale and ignored. States of the same rank move laterally (a call goes on
 * and off hold, starts a transfer that then fails). Unknown values have no rank: they are kept but
 * neither advance nor hold back the call.
 */
const RANKS: Readonly<Record<KnownCallState, number>> = {
  incoming: 0,
  establishing: 1,
  redirecting: 1,
  connecting: 1,
  established: 2,
  hold: 2,
  transferring: 2,
  transferAccepted: 2,
  connected: 2,
  terminating: 3,
  disconnecting: 3,
  terminated: 4,
  disconnected: 4,
};

/** Rank of a call that has heard nothing about its state yet. */
export const NO_STATE_RANK = -1;

export const callStateRank = (state: CallStateValue): number | undefined =>
  isOneOf(state, KNOWN_STATES) ? RANKS[state] : undefined;

const FINAL_STATES = ['terminated', 'disconnected'] as const;

/** `terminated` (Graph) and `disconnected` (ACS) are final: nothing reopens the call. */
export const isFinalCallState = (state: CallStateValue | undefined): boolean =>
  isOneOf(state, FINAL_STATES);

/** The rank of the states a call can only be in once answered (established, on hold, …). */
const ANSWERED_RANK = 2;

/** Whether a call in this state has been answered (Graph `established`, ACS `connected`, …). */
export const isAnsweredState = (state: CallStateValue): boolean =>
  callStateRank(state) === ANSWERED_RANK;

const TRANSFER_STATES = ['transferring', 'transferAccepted'] as const;
const CONNECTED_STATES = ['established', 'connected'] as const;

/** A call that was being transferred and is back to established did not get transferred. */
export const isTransferFailure = (from: CallStateValue | undefined, to: CallStateValue): boolean =>
  isOneOf(from, TRANSFER_STATES) && isOneOf(to, CONNECTED_STATES);

export const isTransferring = (state: CallStateValue | undefined): boolean =>
  isOneOf(state, TRANSFER_STATES);
