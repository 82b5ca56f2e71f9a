import { assertNever } from '../kernel/assert-never';
import type { CallEventDraft } from '../events/call-event';
import type { Instant } from '../kernel/instants';
import { own } from '../kernel/records';
import type { ContentSharingNotification } from '../notifications/notification';
import type { CallState } from '../state/call-state';

/**
 * `created` starts a session, `deleted` ends it, `updated` on a session not heard of shows it is
 * live. An ended session is never reopened.
 */
export const decideContentSharing = (
  notification: ContentSharingNotification,
  state: CallState,
  at: Instant,
): CallEventDraft[] => {
  const session = own(state.contentSharingSessions, notification.sessionId);
  const ids = {
    callId: state.callId,
    sessionId: notification.sessionId,
    rawSessionId: notification.rawSessionId,
  };
  switch (notification.phase) {
    case 'started':
      return session?.startedAt === undefined
        ? [{ type: 'ContentSharingStarted', data: { ...ids, startedAt: at } }]
        : [];
    case 'updated':
      return session === undefined
        ? [{ type: 'ContentSharingStarted', data: { ...ids, startedAt: at } }]
        : [];
    case 'ended':
      return session?.endedAt === undefined
        ? [{ type: 'ContentSharingEnded', data: { ...ids, endedAt: at } }]
        : [];
    default:
      return assertNever(notification.phase, 'content sharing phase');
  }
};
