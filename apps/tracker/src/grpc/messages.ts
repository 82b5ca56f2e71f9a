import type { CallView, OperationView } from '@tracker/domain';

/** `comms.tracker.v1.Call`, as the proto-loader serialises it (camelCase; null leaves it unset). */
export interface CallMessage {
  readonly callId: string;
  readonly rawCallIds: readonly string[];
  readonly streamName: string;
  readonly source: string | null;
  readonly state: string | null;
  readonly rawState: string | null;
  readonly final: boolean;
  readonly direction: string | null;
  readonly onHoldParticipantId: string | null;
  readonly operationIds: readonly string[];
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly lastActivityAt: string | null;
  readonly stateChangedAt: string | null;
  readonly terminatedAt: string | null;
  readonly missedAt: string | null;
  readonly staleAt: string | null;
  readonly version: number;
  readonly participantCount: number;
  readonly viewJson: string;
}

/** `comms.tracker.v1.Operation`. */
export interface OperationMessage {
  readonly operationId: string;
  readonly rawOperationIds: readonly string[];
  readonly operationIdSource: string;
  readonly callId: string;
  readonly platform: string;
  readonly type: string;
  readonly rawType: string | null;
  readonly status: string;
  readonly finished: boolean;
  readonly outcome: string | null;
  readonly completionReason: string | null;
  readonly clientContext: string | null;
  readonly operationContext: string | null;
  readonly participantId: string | null;
  readonly firstSeenAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly durationMs: number | null;
  readonly staleMarkedAt: string | null;
  readonly updatedAt: string;
  readonly viewJson: string;
}

export interface HistoryEventMessage {
  readonly revision: number;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly storedAt: string;
  readonly dataJson: string;
  readonly metadataJson: string;
}

export const toCallMessage = (view: CallView): CallMessage => ({
  callId: view.callId,
  rawCallIds: view.rawCallIds,
  streamName: view.streamName,
  source: view.source,
  state: view.state,
  rawState: view.rawState,
  final: view.final,
  direction: view.direction,
  onHoldParticipantId: view.onHoldParticipantId,
  operationIds: view.operationIds,
  createdAt: view.createdAt,
  updatedAt: view.updatedAt,
  lastActivityAt: view.lastActivityAt,
  stateChangedAt: view.stateChangedAt,
  terminatedAt: view.terminatedAt,
  missedAt: view.marks.missedAt,
  staleAt: view.marks.staleAt,
  version: view.version,
  participantCount: view.participants.length,
  viewJson: JSON.stringify(view),
});

export const toOperationMessage = (view: OperationView): OperationMessage => ({
  operationId: view.operationId,
  rawOperationIds: view.rawOperationIds,
  operationIdSource: view.operationIdSource,
  callId: view.callId,
  platform: view.platform,
  type: view.type,
  rawType: view.rawType,
  status: view.status,
  finished: view.finished,
  outcome: view.outcome,
  completionReason: view.completionReason,
  clientContext: view.clientContext,
  operationContext: view.operationContext,
  participantId: view.participantId,
  firstSeenAt: view.firstSeenAt,
  startedAt: view.startedAt,
  completedAt: view.completedAt,
  durationMs: view.durationMs,
  staleMarkedAt: view.staleMarkedAt,
  updatedAt: view.updatedAt,
  viewJson: JSON.stringify(view),
});
