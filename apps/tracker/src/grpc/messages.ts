import type { CallView, OperationView } from '@tracker/domain';
import type { HistoryEntry } from '../calls/call-history';

/**
 * `comms.tracker.v1.Call` with the field names of the .proto (proto-loader `keepCase`); null leaves
 * an `optional` field unset.
 */
export interface CallMessage {
  readonly call_id: string;
  readonly raw_call_ids: readonly string[];
  readonly stream_name: string;
  readonly source: string | null;
  readonly state: string | null;
  readonly raw_state: string | null;
  readonly final: boolean;
  readonly direction: string | null;
  readonly on_hold_participant_id: string | null;
  readonly operation_ids: readonly string[];
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly last_activity_at: string | null;
  readonly state_changed_at: string | null;
  readonly terminated_at: string | null;
  readonly missed_at: string | null;
  readonly stale_at: string | null;
  readonly version: number;
  readonly participant_count: number;
  readonly view_json: string;
  readonly answered_at: string | null;
  readonly missed: boolean;
}

/** `comms.tracker.v1.Operation`. */
export interface OperationMessage {
  readonly operation_id: string;
  readonly raw_operation_ids: readonly string[];
  readonly operation_id_source: string;
  readonly call_id: string;
  readonly platform: string;
  readonly type: string;
  readonly raw_type: string | null;
  readonly status: string;
  readonly finished: boolean;
  readonly outcome: string | null;
  readonly completion_reason: string | null;
  readonly client_context: string | null;
  readonly operation_context: string | null;
  readonly participant_id: string | null;
  readonly first_seen_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly duration_ms: number | null;
  readonly stale_marked_at: string | null;
  readonly updated_at: string;
  readonly view_json: string;
}

export interface HistoryEventMessage {
  readonly revision: number;
  readonly position: string;
  readonly event_id: string;
  readonly type: string;
  readonly stored_at: string;
  readonly data_json: string;
  readonly metadata_json: string;
}

export const toCallMessage = (view: CallView): CallMessage => ({
  call_id: view.callId,
  raw_call_ids: view.rawCallIds,
  stream_name: view.streamName,
  source: view.source,
  state: view.state,
  raw_state: view.rawState,
  final: view.final,
  direction: view.direction,
  on_hold_participant_id: view.onHoldParticipantId,
  operation_ids: view.operationIds,
  created_at: view.createdAt,
  updated_at: view.updatedAt,
  last_activity_at: view.lastActivityAt,
  state_changed_at: view.stateChangedAt,
  terminated_at: view.terminatedAt,
  missed_at: view.marks.missedAt,
  stale_at: view.marks.staleAt,
  version: view.version,
  participant_count: view.participants.length,
  view_json: JSON.stringify(view),
  answered_at: view.answeredAt,
  missed: view.marks.missed,
});

export const toOperationMessage = (view: OperationView): OperationMessage => ({
  operation_id: view.operationId,
  raw_operation_ids: view.rawOperationIds,
  operation_id_source: view.operationIdSource,
  call_id: view.callId,
  platform: view.platform,
  type: view.type,
  raw_type: view.rawType,
  status: view.status,
  finished: view.finished,
  outcome: view.outcome,
  completion_reason: view.completionReason,
  client_context: view.clientContext,
  operation_context: view.operationContext,
  participant_id: view.participantId,
  first_seen_at: view.firstSeenAt,
  started_at: view.startedAt,
  completed_at: view.completedAt,
  duration_ms: view.durationMs,
  stale_marked_at: view.staleMarkedAt,
  updated_at: view.updatedAt,
  view_json: JSON.stringify(view),
});

export const toHistoryEventMessage = (entry: HistoryEntry): HistoryEventMessage => ({
  revision: entry.revision,
  position: entry.position,
  event_id: entry.eventId,
  type: entry.type,
  stored_at: entry.storedAt,
  data_json: JSON.stringify(entry.data ?? null),
  metadata_json: JSON.stringify(entry.metadata ?? null),
});
