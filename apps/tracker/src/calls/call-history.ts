import { callStreamName, withoutProtectedSecrets } from '@tracker/domain';
import { EventStore, formatPosition } from '@tracker/event-store';

export interface HistoryEntry {
  readonly revision: number;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly storedAt: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/**
 * A call's stream as stored (notifications as received, secrets removed, then what was decided),
 * for REST and gRPC alike. Empty when the call is unknown.
 */
export const readCallHistory = async (store: EventStore, callId: string): Promise<HistoryEntry[]> =>
  (await store.readStream(callStreamName(callId))).map((e) => ({
    revision: Number(e.revision),
    position: formatPosition(e.position),
    eventId: e.id,
    type: e.type,
    storedAt: e.created.toISOString(),
    data: withoutProtectedSecrets(e.data),
    metadata: e.metadata,
  }));
