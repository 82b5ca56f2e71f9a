import { assertNever } from '../../kernel/assert-never';
import { isRecord, type UnknownRecord } from '../../kernel/json';
import type { InputError } from '../parse-result';
import { toPointer } from './json-shape';
import { ID_RULE, isValidId, MAX_NOTIFICATIONS_PER_BATCH } from './input-limits';

/**
 * A rule for one member of an envelope (a Graph `commsNotification`, an ACS event, a response
 * body): what the webhook contract fixes, as opposed to the open payload the parser reads
 * tolerantly. Members are looked up by their exact name, as the platforms send them.
 */
export type MemberRule =
  | {
      readonly name: string;
      readonly type: 'string';
      readonly maxLength: number;
      readonly nonEmpty?: true;
      /** Required, or required unless another member is present. */
      readonly required?: true | { readonly unless: string };
    }
  /** `label` names the id in messages ("event id must be …"). */
  | { readonly name: string; readonly type: 'id'; readonly label: string; readonly required?: true }
  | { readonly name: string; readonly type: 'object'; readonly required?: true }
  /** An object, an array (participant rosters: entries that are not objects are ignored), or null. */
  | { readonly name: string; readonly type: 'resourceData' };

/** An envelope's own problem (a member the contract fixes), as opposed to its payload's. */
export const envelopeError = (path: string, message: string): InputError => ({
  path,
  message,
  envelope: true,
});

/** Null stands for absent, except where a member is required outright. */
const isAbsent = (rule: MemberRule, value: unknown): boolean =>
  value === undefined ||
  (value === null && (rule.type === 'resourceData' || rule.required !== true));

const problemOf = (rule: MemberRule, value: unknown, record: UnknownRecord): string | undefined => {
  if (isAbsent(rule, value)) {
    if (rule.type === 'resourceData' || rule.required === undefined) return undefined;
    if (rule.required !== true && record[rule.required.unless] != null) return undefined;
    return rule.required === true
      ? 'is required'
      : `is required unless ${rule.required.unless} is given`;
  }
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (rule.nonEmpty && value === '') return 'must not be empty';
      return value.length > rule.maxLength
        ? `must be at most ${rule.maxLength} characters (got ${value.length})`
        : undefined;
    case 'id':
      return isValidId(value) ? undefined : ID_RULE;
    case 'object':
      return isRecord(value) ? undefined : 'must be an object';
    case 'resourceData':
      return typeof value === 'object' ? undefined : 'must be an object or an array';
    default:
      return assertNever(rule, 'member rule');
  }
};

/** One request holds 1 to MAX_NOTIFICATIONS_PER_BATCH items (`noun`), at `pointer`. */
export const checkBatchSize = (
  items: readonly unknown[],
  pointer: string,
  noun: string,
): InputError | undefined =>
  items.length === 0 || items.length > MAX_NOTIFICATIONS_PER_BATCH
    ? envelopeError(
        pointer,
        `must hold 1 to ${MAX_NOTIFICATIONS_PER_BATCH} ${noun} (got ${items.length})`,
      )
    : undefined;

/** The first member of `record` (at `pointer` in the body) that breaks its rule. */
export const checkMembers = (
  record: UnknownRecord,
  rules: readonly MemberRule[],
  pointer: string,
): InputError | undefined => {
  for (const rule of rules) {
    const value = Object.hasOwn(record, rule.name) ? record[rule.name] : undefined;
    const problem = problemOf(rule, value, record);
    if (problem !== undefined) {
      const label = rule.type === 'id' ? rule.label : rule.name;
      return envelopeError(`${pointer}${toPointer([rule.name])}`, `${label} ${problem}`);
    }
  }
  return undefined;
};
