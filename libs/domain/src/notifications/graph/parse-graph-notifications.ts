import { normalizeCallState } from '../../call/call-states';
import { canonicalId } from '../../ids/canonical-id';
import { assertNever } from '../../kernel/assert-never';
import { normalizeEnum } from '../../kernel/enums';
import { asRecord, field, isRecord, stringField, type UnknownRecord } from '../../kernel/json';
import { compact } from '../../kernel/objects';
import { notificationKey } from '../../keys/notification-key';
import { parsePolicyRecording } from '../../recording/policy-recording';
import { parseResultInfo } from '../../result-info/result-info';
import { redactSecrets } from '../../secrets/redact-secrets';
import { checkContexts, checkNotificationLimits, checkShape } from '../limits/check-notification';
import {
  checkBatchSize,
  checkMembers,
  envelopeError,
  type MemberRule,
} from '../limits/member-rules';
import { ID_RULE, isValidId, quoted } from '../limits/input-limits';
import type { Notification, NotificationEnvelope } from '../notification';
import {
  malformed,
  parsed,
  type InputError,
  type ParsedNotification,
  type ParseResult,
} from '../parse-result';
import { graphCallDetails } from './graph-call-resource';
import { graphOperationFacts } from './graph-operation-body';
import { graphParticipants } from './graph-participants';
import { parseGraphResourcePath, type GraphResource } from './resource-path';

export const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;

/** What the `commsNotification` contract fixes; `resourceData` itself is read tolerantly. */
export const GRAPH_NOTIFICATION_RULES: readonly MemberRule[] = [
  { name: 'changeType', type: 'string', maxLength: 64, nonEmpty: true, required: true },
  {
    name: 'resourceUrl',
    type: 'string',
    maxLength: 2048,
    nonEmpty: true,
    required: { unless: 'resource' },
  },
  { name: 'resource', type: 'string', maxLength: 2048, nonEmpty: true },
  { name: 'resourceData', type: 'resourceData' },
];

/**
 * A `commsNotifications` batch as Graph POSTs it (`{ "value": [...] }`). The one owner of every
 * rule of the body, in one pass: nesting, batch bounds, each item's envelope, then its content.
 */
export const parseGraphNotifications = (body: unknown): ParseResult => {
  if (!isRecord(body)) {
    return malformed([envelopeError('', 'body must be a commsNotifications object')]);
  }
  const shape = checkShape(body);
  if (shape !== undefined) return malformed([shape]);
  const items = body.value;
  if (!Array.isArray(items)) {
    return malformed([envelopeError('/value', 'a commsNotifications body needs a "value" array')]);
  }
  const size = checkBatchSize(items, '/value', 'notifications');
  if (size !== undefined) return malformed([size]);
  const notifications: ParsedNotification[] = [];
  const errors: InputError[] = [];
  items.forEach((item, index) => {
    const result = parseGraphNotification(item, `/value/${index}`);
    if ('error' in result) errors.push(result.error);
    else notifications.push(result.parsed);
  });
  return errors.length > 0 ? malformed(errors) : parsed(notifications);
};

/** One `commsNotification` item; `pointer` locates it in the request body for error messages. */
export const parseGraphNotification = (
  item: unknown,
  pointer = '',
): { parsed: ParsedNotification } | { error: InputError } => {
  if (!isRecord(item)) {
    return { error: envelopeError(pointer, 'a commsNotification must be an object') };
  }
  const envelopeProblem = checkMembers(item, GRAPH_NOTIFICATION_RULES, pointer);
  if (envelopeProblem !== undefined) return { error: envelopeProblem };
  const rawChangeType = item.changeType as string;
  const resourceData = item.resourceData;
  const path = (item.resourceUrl ?? item.resource) as string;
  const resource = parseGraphResourcePath(path);
  if (resource === undefined) {
    return {
      error: {
        path: `${pointer}/resourceUrl`,
        message: `${quoted(path)} is not a call resource (expected /communications/calls/{id}/…)`,
      },
    };
  }
  const badId = resourceIdProblem(resource);
  if (badId !== undefined) {
    return { error: { path: `${pointer}/resourceUrl`, message: badId } };
  }
  const redaction = redactSecrets(item);
  const envelope: NotificationEnvelope = compact({
    key: notificationKey('graph', redaction.redacted),
    source: 'graph' as const,
    platform: 'graph' as const,
    callId: canonicalId(resource.rawCallId),
    rawCallId: resource.rawCallId,
    changeType: normalizeEnum(rawChangeType, CHANGE_TYPES),
    rawType: isRecord(resourceData) ? stringField(resourceData, '@odata.type') : undefined,
  });
  const notification = graphNotification(envelope, resource, resourceData);
  const [tooBig] = [
    ...checkContexts(resourceData, `${pointer}/resourceData`),
    ...checkNotificationLimits(notification, item, pointer, '/resourceUrl'),
  ];
  if (tooBig !== undefined) return { error: tooBig };
  return {
    parsed: {
      notification,
      payload: redaction.redacted,
      redactedPaths: redaction.removedPaths,
      secrets: redaction.secrets,
    },
  };
};

const RESOURCE_IDS = [
  ['rawCallId', 'call id'],
  ['rawOperationId', 'operation id'],
  ['rawParticipantId', 'participant id'],
  ['rawSessionId', 'content sharing session id'],
] as const;

/** The ids in a resource path (decoded) follow the id rule. */
const resourceIdProblem = (resource: GraphResource): string | undefined => {
  for (const [member, label] of RESOURCE_IDS) {
    const value: unknown = (resource as Partial<Record<string, unknown>>)[member];
    if (value !== undefined && !isValidId(value)) {
      return `${label} ${quoted(String(value))} in the resource path ${ID_RULE}`;
    }
  }
  return undefined;
};

const graphNotification = (
  envelope: NotificationEnvelope,
  resource: GraphResource,
  resourceData: unknown,
): Notification => {
  switch (resource.kind) {
    case 'call':
      return callNotification(envelope, asRecord(resourceData));
    case 'operation': {
      const facts = graphOperationFacts(asRecord(resourceData), envelope.changeType);
      return compact({
        ...envelope,
        ...facts,
        type: 'operation' as const,
        operationId: canonicalId(resource.rawOperationId),
        rawOperationId: resource.rawOperationId,
        operationIdSource: 'platform' as const,
      });
    }
    case 'participants':
      return {
        ...envelope,
        type: 'roster',
        mode: rosterMode(envelope.changeType, Array.isArray(resourceData)),
        participants: graphParticipants(resourceData),
      };
    case 'participant':
      return {
        ...envelope,
        type: 'roster',
        mode: envelope.changeType === 'deleted' ? 'removal' : 'upsert',
        participants: graphParticipants(
          isRecord(resourceData)
            ? { id: resource.rawParticipantId, ...resourceData }
            : { id: resource.rawParticipantId },
        ),
      };
    case 'contentSharingSession':
      return {
        ...envelope,
        type: 'contentSharing',
        sessionId: canonicalId(resource.rawSessionId),
        rawSessionId: resource.rawSessionId,
        phase:
          envelope.changeType === 'created'
            ? 'started'
            : envelope.changeType === 'deleted'
              ? 'ended'
              : 'updated',
      };
    case 'other':
      return {
        ...envelope,
        type: 'unrecognized',
        reason: `resource "${resource.subresource}" of a call is not tracked`,
      };
    default:
      return assertNever(resource, 'Graph resource');
  }
};

/**
 * A call that Graph deletes, or reports `terminated`, is over. The incoming-call notification of
 * a policy-based recording bot carries the compliance metadata.
 */
const callNotification = (envelope: NotificationEnvelope, call: UnknownRecord): Notification => {
  const rawState = stringField(call, 'state');
  const state = rawState === undefined ? undefined : normalizeCallState(rawState);
  return compact({
    ...envelope,
    type: 'call' as const,
    state,
    rawState,
    ended: envelope.changeType === 'deleted' || state === 'terminated',
    resultInfo: parseResultInfo(field(call, 'resultInfo')),
    details: graphCallDetails(call),
    policyRecording: parsePolicyRecording(call),
  });
};

/**
 * On the participants collection, `updated` carries the whole roster; `created` adds, `deleted`
 * removes the participants listed. A single object is never a full roster.
 */
const rosterMode = (changeType: string | undefined, isArray: boolean) =>
  changeType === 'deleted'
    ? ('removal' as const)
    : changeType === 'updated' && isArray
      ? ('snapshot' as const)
      : ('upsert' as const);
