import { normalizeEnum, type Open } from '../kernel/enums';

/** Graph `commsOperation` subtypes, named after their action (`#microsoft.graph.<name>Operation`). */
export const GRAPH_OPERATION_TYPES = [
  'playPrompt',
  'recordResponse',
  'startHoldMusic',
  'stopHoldMusic',
  'subscribeToTone',
  'cancelMediaProcessing',
  'updateRecordingStatus',
  'muteParticipant',
  'unmuteParticipant',
  'inviteParticipants',
  'addLargeGalleryView',
  'sendDtmfTones',
] as const;

/** ACS Call Automation operations, named after the action that starts them. */
export const ACS_OPERATION_TYPES = [
  'play',
  'recognize',
  'sendDtmfTones',
  'addParticipant',
  'removeParticipant',
  'cancelAddParticipant',
  'transfer',
  'hold',
  'unhold',
  'recording',
  'mediaStreaming',
  'transcription',
  'cancelAllMediaOperations',
  'continuousDtmfRecognition',
  'stopRecording',
  'dialog',
] as const;

export type KnownOperationType =
  (typeof GRAPH_OPERATION_TYPES)[number] | (typeof ACS_OPERATION_TYPES)[number];

/** New Graph operation types are kept under the name their `@odata.type` gives them. */
export type OperationType = Open<KnownOperationType> | typeof UNKNOWN_OPERATION_TYPE;

/** A completion without `@odata.type` does not say what it completes; a later fact may. */
export const UNKNOWN_OPERATION_TYPE = 'unknown';

const KNOWN_TYPES: readonly KnownOperationType[] = [
  ...GRAPH_OPERATION_TYPES,
  ...ACS_OPERATION_TYPES,
];

/** Graph calls the recordResponse action's operation `recordOperation`. */
const ALIASES: Readonly<Record<string, KnownOperationType>> = { record: 'recordResponse' };

/**
 * `#microsoft.graph.playPromptOperation` → `playPrompt`, `#microsoft.graph.recordOperation` →
 * `recordResponse`; the generic `commsOperation` (or no type) → `unknown`; a new subtype keeps its
 * own name (`#microsoft.graph.fooBarOperation` → `fooBar`).
 */
export const operationTypeFromODataType = (odataType: string | undefined): OperationType => {
  if (odataType === undefined) return UNKNOWN_OPERATION_TYPE;
  const name = odataType.replace(/^#?microsoft\.graph\./i, '').replace(/Operation$/i, '');
  if (name === '' || name.toLowerCase() === 'comms') return UNKNOWN_OPERATION_TYPE;
  return normalizeOperationType(name);
};

export const normalizeOperationType = (name: string): OperationType => {
  const alias = Object.entries(ALIASES).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return alias ? alias[1] : normalizeEnum(name, KNOWN_TYPES);
};

/** Operations whose completion changes a participant's hold state. */
export const HOLD_MUSIC_OPERATIONS = { start: 'startHoldMusic', stop: 'stopHoldMusic' } as const;

/**
 * What the bot may name with `?action=` (the action it called) and the operation type that action
 * starts. Several SDK spellings name one action (`playAudio` in the 2021 preview, `play` and
 * `playToAll` since); names not listed are kept as given (a new action is a new type).
 */
const ACTION_TYPES: Readonly<Record<string, KnownOperationType>> = {
  playAudio: 'play',
  play: 'play',
  playToAll: 'play',
  playPrompt: 'playPrompt',
  recordResponse: 'recordResponse',
  record: 'recordResponse',
  recognize: 'recognize',
  startRecognizing: 'recognize',
  sendDtmfTones: 'sendDtmfTones',
  sendDtmf: 'sendDtmfTones',
  startContinuousDtmfRecognition: 'continuousDtmfRecognition',
  transfer: 'transfer',
  transferToParticipant: 'transfer',
  transferCallToParticipant: 'transfer',
  addParticipant: 'addParticipant',
  removeParticipant: 'removeParticipant',
  cancelAddParticipant: 'cancelAddParticipant',
  cancelAddParticipantOperation: 'cancelAddParticipant',
  cancelAllMediaOperations: 'cancelAllMediaOperations',
  hold: 'hold',
  unhold: 'unhold',
  startRecording: 'recording',
  stopRecording: 'stopRecording',
  startDialog: 'dialog',
  startHoldMusic: 'startHoldMusic',
  stopHoldMusic: 'stopHoldMusic',
  subscribeToTone: 'subscribeToTone',
  cancelMediaProcessing: 'cancelMediaProcessing',
  updateRecordingStatus: 'updateRecordingStatus',
  mute: 'muteParticipant',
  unmute: 'unmuteParticipant',
  invite: 'inviteParticipants',
};

/** `playAudio` → `play`, `startDialog` → `dialog`, any case; an unknown action keeps its name. */
export const operationTypeFromAction = (action: string): OperationType => {
  const lower = action.toLowerCase();
  const known = Object.entries(ACTION_TYPES).find(([name]) => name.toLowerCase() === lower);
  return known ? known[1] : normalizeOperationType(action);
};
