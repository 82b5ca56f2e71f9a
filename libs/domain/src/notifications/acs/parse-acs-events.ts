import { partyFromAcsIdentifier } from '../../call/call-details';
import { isFinalCallState, normalizeCallState } from '../../call/call-states';
import { canonicalId } from '../../ids/canonical-id';
import { assertNever } from '../../kernel/assert-never';
import { normalizeEnum } from '../../kernel/enums';
import { field, isRecord, numberField, stringField, type UnknownRecord } from '../../kernel/json';
import { toInstant } from '../../kernel/instants';
import { compact } from '../../kernel/objects';
import { acsEventKey } from '../../keys/acs-event-key';
import { acsOperationIdentity } from '../../operations/acs-operation-id';
import {
  isTerminalStatus,
  normalizeOperationStatus,
  type OperationOutcome,
} from '../../operations/operation-status';
import { parseResultInfo } from '../../result-info/result-info';
import { redactSecrets } from '../../secrets/redact-secrets';
import { checkContexts, checkNotificationLimits, checkShape } from '../limits/check-notification';
import { ID_RULE, isValidId } from '../limits/input-limits';
import {
  checkBatchSize,
  checkMembers,
  envelopeError,
  type MemberRule,
} from '../limits/member-rules';
import type { Notification, NotificationEnvelope, OperationNotification } from '../notification';
import {
  malformed,
  parsed,
  type InputError,
  type ParsedNotification,
  type ParseResult,
  type SkippedInput,
} from '../parse-result';
import {
  acsEventName,
  isAcsCallEndedEvent,
  lookupAcsOperationEvent,
  type AcsOperationEventKind,
} from './acs-event-types';
import { acsParticipant, acsParticipants } from './acs-participants';

export const RECORDING_STATES = ['active', 'inactive'] as const;

/**
 * What the envelope of each event in an array fixes: a CloudEvent (`type`, `source`, `time`) or an
 * Event Grid schema event (`eventType`, `topic`, `eventTime`), with an id and a `data` object.
 */
export const ACS_EVENT_RULES: readonly MemberRule[] = [
  { name: 'id', type: 'id', label: 'event id', required: true },
  {
    name: 'type',
    type: 'string',
    maxLength: 256,
    nonEmpty: true,
    required: { unless: 'eventType' },
  },
  { name: 'eventType', type: 'string', maxLength: 256, nonEmpty: true },
  { name: 'topic', type: 'string', maxLength: 2048 },
  { name: 'eventTime', type: 'string', maxLength: 64 },
  { name: 'source', type: 'string', maxLength: 2048 },
  { name: 'subject', type: 'string', maxLength: 2048 },
  { name: 'time', type: 'string', maxLength: 64 },
  { name: 'data', type: 'object', required: true },
];

/**
 * What ACS POSTs to the callback: an array of CloudEvents (several per POST happen), a single
 * CloudEvent, Event Grid schema events (`eventType`/`eventTime`), or a bare 2021-08-30-preview
 * operation result such as `PlayAudioResult` (`{ operationId, status, operationContext,
 * resultInfo, callConnectionId }`). Events that name no call connection are skipped, not refused.
 */
export const parseAcsEvents = (body: unknown): ParseResult => {
  if (!Array.isArray(body) && !isRecord(body)) {
    return malformed([envelopeError('', 'body must be a CloudEvent array or an event object')]);
  }
  const shape = checkShape(body);
  if (shape !== undefined) return malformed([shape]);
  const size = Array.isArray(body) ? checkBatchSize(body, '', 'events') : undefined;
  if (size !== undefined) return malformed([size]);
  // In an array every element is a full event; a single object may be a bare preview result.
  const items: [unknown, string, readonly MemberRule[]][] = Array.isArray(body)
    ? body.map((event, index) => [event, `/${index}`, ACS_EVENT_RULES])
    : [[body, '', []]];
  const notifications: ParsedNotification[] = [];
  const skipped: SkippedInput[] = [];
  const errors: InputError[] = [];
  for (const [event, pointer, rules] of items) {
    const envelopeProblem = isRecord(event) ? checkMembers(event, rules, pointer) : undefined;
    if (envelopeProblem !== undefined) {
      errors.push(envelopeProblem);
      continue;
    }
    const result = parseAcsEvent(event, pointer);
    if ('error' in result) errors.push(result.error);
    else if ('skipped' in result) skipped.push(result.skipped);
    else notifications.push(result.parsed);
  }
  return errors.length > 0 ? malformed(errors) : parsed(notifications, skipped);
};

type EventResult =
  { parsed: ParsedNotification } | { skipped: SkippedInput } | { error: InputError };

export const parseAcsEvent = (event: unknown, pointer = ''): EventResult => {
  if (!isRecord(event)) return { error: envelopeError(pointer, 'an event must be an object') };
  const id = stringField(event, 'id');
  if (id !== undefined && !isValidId(id)) {
    return { error: { path: `${pointer}/id`, message: `event id ${ID_RULE}` } };
  }
  const type = stringField(event, 'type', 'eventType');
  if (type !== undefined) return withinLimits(cloudEvent(event, type, pointer), event, pointer);
  if (isPreviewResult(event)) return withinLimits(previewResult(event, pointer), event, pointer);
  return {
    error: {
      path: `${pointer}/type`,
      message: 'not a CloudEvent ("type" is missing) nor a 2021-08-30-preview operation result',
    },
  };
};

/** What was read out of an event, and its contexts wherever they are, must be within the limits. */
const withinLimits = (result: EventResult, event: UnknownRecord, pointer: string): EventResult => {
  if (!('parsed' in result)) return result;
  const data = field(event, 'data');
  const [tooBig] = [
    ...checkContexts(event, pointer),
    ...(isRecord(data) ? checkContexts(data, `${pointer}/${dataMemberName(event)}`) : []),
    ...checkNotificationLimits(
      result.parsed.notification,
      event,
      pointer,
      '/data/callConnectionId',
    ),
  ];
  return tooBig === undefined ? result : { error: tooBig };
};

const dataMemberName = (event: UnknownRecord): string =>
  Object.hasOwn(event, 'data')
    ? 'data'
    : (Object.keys(event).find((key) => key.toLowerCase() === 'data') ?? 'data');

const cloudEvent = (event: UnknownRecord, type: string, pointer: string): EventResult => {
  const data = field(event, 'data');
  if (/^Microsoft\.EventGrid\./i.test(type)) return eventGridSystemEvent(type, data, pointer);
  if (!isRecord(data)) {
    return { error: { path: `${pointer}/data`, message: `data of "${type}" must be an object` } };
  }
  const rawCallId = isIncomingCall(type)
    ? // The call has no connection before it is answered: its record starts under the call's
      // correlation id, which every later event of the call repeats.
      stringField(data, 'correlationId')
    : (stringField(data, 'callConnectionId', 'callLegId') ??
      callConnectionIn(stringField(event, 'subject')) ??
      callConnectionIn(stringField(event, 'source')));
  if (rawCallId === undefined) {
    const missing = isIncomingCall(type) ? 'correlationId' : 'callConnectionId';
    return {
      skipped: {
        path: pointer,
        reason: `no ${missing}: cannot be filed under a call`,
        rawType: type,
      },
    };
  }
  const redaction = redactSecrets(event);
  const envelope = {
    ...acsEnvelope(acsEventKey(redaction.redacted), rawCallId, type, data),
    ...platformTime(event),
  };
  return {
    parsed: {
      notification: acsNotification(envelope, acsEventName(type), data),
      payload: redaction.redacted,
      redactedPaths: redaction.removedPaths,
      secrets: redaction.secrets,
    },
  };
};

/**
 * `SubscriptionValidationEvent` is Event Grid's handshake for an Event Grid schema subscription:
 * the endpoint proves it wants the events by echoing `data.validationCode`. Other Event Grid
 * system events say nothing about a call.
 */
const eventGridSystemEvent = (type: string, data: unknown, pointer: string): EventResult => {
  if (/^Microsoft\.EventGrid\.SubscriptionValidationEvent$/i.test(type)) {
    const validationCode = isRecord(data) ? stringField(data, 'validationCode') : undefined;
    if (validationCode === undefined) {
      return {
        error: {
          path: `${pointer}/data/validationCode`,
          message: 'a subscription validation event must carry a validationCode',
        },
      };
    }
    return {
      skipped: {
        path: pointer,
        reason: 'Event Grid subscription validation',
        rawType: type,
        validationCode,
      },
    };
  }
  return { skipped: { path: pointer, reason: 'Event Grid system event', rawType: type } };
};

const isIncomingCall = (type: string): boolean =>
  acsEventName(type).toLowerCase() === 'incomingcall';

/** The event's own time (`time`, Event Grid `eventTime`); one that does not parse is ignored. */
const platformTime = (event: UnknownRecord): { occurredAt?: string } => {
  const text = stringField(event, 'time', 'eventTime');
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isFinite(ms) ? { occurredAt: toInstant(ms) } : {};
};

const previewResult = (event: UnknownRecord, pointer: string): EventResult => {
  const rawCallId = stringField(event, 'callConnectionId', 'callLegId');
  if (rawCallId === undefined) {
    return {
      skipped: { path: pointer, reason: 'no callConnectionId: cannot be filed under a call' },
    };
  }
  const redaction = redactSecrets(event);
  const envelope = acsEnvelope(acsEventKey(redaction.redacted), rawCallId, undefined, event);
  return {
    parsed: {
      notification: acsOperation(envelope, { operationType: 'play', progress: 'status' }, event),
      payload: redaction.redacted,
      redactedPaths: redaction.removedPaths,
      secrets: redaction.secrets,
    },
  };
};

const isPreviewResult = (event: UnknownRecord): boolean =>
  (field(event, 'status') !== undefined || field(event, 'resultInfo') !== undefined) &&
  (field(event, 'operationContext') !== undefined || field(event, 'operationId') !== undefined);

const acsEnvelope = (
  key: string,
  rawCallId: string,
  rawType: string | undefined,
  data: UnknownRecord,
): NotificationEnvelope => {
  const details = compact({
    serverCallId: stringField(data, 'serverCallId'),
    correlationId: stringField(data, 'correlationId'),
  });
  return compact({
    key,
    source: 'acs' as const,
    platform: 'acs' as const,
    callId: canonicalId(rawCallId),
    rawCallId,
    rawType,
    details: Object.keys(details).length > 0 ? details : undefined,
  });
};

const acsNotification = (
  envelope: NotificationEnvelope,
  name: string,
  data: UnknownRecord,
): Notification => {
  const lower = name.toLowerCase();
  if (lower === 'incomingcall') return incomingCall(envelope, name, data);
  if (lower === 'callconnected') {
    return { ...envelope, type: 'call', state: 'connected', rawState: name, ended: false };
  }
  if (isAcsCallEndedEvent(name)) {
    return compact({
      ...envelope,
      type: 'call' as const,
      state: 'disconnected',
      rawState: name,
      ended: true,
      resultInfo: parseResultInfo(field(data, 'resultInformation', 'resultInfo')),
    });
  }
  if (lower === 'callconnectionstatechanged' || lower === 'calllegstatechanged') {
    return connectionStateChanged(envelope, data);
  }
  if (lower === 'participantsupdated') {
    return compact({
      ...envelope,
      type: 'roster' as const,
      mode: 'snapshot' as const,
      participants: acsParticipants(field(data, 'participants')),
      sequenceNumber: numberField(data, 'sequenceNumber'),
    });
  }
  if (lower === 'recordingstatechanged' || lower === 'callrecordingstatechanged') {
    const rawState = stringField(data, 'state', 'recordingState') ?? 'unknown';
    return compact({
      ...envelope,
      type: 'recordingState' as const,
      recordingId: stringField(data, 'recordingId'),
      state: normalizeEnum(rawState, RECORDING_STATES),
      startedAt: stringField(data, 'startDateTime'),
      recordingKind: stringField(data, 'recordingKind'),
    });
  }
  const operation = lookupAcsOperationEvent(name);
  if (operation !== undefined) return acsOperation(envelope, operation, data);
  return { ...envelope, type: 'unrecognized', reason: `ACS event "${name}" is not tracked` };
};

/**
 * Event Grid `IncomingCall`: the call rings for the app. Its `incomingCallContext` (the credential
 * that answers the call) was removed with the other secrets before this point.
 */
const incomingCall = (envelope: NotificationEnvelope, name: string, data: UnknownRecord) => {
  const caller = partyFromAcsIdentifier(field(data, 'from'));
  const displayName = stringField(data, 'callerDisplayName');
  const target = partyFromAcsIdentifier(field(data, 'to'));
  return {
    ...envelope,
    type: 'call' as const,
    state: 'incoming',
    rawState: name,
    ended: false,
    details: compact({
      ...envelope.details,
      direction: 'incoming',
      caller: caller === undefined ? undefined : compact({ ...caller, displayName }),
      targets: target === undefined ? undefined : [target],
    }),
  };
};

/**
 * 2021-08-30-preview `CallConnectionStateChanged` (`{ callConnectionId, serverCallId,
 * callConnectionState }`), and the 2021 private preview's `CallLegStateChanged` (`{ CallLegId,
 * CallState }`, PascalCase: Establishing, Established, Terminating, Terminated).
 */
const connectionStateChanged = (
  envelope: NotificationEnvelope,
  data: UnknownRecord,
): Notification => {
  const rawState = stringField(data, 'callConnectionState', 'callState', 'state');
  const state = rawState === undefined ? undefined : normalizeCallState(rawState);
  return compact({
    ...envelope,
    type: 'call' as const,
    state,
    rawState,
    ended: isFinalCallState(state),
    resultInfo: parseResultInfo(field(data, 'resultInformation', 'resultInfo')),
  });
};

const acsOperation = (
  envelope: NotificationEnvelope,
  kind: AcsOperationEventKind,
  data: UnknownRecord,
): OperationNotification => {
  const operationContext = stringField(data, 'operationContext');
  const progress = operationProgress(kind, data);
  return compact({
    ...envelope,
    type: 'operation' as const,
    ...acsOperationIdentity(envelope.callId, kind.operationType, data),
    operationIdSource: 'derived' as const,
    operationType: kind.operationType,
    ...progress,
    resultInfo: parseResultInfo(field(data, 'resultInformation', 'resultInfo')),
    operationContext,
    participantId: operationParticipant(data),
  });
};

type Progress = Pick<OperationNotification, 'phase' | 'status' | 'outcome' | 'completionReason'>;

const operationProgress = (kind: AcsOperationEventKind, data: UnknownRecord): Progress => {
  switch (kind.progress) {
    case 'started':
    case 'update':
      return { phase: 'active', status: 'running' };
    case 'completed':
      return { phase: 'finished', status: 'completed', outcome: 'completed' };
    case 'failed':
      return { phase: 'finished', status: 'failed', outcome: 'failed' };
    case 'canceled':
      return {
        phase: 'finished',
        status: 'completed',
        outcome: 'completed',
        completionReason: 'canceled',
      };
    case 'status': {
      const raw = stringField(data, 'status');
      const status = raw === undefined ? 'running' : normalizeOperationStatus(raw);
      const outcome: OperationOutcome | undefined = isTerminalStatus(status) ? status : undefined;
      return compact({
        phase: outcome ? ('finished' as const) : ('active' as const),
        status,
        outcome,
      });
    }
    default:
      return assertNever(kind.progress, 'ACS operation progress');
  }
};

/** Add/remove-participant results name the participant acted on. */
const operationParticipant = (data: UnknownRecord): string | undefined => {
  const participant = field(data, 'participant');
  const id =
    partyFromAcsIdentifier(participant)?.id ?? acsParticipant(participant)?.rawParticipantId;
  return id === undefined ? undefined : canonicalId(id);
};

const callConnectionIn = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : /callConnections\/([^/?#]+)/i.exec(text)?.[1];
