import type { KnownOperationType } from '../../operations/operation-types';

/** What an ACS event says about an operation: which kind, and how far it got. */
export interface AcsOperationEventKind {
  readonly operationType: KnownOperationType;
  /** `status`: the event's own `status` member says it (2021-08-30-preview result events). */
  readonly progress: 'started' | 'completed' | 'failed' | 'canceled' | 'status' | 'update';
}

/**
 * ACS Call Automation event names (without the `Microsoft.Communication.` prefix) that report on
 * an operation. Canceled media operations are completed with completion reason `canceled`, as
 * Graph completes a canceled prompt with `mediaOperationCanceled`.
 */
export const ACS_OPERATION_EVENTS: Readonly<Record<string, AcsOperationEventKind>> = {
  PlayStarted: { operationType: 'play', progress: 'started' },
  PlayCompleted: { operationType: 'play', progress: 'completed' },
  PlayFailed: { operationType: 'play', progress: 'failed' },
  PlayCanceled: { operationType: 'play', progress: 'canceled' },
  PlayAudioResult: { operationType: 'play', progress: 'status' },
  RecognizeCompleted: { operationType: 'recognize', progress: 'completed' },
  RecognizeFailed: { operationType: 'recognize', progress: 'failed' },
  RecognizeCanceled: { operationType: 'recognize', progress: 'canceled' },
  SendDtmfTonesCompleted: { operationType: 'sendDtmfTones', progress: 'completed' },
  SendDtmfTonesFailed: { operationType: 'sendDtmfTones', progress: 'failed' },
  AddParticipantSucceeded: { operationType: 'addParticipant', progress: 'completed' },
  AddParticipantFailed: { operationType: 'addParticipant', progress: 'failed' },
  AddParticipantResult: { operationType: 'addParticipant', progress: 'status' },
  RemoveParticipantSucceeded: { operationType: 'removeParticipant', progress: 'completed' },
  RemoveParticipantFailed: { operationType: 'removeParticipant', progress: 'failed' },
  CancelAddParticipantSucceeded: { operationType: 'cancelAddParticipant', progress: 'completed' },
  CancelAddParticipantFailed: { operationType: 'cancelAddParticipant', progress: 'failed' },
  CallTransferAccepted: { operationType: 'transfer', progress: 'completed' },
  CallTransferFailed: { operationType: 'transfer', progress: 'failed' },
  HoldFailed: { operationType: 'hold', progress: 'failed' },
  UnholdFailed: { operationType: 'unhold', progress: 'failed' },
  StartRecordingFailed: { operationType: 'recording', progress: 'failed' },
  MediaStreamingStarted: { operationType: 'mediaStreaming', progress: 'started' },
  MediaStreamingStopped: { operationType: 'mediaStreaming', progress: 'completed' },
  MediaStreamingFailed: { operationType: 'mediaStreaming', progress: 'failed' },
  TranscriptionStarted: { operationType: 'transcription', progress: 'started' },
  TranscriptionStopped: { operationType: 'transcription', progress: 'completed' },
  TranscriptionFailed: { operationType: 'transcription', progress: 'failed' },
  DialogStarted: { operationType: 'dialog', progress: 'started' },
  DialogCompleted: { operationType: 'dialog', progress: 'completed' },
  DialogFailed: { operationType: 'dialog', progress: 'failed' },
};

/**
 * Any other `Dialog*` event (`DialogConsent`, `DialogHangup`, `DialogTransfer`,
 * `DialogSensitivityUpdate`, `DialogLanguageChange`, and those to come) reports on a dialog that
 * is running: it neither starts nor ends it.
 */
const DIALOG_UPDATE: AcsOperationEventKind = { operationType: 'dialog', progress: 'update' };

/** Events that say the call connection itself ended, or never came up. */
export const ACS_CALL_ENDED_EVENTS = new Set([
  'CallDisconnected',
  'CreateCallFailed',
  'AnswerFailed',
  'ConnectFailed',
]);

export const ACS_EVENT_PREFIX = /^Microsoft\.Communication\./i;

export const acsEventName = (type: string): string => type.replace(ACS_EVENT_PREFIX, '');

/** Event names match whatever case the sender used. */
export const lookupAcsOperationEvent = (name: string): AcsOperationEventKind | undefined => {
  const lower = name.toLowerCase();
  const key = Object.keys(ACS_OPERATION_EVENTS).find(
    (candidate) => candidate.toLowerCase() === lower,
  );
  if (key !== undefined) return ACS_OPERATION_EVENTS[key];
  return lower.startsWith('dialog') ? DIALOG_UPDATE : undefined;
};

export const isAcsCallEndedEvent = (name: string): boolean =>
  [...ACS_CALL_ENDED_EVENTS].some((candidate) => candidate.toLowerCase() === name.toLowerCase());
