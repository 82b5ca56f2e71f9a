import { canonicalIdOrUndefined } from '../../ids/canonical-id';
import { field, stringField, type UnknownRecord } from '../../kernel/json';
import { compact } from '../../kernel/objects';
import {
  isTerminalStatus,
  normalizeOperationStatus,
  type OperationOutcome,
  type OperationStatus,
} from '../../operations/operation-status';
import { operationTypeFromODataType, type OperationType } from '../../operations/operation-types';
import { isSecretKey } from '../../secrets/redact-secrets';
import { isFailureResult, parseResultInfo, type ResultInfo } from '../../result-info/result-info';
import type { RecordingLocation } from '../notification';

/** What a Graph `commsOperation` (notification resource or action response) says about itself. */
export interface GraphOperationFacts {
  readonly operationType: OperationType;
  readonly rawOperationType?: string;
  readonly phase: 'active' | 'finished';
  readonly status: OperationStatus;
  readonly outcome?: OperationOutcome;
  readonly completionReason?: string;
  readonly resultInfo?: ResultInfo;
  readonly clientContext?: string;
  readonly participantId?: string;
  readonly recording?: RecordingLocation;
}

/**
 * An operation is finished when Graph deletes it (`changeType: deleted`) or reports `completed` /
 * `failed`. A deletion with another status (`unknownFutureValue`) keeps that status and is
 * classed as failed when its result code is an error. Without any status an operation that is
 * not deleted is taken to be running.
 */
export const graphOperationFacts = (
  body: UnknownRecord,
  changeType: string | undefined,
): GraphOperationFacts => {
  const rawOperationType = stringField(body, '@odata.type');
  const rawStatus = stringField(body, 'status');
  const reported = rawStatus === undefined ? undefined : normalizeOperationStatus(rawStatus);
  const resultInfo = parseResultInfo(field(body, 'resultInfo', 'resultInformation'));
  const finished = changeType === 'deleted' || isTerminalStatus(reported);
  const outcome: OperationOutcome | undefined = !finished
    ? undefined
    : isTerminalStatus(reported)
      ? reported
      : isFailureResult(resultInfo)
        ? 'failed'
        : 'completed';
  return compact({
    operationType: operationTypeFromODataType(rawOperationType),
    rawOperationType,
    phase: finished ? 'finished' : 'active',
    status: reported ?? outcome ?? 'running',
    outcome,
    completionReason: stringField(body, 'completionReason'),
    resultInfo,
    clientContext: stringField(body, 'clientContext'),
    participantId: canonicalIdOrUndefined(stringField(body, 'participantId')),
    recording: recordingLocation(body),
  });
};

/** recordResponse results: `recordingLocation` or, in some payloads, `recordResourceLocation`. */
const recordingLocation = (body: UnknownRecord): RecordingLocation | undefined => {
  const location = stringField(body, 'recordingLocation', 'recordResourceLocation');
  if (location === undefined) return undefined;
  const hasAccessToken = Object.entries(body).some(
    ([key, value]) => isSecretKey(key) && typeof value === 'string' && value !== '',
  );
  return { location, hasAccessToken };
};
