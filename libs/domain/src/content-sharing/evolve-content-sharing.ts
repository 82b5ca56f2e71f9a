import { earliest } from '../kernel/instants';
import { compact } from '../kernel/objects';
import { own, sortedUnion, withEntry } from '../kernel/records';
import type { CallState } from '../state/call-state';
import type { ContentSharingEvent } from './content-sharing-events';
import type { ContentSharingState } from './content-sharing-state';

export const evolveContentSharing = (state: CallState, event: ContentSharingEvent): CallState => {
  const { sessionId, rawSessionId } = event.data;
  const current: ContentSharingState = own(state.contentSharingSessions, sessionId) ?? {
    sessionId,
    rawSessionIds: [],
    active: true,
  };
  const withSpelling = {
    ...current,
    rawSessionIds: sortedUnion(current.rawSessionIds, rawSessionId),
  };
  const next: ContentSharingState =
    event.type === 'ContentSharingStarted'
      ? {
          ...withSpelling,
          startedAt: earliest(current.startedAt, event.data.startedAt),
          // A start learnt after the end does not reopen the session.
          active: current.endedAt === undefined,
        }
      : { ...withSpelling, endedAt: current.endedAt ?? event.data.endedAt, active: false };
  return {
    ...state,
    contentSharingSessions: withEntry(state.contentSharingSessions, sessionId, compact(next)),
  };
};
