import {
  CallEvent,
  callIdFromStreamName,
  toCallView,
  toOperationView,
  uuidV5,
  withoutProtectedSecrets,
} from '@tracker/domain';
import { formatPosition, RecordedEvent } from '@tracker/event-store';
import type { FanoutRecord } from './fanout-record';
import { CallStateFolder, toCallEvent } from '@tracker/call-stream';

export interface CallTopics {
  readonly callState: string;
  readonly operationState: string;
  readonly callEvents: string;
}

/** CloudEvents `type` of each record kind; the version is part of the contract. */
export const ceType = {
  event: (type: string) => `comms.tracker.${type}.v1`,
  callState: 'comms.tracker.CallState.v1',
  operationState: 'comms.tracker.OperationState.v1',
} as const;

/** The three records one stored event becomes. */
export type RecordKind = 'event' | 'call-state' | 'operation-state';

/** Namespace of the state records' CloudEvents ids (a fixed, random UUID: never change it). */
const CE_ID_NAMESPACE = '94c01029-ea8d-4261-9681-a726ac48df53';

/**
 * The CloudEvents `id` of a record. CloudEvents identifies an event by `source` + `id`, and the
 * records of one stored event share `source`, so each kind needs its own id or a sink that merges
 * the topics and dedupes would drop state records. The event record is the stored event itself
 * and keeps its id (= `eventId` in the value); the state records get a UUID v5 of
 * `<stored event id>/<kind>`, so a republished record has the same id as the first time.
 */
export const ceId = (storedEventId: string, kind: RecordKind): string =>
  kind === 'event' ? storedEventId : uuidV5(`${storedEventId}/${kind}`, CE_ID_NAMESPACE);

/** What goes on `comms.call-events.v1`: the domain event, where it sits in the store, nothing secret. */
export const eventValue = (event: CallEvent, stored: RecordedEvent) => {
  const data = withoutProtectedSecrets(event.data as unknown as Record<string, unknown>);
  return {
    eventId: stored.id,
    type: event.type,
    callId: event.metadata.callId,
    revision: Number(stored.revision),
    position: formatPosition(stored.position),
    recordedAt: event.metadata.recordedAt,
    notificationKey: event.metadata.notificationKey,
    data,
  };
};

/**
 * Maps each stored call event to its Kafka records: the event itself, the call's full state after
 * it, and the state of the operation it concerns. The state comes from the call-stream fold: the
 * state the writer reached with that very event when it was appended in this process, else folded
 * from the store, so it is exactly the state at that event whatever the read model is doing.
 */
export class CallRecordMapper {
  constructor(
    private readonly topics: CallTopics,
    /** The process's fold, shared with its write side (which hands over the states it reached). */
    private readonly folder: CallStateFolder,
  ) {}

  recordsFor = async (stored: RecordedEvent): Promise<FanoutRecord[]> => {
    const callId = callIdFromStreamName(stored.streamId);
    if (!callId) return [];
    const event = toCallEvent(stored);
    const state = await this.folder.after(stored);
    const headers = (kind: RecordKind, type: string, subject: string) => ({
      ce_specversion: '1.0',
      ce_id: ceId(stored.id, kind),
      ce_type: type,
      ce_source: `/comms-tracker/calls/${callId}`,
      ce_subject: subject,
      ce_time: event.metadata.recordedAt,
      // extension attribute: the stored event every record of it comes from
      ce_storedeventid: stored.id,
      'content-type': 'application/json',
      store_position: formatPosition(stored.position),
      store_revision: stored.revision.toString(),
    });
    const records: FanoutRecord[] = [
      {
        topic: this.topics.callEvents,
        key: callId,
        value: JSON.stringify(eventValue(event, stored)),
        headers: headers('event', ceType.event(event.type), callId),
      },
      {
        topic: this.topics.callState,
        key: callId,
        value: JSON.stringify(toCallView(state)),
        headers: headers('call-state', ceType.callState, callId),
      },
    ];
    const operationId = (event.data as { operationId?: unknown }).operationId;
    const operation = typeof operationId === 'string' ? state.operations[operationId] : undefined;
    if (operation) {
      records.push({
        topic: this.topics.operationState,
        key: operation.operationId,
        value: JSON.stringify(toOperationView(operation, callId)),
        headers: headers('operation-state', ceType.operationState, operation.operationId),
      });
    }
    return records;
  };
}
