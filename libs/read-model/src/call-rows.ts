import {
  CallState,
  DeadlineBounds,
  idLookupKey,
  KeySet,
  nextDeadline,
  OperationState,
  toCallView,
  toOperationView,
  toOperationViews,
} from '@tracker/domain';
import type { CallWrite } from './read-model.store';

/**
 * A call's rows in the read model, serialised: what `ReadModelStore.commitRows` writes. Plain
 * strings and numbers, so that a rebuild thread can build them and hand them to the thread that
 * owns the file at the cost of a copy.
 */
export interface CallRows {
  /** call_views: call_id, state, source, updated_at, next_deadline, view. */
  readonly view: readonly [
    string,
    string | null,
    string | null,
    string | null,
    number | null,
    string,
  ];
  /** call_folds: revision, folded state. */
  readonly fold: readonly [number, string];
  /** operations: operation_id, call_id, status, view; then its lookup keys (operation_ids). */
  readonly operations: ReadonlyArray<readonly [string, string, string, string, readonly string[]]>;
}

/**
 * What a row keeps of a call's state for the projector to go on from: all of it but the keys of the
 * notifications seen, which only the write side needs (to recognise redeliveries) and which grow
 * with every notification of the call.
 */
const projectorState = (state: CallState): CallState =>
  state.seenNotificationKeys.size === 0 ? state : { ...state, seenNotificationKeys: KeySet.empty };

/**
 * The operations of `state` whose rows must be written when the read model holds `before`: the
 * ones its events changed. `evolve` makes a new object for an operation an event changes and
 * keeps every other one, so identity says which. Without this, each notification of a call
 * rewrote all of the call's operations (a row and its lookup keys each): quadratic in a long call.
 */
const changedOperations = (state: CallState, before: CallState): OperationState[] =>
  Object.values(state.operations).filter((op) => before.operations[op.operationId] !== op);

/**
 * The one place a folded call becomes what the read model stores of it. `before`: the state the
 * read model holds, as this process folded it (absent: write every operation).
 */
export const toCallWrite = (
  state: CallState,
  revision: bigint,
  bounds: DeadlineBounds,
  before?: CallState,
): CallWrite => {
  const due = nextDeadline(state, bounds);
  return {
    state,
    revision,
    view: toCallView(state),
    operations: before
      ? changedOperations(state, before).map((op) => toOperationView(op, state.callId))
      : toOperationViews(state),
    nextDeadline: due === undefined ? undefined : Date.parse(due),
  };
};

export const toCallRows = (write: CallWrite): CallRows => ({
  view: [
    write.view.callId,
    write.view.state,
    write.view.source,
    write.view.updatedAt,
    write.nextDeadline ?? null,
    JSON.stringify(write.view),
  ],
  fold: [Number(write.revision), JSON.stringify(projectorState(write.state))],
  operations: write.operations.map((op) => [
    op.operationId,
    op.callId,
    op.status,
    JSON.stringify(op),
    [op.operationId, ...op.rawOperationIds].map(idLookupKey),
  ]),
});
