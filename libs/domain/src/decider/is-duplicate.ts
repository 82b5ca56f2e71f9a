import type { CallCommand } from '../commands/commands';
import type { CallState } from '../state/call-state';

/**
 * Whether the call has already recorded this notification (same key). A duplicate decides no
 * events; the edge reports it as accepted-as-duplicate. A deadline check is never a duplicate.
 */
export const isDuplicate = (command: CallCommand, state: CallState): boolean =>
  command.type !== 'CheckDeadlines' &&
  state.seenNotificationKeys.has(command.data.notification.key);
