import type { CallCommand } from '../commands/commands';
import { decideDeadlines } from '../deadlines/decide-deadlines';
import type { CallEvent } from '../events/call-event';
import { assertNever } from '../kernel/assert-never';
import type { CallState } from '../state/call-state';
import { decideNotification } from './decide-notification';

/**
 * `decide(command, state) → events` for one call stream. Pure: time comes in the command
 * (`receivedAt`, `now`). An empty result means nothing new: a duplicate notification (see
 * `isDuplicate`) or a deadline check with nothing due.
 */
export const decide = (command: CallCommand, state: CallState): CallEvent[] => {
  switch (command.type) {
    case 'RecordGraphNotification':
    case 'RecordAcsEvent':
    case 'RecordOperationResponse':
      return decideNotification(command, state);
    case 'CheckDeadlines':
      return decideDeadlines(command, state);
    default:
      return assertNever(command, 'command');
  }
};
