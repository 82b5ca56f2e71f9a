/**
 * The bounds of what the tracker accepts from a webhook, in one place. Every value the tracker
 * takes out of a payload (ids, contexts, names, messages) ends up in events, views, Kafka records
 * and gRPC messages, so it must be of sane size and well-formed Unicode. The payload itself is
 * bounded by the HTTP body limit; these rules bound what is read out of it, and the nesting.
 */

/** Notifications (Graph `value[]` items, ACS events) in one request. */
export const MAX_NOTIFICATIONS_PER_BATCH = 1000;
/** Nesting of arrays and objects in one request body (Graph payloads nest about 8 deep). */
export const MAX_JSON_DEPTH = 32;
/** Members of one JSON object (wide objects are costly to validate). */
export const MAX_OBJECT_MEMBERS = 1000;
/** Graph `clientContext` (documented maximum) and ACS `operationContext`. */
export const MAX_CONTEXT_LENGTH = 256;
/** Names, enum values, types, identity ids, display names, reasons. */
export const MAX_NAME_LENGTH = 256;
/** Free text and opaque references: result messages, recording locations, ACS serverCallId. */
export const MAX_TEXT_LENGTH = 2048;
export const MAX_ID_LENGTH = 200;

/**
 * Ids (calls, operations, participants, sessions, correlation ids, event ids): GUIDs in either
 * form, the platforms' own opaque ids (`8:acs:…`, `4:+1…`), E.164 numbers; nothing that could
 * surprise a log, a URL or a query. The one id rule: paths, bodies and gRPC requests all use it.
 */
export const ID_PATTERN = /^[A-Za-z0-9+][A-Za-z0-9._:@=+-]{0,199}$/;

export const isValidId = (value: unknown): value is string =>
  typeof value === 'string' && ID_PATTERN.test(value);

export const ID_RULE =
  'must be 1-200 characters of letters, digits and . _ : @ = + -, starting with a letter, a digit or +';

/** NUL, and UTF-16 surrogates without their pair (they cannot be written as UTF-8). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hasUnsafeCharacters = (value: string): boolean =>
  value.includes('\u0000') || UNPAIRED_SURROGATE.test(value);

export const UNSAFE_CHARACTERS_RULE = 'must not contain NUL characters or unpaired surrogates';

/** Numbers past ±1.8e308 (`1e400`) parse as Infinity and would be stored as `null`. */
export const FINITE_NUMBER_RULE = 'must be a finite number';

export type StringRule = 'id' | 'context' | 'name' | 'text';

const MAX_LENGTH: Readonly<Record<Exclude<StringRule, 'id'>, number>> = {
  context: MAX_CONTEXT_LENGTH,
  name: MAX_NAME_LENGTH,
  text: MAX_TEXT_LENGTH,
};

/** What is wrong with a string under a rule (lengths count UTF-16 code units), or undefined. */
export const stringProblem = (value: string, rule: StringRule): string | undefined => {
  if (rule === 'id') return isValidId(value) ? undefined : ID_RULE;
  const max = MAX_LENGTH[rule];
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  return hasUnsafeCharacters(value) ? UNSAFE_CHARACTERS_RULE : undefined;
};

/** A value quoted for an error message, cut short so that a huge input is not echoed back. */
export const quoted = (value: string, max = 80): string =>
  JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
