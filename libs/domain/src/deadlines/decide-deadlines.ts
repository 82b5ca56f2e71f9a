import { assertNever } from '../kernel/assert-never';
import type { CheckDeadlines } from '../commands/commands';
import { stampEvents } from '../decider/stamp-events';
import type { CallEvent, CallEventDraft } from '../events/call-event';
import { epochMs, type Instant } from '../kernel/instants';
import { deadlineKey } from '../keys/notification-key';
import type { CallState } from '../state/call-state';
import { pendingDeadlines, type PendingDeadline } from './pending-deadlines';

/**
 * Marks whatever fell due by `now`. Each mark is its own fact with an id derived from what it
 * marks, so a second check (or a second watcher) decides nothing new.
 */
export const decideDeadlines = (command: CheckDeadlines, state: CallState): CallEvent[] => {
  const { now, bounds } = command.data;
  return pendingDeadlines(state, bounds)
    .filter((deadline) => epochMs(deadline.due) <= epochMs(now))
    .flatMap((deadline) =>
      stampEvents(
        [markFor(deadline, state, now)],
        deadlineKey(
          state.callId,
          deadline.mark,
          deadline.mark === 'operationStale' ? deadline.operation.operationId : undefined,
        ),
        state.callId,
        now,
      ),
    );
};

const markFor = (deadline: PendingDeadline, state: CallState, now: Instant): CallEventDraft => {
  switch (deadline.mark) {
    case 'callMissed':
      return {
        type: 'CallMarkedMissed',
        data: {
          callId: state.callId,
          incomingAt: deadline.since,
          answerTimeoutMs: deadline.boundMs,
          policyRecording: state.policyRecording !== undefined,
          deadline: deadline.due,
          markedAt: now,
        },
      };
    case 'operationStale':
      return {
        type: 'OperationMarkedStale',
        data: {
          callId: state.callId,
          operationId: deadline.operation.operationId,
          operationType: deadline.operation.operationType,
          status: deadline.operation.status,
          since: deadline.since,
          boundMs: deadline.boundMs,
          deadline: deadline.due,
          markedAt: now,
        },
      };
    case 'callStale':
      return {
        type: 'CallMarkedStale',
        data: {
          callId: state.callId,
          ...(state.state === undefined ? {} : { state: state.state }),
          lastActivityAt: deadline.since,
          keepAliveMs: deadline.boundMs,
          deadline: deadline.due,
          markedAt: now,
        },
      };
    default:
      return assertNever(deadline, 'deadline');
  }
};
