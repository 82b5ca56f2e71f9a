import { canonicalId, canonicalIdOrUndefined } from '../../ids/canonical-id';
import { field, isRecord, stringField, type UnknownRecord } from '../../kernel/json';
import { compact } from '../../kernel/objects';
import { notificationKey } from '../../keys/notification-key';
import { acsOperationIdentity } from '../../operations/acs-operation-id';
import { isTerminalStatus, normalizeOperationStatus } from '../../operations/operation-status';
import {
  normalizeOperationType,
  operationTypeFromAction,
  UNKNOWN_OPERATION_TYPE,
  type OperationType,
} from '../../operations/operation-types';
import { parseResultInfo } from '../../result-info/result-info';
import { redactSecrets } from '../../secrets/redact-secrets';
import { graphOperationFacts } from '../graph/graph-operation-body';
import type { NotificationEnvelope, OperationNotification } from '../notification';
import { checkNotificationLimits, checkShape, onePerPath } from '../limits/check-notification';
import { ID_RULE, isValidId, MAX_CONTEXT_LENGTH } from '../limits/input-limits';
import { checkMembers, envelopeError, type MemberRule } from '../limits/member-rules';
import { malformed, parsed, type ParseResult } from '../parse-result';

/** What the contract fixes in every response body; the rest is read tolerantly. */
export const OPERATION_RESPONSE_RULES: readonly MemberRule[] = [
  { name: 'id', type: 'id', label: 'operation id' },
  { name: 'status', type: 'string', maxLength: 64, nonEmpty: true, required: true },
  { name: 'clientContext', type: 'string', maxLength: MAX_CONTEXT_LENGTH },
  { name: 'operationContext', type: 'string', maxLength: MAX_CONTEXT_LENGTH },
];

/**
 * The body of an action's response, reported by the bot to `POST /api/calls/{callId}/operations`:
 * a Graph `*Operation` (`{ "@odata.type", id, status: "running", clientContext }`) or an ACS
 * operation result (the 2021-08-30-preview `:playAudio` 202 body `{ status, operationContext }`).
 * It tells that the operation runs and when it started. Two optional members may be added by the
 * bot, since the response alone does not carry them: `participantId` (the participant a hold-music
 * or mute action was sent to) and, for ACS, `operationType`.
 *
 * `action` is the `?action=` the bot named (ACS bodies carry no type: a `cancelAllMediaOperations`
 * response looks like a play's). It gives the operation's type; without it the type comes from
 * the body (`@odata.type`, or the ACS `operationType` member) and is otherwise taken to be `play`.
 * ACS operations are keyed by their type, so a response never merges into an operation of
 * another type. An action that contradicts the body's own type is refused.
 */
export const parseOperationResponse = (
  callId: unknown,
  body: unknown,
  action?: string,
): ParseResult => {
  if (typeof callId !== 'string' || callId === '') {
    return malformed([{ path: '', message: 'the call id of the request URL is required' }]);
  }
  if (!isValidId(callId)) {
    return malformed([{ path: '', message: `the call id of the request URL ${ID_RULE}` }]);
  }
  if (!isRecord(body)) {
    return malformed([envelopeError('', 'body must be an operation object')]);
  }
  const shape = checkShape(body);
  if (shape !== undefined) return malformed([shape]);
  const envelopeProblem = checkMembers(body, OPERATION_RESPONSE_RULES, '');
  if (envelopeProblem !== undefined) return malformed([envelopeProblem]);
  const redaction = redactSecrets(body);
  const envelopeFor = (platform: 'graph' | 'acs'): NotificationEnvelope =>
    compact({
      // `action` only when given, so that keys of responses reported without one never change.
      key: notificationKey('bot', {
        callId: canonicalId(callId),
        body: redaction.redacted,
        action,
      }),
      source: 'bot' as const,
      platform,
      callId: canonicalId(callId),
      rawCallId: callId,
      rawType: stringField(body, '@odata.type'),
      action,
    });
  const named = action === undefined ? undefined : operationTypeFromAction(action);
  const notification = isAcsResult(body)
    ? acsResponse(envelopeFor('acs'), body, named)
    : graphResponse(envelopeFor('graph'), body, named);
  if ('error' in notification) return malformed([notification.error]);
  const tooBig = onePerPath([...checkNotificationLimits(notification, body, '', '')]);
  if (tooBig.length > 0) return malformed(tooBig);
  return parsed([
    {
      notification,
      payload: redaction.redacted,
      redactedPaths: redaction.removedPaths,
      secrets: redaction.secrets,
    },
  ]);
};

const isAcsResult = (body: UnknownRecord): boolean =>
  stringField(body, '@odata.type') === undefined &&
  (field(body, 'operationContext') !== undefined ||
    field(body, 'operationId') !== undefined ||
    field(body, 'dialogId') !== undefined);

type ResponseResult = OperationNotification | { error: { path: string; message: string } };

const contradiction = (path: string, named: OperationType, given: OperationType) => ({
  error: {
    path,
    message: `?action names a ${named} operation but the body is a ${given} operation`,
  },
});

const graphResponse = (
  envelope: NotificationEnvelope,
  body: UnknownRecord,
  named: OperationType | undefined,
): ResponseResult => {
  const rawOperationId = stringField(body, 'id');
  if (rawOperationId === undefined) {
    const message = isRecord(field(body, 'error'))
      ? 'an error response names no operation to track'
      : 'id is required (the operation id of the response body)';
    return { error: { path: '/id', message } };
  }
  const facts = graphOperationFacts(body, undefined);
  if (named !== undefined && facts.operationType !== UNKNOWN_OPERATION_TYPE) {
    if (facts.operationType !== named) {
      return contradiction('/@odata.type', named, facts.operationType);
    }
  }
  return compact({
    ...envelope,
    ...facts,
    operationType: named ?? facts.operationType,
    type: 'operation' as const,
    operationId: canonicalId(rawOperationId),
    rawOperationId,
    operationIdSource: 'platform' as const,
  });
};

const acsResponse = (
  envelope: NotificationEnvelope,
  body: UnknownRecord,
  named: OperationType | undefined,
): ResponseResult => {
  const given = stringField(body, 'operationType');
  const stated = given === undefined ? undefined : normalizeOperationType(given);
  if (named !== undefined && stated !== undefined && stated !== named) {
    return contradiction('/operationType', named, stated);
  }
  const operationType = named ?? stated ?? 'play';
  const operationContext = stringField(body, 'operationContext');
  const rawStatus = stringField(body, 'status');
  const status = rawStatus === undefined ? 'running' : normalizeOperationStatus(rawStatus);
  const outcome = isTerminalStatus(status) ? status : undefined;
  return compact({
    ...envelope,
    type: 'operation' as const,
    ...acsOperationIdentity(envelope.callId, operationType, body),
    operationIdSource: 'derived' as const,
    operationType,
    phase: outcome ? ('finished' as const) : ('active' as const),
    status,
    outcome,
    resultInfo: parseResultInfo(field(body, 'resultInfo', 'resultInformation')),
    operationContext,
    participantId: canonicalIdOrUndefined(stringField(body, 'participantId')),
  });
};
