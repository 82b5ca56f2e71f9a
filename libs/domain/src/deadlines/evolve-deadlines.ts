import { assertNever } from '../kernel/assert-never';
import { own, withEntry } from '../kernel/records';
import type { CallState } from '../state/call-state';
import type { DeadlineEvent } from './deadline-events';

export const evolveDeadlines = (state: CallState, event: DeadlineEvent): CallState => {
  switch (event.type) {
    case 'CallMarkedMissed':
      return {
        ...state,
        marks: { ...state.marks, missedAt: state.marks.missedAt ?? event.data.markedAt },
      };
    case 'CallMarkedStale':
      return {
        ...state,
        marks: { ...state.marks, staleAt: state.marks.staleAt ?? event.data.markedAt },
      };
    case 'OperationMarkedStale': {
      const operation = own(state.operations, event.data.operationId);
      if (operation === undefined || operation.staleMarkedAt !== undefined) return state;
      return {
        ...state,
        operations: withEntry(state.operations, operation.operationId, {
          ...operation,
          staleMarkedAt: event.data.markedAt,
        }),
      };
    }
    default:
      return assertNever(event, 'deadline event');
  }
};
