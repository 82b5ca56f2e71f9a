// @tracker/domain: the pure call-tracking model. No I/O; time is always passed in.

// Ids and stream names
export { canonicalId, canonicalIdOrUndefined, idLookupKey, sameId } from './ids/canonical-id';
export { CALL_STREAM_CATEGORY, callIdFromStreamName, callStreamName } from './ids/stream-name';

// Keys, event ids, secrets
export {
  deadlineKey,
  notificationKey,
  type DeadlineMark,
  type NotificationSource,
} from './keys/notification-key';
export { EVENT_ID_NAMESPACE, eventIdFor } from './keys/event-id';
export {
  containsSecrets,
  redactSecrets,
  SECRET_KEYS,
  type Redaction,
} from './secrets/redact-secrets';
export { markRedacted, REDACTED_MARKER } from './secrets/mark-redacted';
export { withoutProtectedSecrets } from './secrets/without-protected-secrets';
export { canonicalJson } from './kernel/canonical-json';
export { uuidV5 } from './kernel/hashing';
export { toInstant, type Instant } from './kernel/instants';
export type { JsonObject, JsonValue } from './kernel/json';
export type { Open } from './kernel/enums';

// Vocabulary
export {
  ACS_CONNECTION_STATES,
  callStateRank,
  GRAPH_CALL_STATES,
  isFinalCallState,
  normalizeCallState,
  type CallStateValue,
  type KnownCallState,
} from './call/call-states';
export {
  ACS_OPERATION_TYPES,
  GRAPH_OPERATION_TYPES,
  operationTypeFromODataType,
  UNKNOWN_OPERATION_TYPE,
  type KnownOperationType,
  type OperationType,
} from './operations/operation-types';
export {
  normalizeOperationStatus,
  OPERATION_STATUSES,
  type OperationOutcome,
  type OperationStatus,
} from './operations/operation-status';
export { isFailureResult, parseResultInfo, type ResultInfo } from './result-info/result-info';
export { deriveAcsOperationId } from './operations/acs-operation-id';
export type { CallDetails, PartyInfo } from './call/call-details';
export type { PolicyRecordingMetadata, RecordingPartyRef } from './recording/policy-recording';
export type { ParticipantInfo, RosterMode } from './participants/participant-info';

// Parsing inputs into normalized notifications
export type * from './notifications/notification';
export type {
  InputError,
  ParsedNotification,
  ParseResult,
  SkippedInput,
} from './notifications/parse-result';
export {
  GRAPH_NOTIFICATION_RULES,
  parseGraphNotification,
  parseGraphNotifications,
} from './notifications/graph/parse-graph-notifications';
export type { MemberRule } from './notifications/limits/member-rules';
export { parseGraphResourcePath, type GraphResource } from './notifications/graph/resource-path';
export {
  ACS_EVENT_RULES,
  parseAcsEvent,
  parseAcsEvents,
} from './notifications/acs/parse-acs-events';
export {
  forIncomingCallRecord,
  incomingCallRecordOf,
} from './notifications/acs/incoming-call-record';
export {
  OPERATION_RESPONSE_RULES,
  parseOperationResponse,
} from './notifications/bot/parse-operation-response';

// Commands
export type * from './commands/commands';
export {
  checkDeadlines,
  recordCommand,
  recordCommands,
  type RecordOptions,
} from './commands/build-commands';
export { commandFromHistory } from './commands/replay-command';

// Events
export type { DomainEvent, EventDraft, EventMetadata } from './events/domain-event';
export type { NotificationReceived } from './events/notification-received';
export type * from './call/call-events';
export type * from './operations/operation-events';
export type * from './participants/participant-events';
export type * from './content-sharing/content-sharing-events';
export type * from './recording/recording-events';
export type * from './deadlines/deadline-events';
export {
  CALL_EVENT_TYPES,
  type CallEvent,
  type CallEventDraft,
  type CallEventType,
} from './events/call-event';

// State, decider
export {
  callStateFromJson,
  initialCallState,
  type CallMarks,
  type CallState,
} from './state/call-state';
export { KeySet } from './kernel/key-set';
export type { OperationRecording, OperationState } from './operations/operation-state';
export type { ParticipantState } from './participants/participant-state';
export type { ContentSharingState } from './content-sharing/content-sharing-state';
export type { CallRecordingState } from './recording/recording-state';
export { decide } from './decider/decide';
export { evolve, evolveAll, foldCall } from './decider/evolve';
export { isDuplicate } from './decider/is-duplicate';

// Deadlines
export {
  DEFAULT_DEADLINE_BOUNDS,
  deadlineBounds,
  operationBoundMs,
  type DeadlineBounds,
} from './deadlines/deadline-bounds';
export {
  nextDeadline,
  pendingDeadlines,
  type PendingDeadline,
} from './deadlines/pending-deadlines';

// Views
export { toCallView, type CallView, type RecordingFileView } from './views/call-view';
export {
  findOperation,
  toOperationView,
  toOperationViews,
  type OperationView,
} from './views/operation-view';

// Input limits, shared with the HTTP edge's DTOs so each rule is written once
export * from './notifications/limits/input-limits';
export * from './notifications/limits/json-shape';
