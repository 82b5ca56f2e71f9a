import type { CallDetails } from '../call/call-details';
import type { Instant } from '../kernel/instants';
import type { CallStateValue } from '../call/call-states';
import type { NotificationSource } from '../keys/notification-key';
import type { OperationOutcome, OperationStatus } from '../operations/operation-status';
import type { OperationType } from '../operations/operation-types';
import type { ParticipantInfo, RosterMode } from '../participants/participant-info';
import type { PolicyRecordingMetadata } from '../recording/policy-recording';
import type { ResultInfo } from '../result-info/result-info';

/** Which platform a call lives on (a bot report is about a Graph or an ACS call). */
export type Platform = 'graph' | 'acs';

/** What every normalized notification says about where it came from and which call it is about. */
export interface NotificationEnvelope {
  /** Identity of the notification (see `notificationKey`): equal for a redelivery. */
  readonly key: string;
  readonly source: NotificationSource;
  readonly platform: Platform;
  readonly callId: string;
  readonly rawCallId: string;
  /** Graph `changeType` (`created`, `updated`, `deleted`; unknown values kept). */
  readonly changeType?: string;
  /** `@odata.type` of the resource, or the CloudEvent `type`, as received. */
  readonly rawType?: string;
  /** Facts about the call that any notification may carry (ACS ids on every event). */
  readonly details?: CallDetails;
  /** The platform's own time for the fact (ACS `time`, Event Grid `eventTime`), when it gives one. */
  readonly occurredAt?: Instant;
  /** The action the bot named with `?action=` when it reported a response (kept for replays). */
  readonly action?: string;
}

export interface CallNotification extends NotificationEnvelope {
  readonly type: 'call';
  readonly state?: CallStateValue;
  readonly rawState?: string;
  /** The call is over: Graph `deleted`/`terminated`, ACS `CallDisconnected`/`*Failed` to connect. */
  readonly ended: boolean;
  readonly resultInfo?: ResultInfo;
  readonly policyRecording?: PolicyRecordingMetadata;
}

export interface RecordingLocation {
  readonly location: string;
  /** The token itself is a credential and is never kept: only the fact that one was given. */
  readonly hasAccessToken: boolean;
}

export interface OperationNotification extends NotificationEnvelope {
  readonly type: 'operation';
  readonly operationId: string;
  /** The id as the platform spelled it; absent when the id is derived (ACS). */
  readonly rawOperationId?: string;
  readonly operationIdSource: 'platform' | 'derived';
  readonly operationType: OperationType;
  readonly rawOperationType?: string;
  /** `active` while it runs; `finished` once it completed or failed (never reopened). */
  readonly phase: 'active' | 'finished';
  readonly status: OperationStatus;
  /** Set when `phase` is `finished`. */
  readonly outcome?: OperationOutcome;
  readonly completionReason?: string;
  readonly resultInfo?: ResultInfo;
  readonly clientContext?: string;
  readonly operationContext?: string;
  /** Participant the operation acts on, when known (hold music, add/remove participant). */
  readonly participantId?: string;
  readonly recording?: RecordingLocation;
}

export interface RosterNotification extends NotificationEnvelope {
  readonly type: 'roster';
  readonly mode: RosterMode;
  readonly participants: readonly ParticipantInfo[];
  /** ACS numbers roster updates: an older roster arriving late is ignored. */
  readonly sequenceNumber?: number;
}

export interface ContentSharingNotification extends NotificationEnvelope {
  readonly type: 'contentSharing';
  readonly sessionId: string;
  readonly rawSessionId: string;
  readonly phase: 'started' | 'ended' | 'updated';
}

export interface RecordingStateNotification extends NotificationEnvelope {
  readonly type: 'recordingState';
  readonly recordingId?: string;
  /** ACS `active`/`inactive` (unknown values kept). */
  readonly state: string;
  readonly startedAt?: string;
  readonly recordingKind?: string;
}

/** A notification about a call that the tracker keeps but draws no conclusion from. */
export interface UnrecognizedNotification extends NotificationEnvelope {
  readonly type: 'unrecognized';
  readonly reason: string;
}

export type Notification =
  | CallNotification
  | OperationNotification
  | RosterNotification
  | ContentSharingNotification
  | RecordingStateNotification
  | UnrecognizedNotification;

export type NotificationType = Notification['type'];
