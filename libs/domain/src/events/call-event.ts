import type { CallLifecycleEvent } from '../call/call-events';
import type { ContentSharingEvent } from '../content-sharing/content-sharing-events';
import type { DeadlineEvent } from '../deadlines/deadline-events';
import type { OperationEvent } from '../operations/operation-events';
import type { ParticipantEvent } from '../participants/participant-events';
import type { CallRecordingStateChanged } from '../recording/recording-events';
import type { EventDraft } from './domain-event';
import type { NotificationReceived } from './notification-received';

/** Every event of a call stream: the public contract of `comms.call-events.v1`. */
export type CallEvent =
  | NotificationReceived
  | CallLifecycleEvent
  | OperationEvent
  | ParticipantEvent
  | ContentSharingEvent
  | CallRecordingStateChanged
  | DeadlineEvent;

export type CallEventType = CallEvent['type'];

export type CallEventDraft = EventDraft<CallEvent>;

/** All event type names, e.g. for a consumer's schema registry or a CLI filter. */
export const CALL_EVENT_TYPES = [
  'NotificationReceived',
  'CallStateChanged',
  'CallTerminated',
  'CallAnswered',
  'CallDetailsRecorded',
  'PolicyRecordingMetadataRecorded',
  'OperationStarted',
  'OperationStatusChanged',
  'OperationDetailsRecorded',
  'OperationCompleted',
  'OperationFailed',
  'RecordingLocationAvailable',
  'OperationEndedWithCall',
  'OperationTypeConflictSeen',
  'ParticipantJoined',
  'ParticipantUpdated',
  'ParticipantLeft',
  'ContentSharingStarted',
  'ContentSharingEnded',
  'CallRecordingStateChanged',
  'CallMarkedMissed',
  'OperationMarkedStale',
  'CallMarkedStale',
] as const satisfies readonly CallEventType[];

/** Compile-time check that the list above names every member of the union. */
type Missing = Exclude<CallEventType, (typeof CALL_EVENT_TYPES)[number]>;
const _everyTypeListed: Missing extends never ? true : Missing = true;
void _everyTypeListed;
