// Spec-only helpers: realistic inputs and the commands they become.
import { recordCommands } from '../commands/build-commands';
import type { RecordNotification } from '../commands/commands';
import { parseAcsEvents } from '../notifications/acs/parse-acs-events';
import { parseOperationResponse } from '../notifications/bot/parse-operation-response';
import { parseGraphNotifications } from '../notifications/graph/parse-graph-notifications';
import type { ParseResult } from '../notifications/parse-result';

const BASE = Date.parse('2024-05-01T10:00:00.000Z');

/** An instant `seconds` after a fixed origin. */
export const at = (seconds: number): string => new Date(BASE + seconds * 1000).toISOString();

const commandsOf = (result: ParseResult, receivedAt: string): RecordNotification[] => {
  if (!result.ok) throw new Error(`unexpected parse errors: ${JSON.stringify(result.errors)}`);
  return recordCommands(result.notifications, receivedAt);
};

const single = (commands: RecordNotification[]): RecordNotification => {
  if (commands.length !== 1) throw new Error(`expected one command, got ${commands.length}`);
  return commands[0];
};

export const graphCommands = (body: unknown, receivedAt: string) =>
  commandsOf(parseGraphNotifications(body), receivedAt);
export const graphCommand = (body: unknown, receivedAt: string) =>
  single(graphCommands(body, receivedAt));
export const acsCommands = (body: unknown, receivedAt: string) =>
  commandsOf(parseAcsEvents(body), receivedAt);
export const acsCommand = (body: unknown, receivedAt: string) =>
  single(acsCommands(body, receivedAt));
export const botCommand = (callId: string, body: unknown, receivedAt: string, action?: string) =>
  single(commandsOf(parseOperationResponse(callId, body, action), receivedAt));

export const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
export const CALL_IN_URL = '57DAB8B1894C409AB240BD8BEAE78896';
export const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';
export const OPERATION_IN_URL = '0FE0623FD62842EDB4BD8AC290072CC5';

/** A `commsNotifications` batch. */
export const batch = (...value: unknown[]) => ({
  '@odata.type': '#microsoft.graph.commsNotifications',
  value,
});

export const callNotification = (
  state: string,
  options: { changeType?: string; callId?: string; extra?: Record<string, unknown> } = {},
) =>
  batch({
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: options.changeType ?? 'updated',
    resourceUrl: `/communications/calls/${options.callId ?? CALL_IN_URL}`,
    resourceData: {
      '@odata.type': '#microsoft.graph.call',
      state,
      ...options.extra,
    },
  });

export const operationNotification = (
  resourceData: Record<string, unknown>,
  options: { changeType?: string; callId?: string; operationId?: string } = {},
) =>
  batch({
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: options.changeType ?? 'deleted',
    resourceUrl: `/communications/calls/${options.callId ?? CALL_IN_URL}/operations/${options.operationId ?? OPERATION_IN_URL}`,
    resourceData,
  });

/** The id of a call's `n`th prompt in `playPrompt` (ids like OPERATION's, numbered). */
export const promptId = (n: number): string =>
  `0fe0623f-d628-42ed-b4bd-${String(n).padStart(12, '0')}`;

/** Graph's notification of a call's `n`th prompt: running (updated) or completed (deleted). */
export const playPrompt = (n: number, status: 'running' | 'completed', callId?: string) =>
  operationNotification(
    { '@odata.type': '#microsoft.graph.playPromptOperation', status },
    {
      callId,
      operationId: promptId(n),
      changeType: status === 'completed' ? 'deleted' : 'updated',
    },
  );

export const participant = (
  id: string,
  flags: { isMuted?: boolean; isOnHold?: boolean; isInLobby?: boolean; name?: string } = {},
) => ({
  '@odata.type': '#microsoft.graph.participant',
  id,
  info: {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: { user: { id: `user-${id}`, displayName: flags.name ?? `User ${id}` } },
  },
  isMuted: flags.isMuted ?? false,
  ...(flags.isOnHold === undefined ? {} : { isOnHold: flags.isOnHold }),
  ...(flags.isInLobby === undefined ? {} : { isInLobby: flags.isInLobby }),
});

export const roster = (
  participants: unknown[],
  options: { changeType?: string; callId?: string } = {},
) =>
  batch({
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: options.changeType ?? 'updated',
    resourceUrl: `/communications/calls/${options.callId ?? CALL_IN_URL}/participants`,
    resourceData: participants,
  });

export const ACS_CALL = '421f0b00-a1b2-4c3d-8e9f-0a1b2c3d4e5f';

/** One ACS Call Automation CloudEvent. */
export const acsEvent = (
  name: string,
  data: Record<string, unknown> = {},
  id = `${name}-1`,
  callConnectionId = ACS_CALL,
) => ({
  id,
  source: `calling/callConnections/${callConnectionId}`,
  type: `Microsoft.Communication.${name}`,
  subject: `calling/callConnections/${callConnectionId}`,
  time: '2024-05-01T10:00:00.000Z',
  specversion: '1.0',
  datacontenttype: 'application/json',
  data: {
    callConnectionId,
    serverCallId: 'aHR0cHM6Ly9jb252LXVzd2UtMDEuY29udi5za3lwZS5jb20vY29udi94eXo',
    correlationId: 'c0ffee00-1111-4222-8333-444455556666',
    ...data,
  },
});
