import { isRecord, type UnknownRecord } from '../../kernel/json';
import type { Notification } from '../notification';
import type { InputError } from '../parse-result';
import { checkJsonShape, toPointer, type JsonPath } from './json-shape';
import { FINITE_NUMBER_RULE, stringProblem, type StringRule } from './input-limits';

/** Members of a normalized notification that are ids (the rest are names, unless listed below). */
const ID_MEMBERS = new Set([
  'callId',
  'rawCallId',
  'operationId',
  'rawOperationId',
  'participantId',
  'rawParticipantId',
  'sessionId',
  'rawSessionId',
  'tenantId',
  'callChainId',
  'myParticipantId',
  'correlationId',
  'sourceParticipantId',
  'observedParticipantId',
]);
const CONTEXT_MEMBERS = new Set(['clientContext', 'operationContext']);
const TEXT_MEMBERS = new Set(['message', 'location', 'serverCallId', 'recordingId']);
/** Derived by the tracker (a hash, a sentence around a bounded URL): not read from the input. */
const DERIVED_MEMBERS = new Set(['key', 'reason']);

const ruleOf = (member: string): StringRule =>
  ID_MEMBERS.has(member)
    ? 'id'
    : CONTEXT_MEMBERS.has(member)
      ? 'context'
      : TEXT_MEMBERS.has(member)
        ? 'text'
        : 'name';

const LABELS: Readonly<Record<string, string>> = {
  callId: 'call id',
  rawCallId: 'call id',
  operationId: 'operation id',
  rawOperationId: 'operation id',
  participantId: 'participant id',
  rawParticipantId: 'participant id',
  sessionId: 'content sharing session id',
  rawSessionId: 'content sharing session id',
};

/** Input member names a notification member is read from, to point at the right one. */
const INPUT_NAMES: Readonly<Record<string, readonly string[]>> = {
  callId: ['callConnectionId', 'callLegId'],
  rawCallId: ['callConnectionId', 'callLegId'],
  operationId: ['id', 'operationId'],
  rawOperationId: ['id', 'operationId'],
  participantId: ['id', 'participantId', 'rawId'],
  rawParticipantId: ['id', 'participantId', 'rawId'],
  location: ['recordingLocation', 'recordResourceLocation'],
  rawCode: ['code'],
  rawSubcode: ['subcode'],
  subcode: ['subcode'],
  rawState: ['state', 'callConnectionState', 'recordingState'],
  rawType: ['@odata.type', 'type', 'eventType'],
  rawOperationType: ['@odata.type', 'operationType'],
  startedAt: ['startDateTime'],
};

interface Offence {
  readonly member: string;
  readonly value: string | number;
  readonly problem: string;
}

/** Every value of a normalized notification that breaks a limit (at most one per member path). */
const offences = (notification: Notification): Offence[] => {
  const found: Offence[] = [];
  const visit = (value: unknown, member: string): void => {
    if (typeof value === 'string') {
      const problem = stringProblem(value, ruleOf(member));
      if (problem !== undefined) found.push({ member, value, problem });
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) found.push({ member, value, problem: FINITE_NUMBER_RULE });
    } else if (Array.isArray(value)) {
      value.forEach((item) => visit(item, member));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (!DERIVED_MEMBERS.has(key)) visit(item, key);
      }
    }
  };
  visit(notification, '');
  return found;
};

/**
 * Where in the input a value was read from: a member holding exactly that value, preferably one of
 * the names it is read from; failing that, a string containing it (an id inside a URL).
 */
const locate = (raw: unknown, offence: Offence): JsonPath | undefined => {
  const names = [offence.member, ...(INPUT_NAMES[offence.member] ?? [])].map((n) =>
    n.toLowerCase(),
  );
  let exact: JsonPath | undefined;
  let containing: JsonPath | undefined;
  const stack: { value: unknown; path: JsonPath }[] = [{ value: raw, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Object.is(value, offence.value)) {
      const last = path[path.length - 1];
      if (typeof last === 'string' && names.includes(last.toLowerCase())) return path;
      exact ??= path;
    } else if (
      containing === undefined &&
      typeof value === 'string' &&
      typeof offence.value === 'string' &&
      value.includes(offence.value)
    ) {
      containing = path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[i], path: [...path, i] });
      }
    } else if (isRecord(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[keys[i]], path: [...path, keys[i]] });
      }
    }
  }
  return exact ?? containing;
};

/**
 * Checks what was read out of one input item against the limits. `raw` is the item as received,
 * `pointer` its place in the request body, `fallback` where to point when a value is not found
 * verbatim (an id decoded from a URL).
 */
export const checkNotificationLimits = (
  notification: Notification,
  raw: unknown,
  pointer: string,
  fallback = '',
): InputError[] => {
  const errors = new Map<string, InputError>();
  for (const offence of offences(notification)) {
    const at = locate(raw, offence);
    const path = `${pointer}${at === undefined ? fallback : toPointer(at)}`;
    if (errors.has(path)) continue;
    const label = LABELS[offence.member] ?? offence.member;
    errors.set(path, { path, message: `${label} ${offence.problem}` });
  }
  return [...errors.values()];
};

/**
 * `clientContext` and `operationContext` are bounded wherever they appear in `container` (a Graph
 * `resourceData`, an ACS event's `data`, a response body), even where the tracker does not read
 * them. Other types are left to the tolerant parse.
 */
export const checkContexts = (container: unknown, pointer: string): InputError[] => {
  if (!isRecord(container)) return [];
  const errors: InputError[] = [];
  for (const name of CONTEXT_MEMBERS) {
    const key = memberName(container, name);
    const value = key === undefined ? undefined : container[key];
    if (key === undefined || typeof value !== 'string') continue;
    const problem = stringProblem(value, 'context');
    if (problem !== undefined) {
      errors.push({ path: `${pointer}${toPointer([key])}`, message: `${name} ${problem}` });
    }
  }
  return errors;
};

/** The key `field` would read for `name` (exact first, then any case). */
const memberName = (record: UnknownRecord, name: string): string | undefined =>
  Object.hasOwn(record, name)
    ? name
    : Object.keys(record).find((key) => key.toLowerCase() === name.toLowerCase());

/** Nesting and width of a whole request body, as an input error at the offending place. */
export const checkShape = (body: unknown): InputError | undefined => {
  const problem = checkJsonShape(body);
  return problem === undefined
    ? undefined
    : { path: toPointer(problem.path), message: problem.problem, envelope: true };
};

/** One error per place in the body (a value can break a rule under two names). */
export const onePerPath = (errors: readonly InputError[]): InputError[] => {
  const seen = new Set<string>();
  return errors.filter((error) => !seen.has(error.path) && seen.add(error.path));
};
