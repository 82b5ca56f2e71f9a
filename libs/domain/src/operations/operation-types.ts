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
