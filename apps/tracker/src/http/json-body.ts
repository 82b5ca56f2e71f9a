import { isUtf8 } from 'node:buffer';
import { HttpStatus } from '@nestjs/common';
import { FINITE_NUMBER_RULE, findInJson, toPointer, type JsonPath } from '@tracker/domain';
import { FieldProblem, invalidRequest, ProblemException } from './problem';

/**
 * Media types whose bodies are JSON: plain JSON, and CloudEvents in structured and batch mode
 * (how Event Grid and ACS deliver). Anything else is a 415.
 */
export const JSON_MEDIA_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
] as const;

/** Labels of UTF-8 (JSON between systems is UTF-8, RFC 8259 §8.1); any other charset is a 415. */
const UTF8_LABELS = new Set(['utf-8', 'utf8']);

export const unsupportedMediaType = (contentType: string | undefined): ProblemException =>
  new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, {
    error: 'unsupported_media_type',
    message:
      `content-type must be ${JSON_MEDIA_TYPES.join(', ')} or ` +
      `with charset=utf-8 (got ${contentType === undefined ? 'none' : JSON.stringify(contentType.slice(0, 100))})`,
  });

/** The `charset` parameter of a Content-Type header, lower-cased and unquoted, if any. */
const charsetOf = (contentType: string): string | undefined => {
  for (const parameter of contentType.split(';').slice(1)) {
    const separator = parameter.indexOf('=');
    if (parameter.slice(0, separator).trim().toLowerCase() !== 'charset') continue;
    return parameter
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
};

const problem = (path: JsonPath, text: string): FieldProblem => ({
  field: path.length === 0 ? 'body' : toPointer(path),
  problem: text,
});

/**
 * Parses a webhook body without changing what was sent: the tracker stores each notification as
 * received, so bytes that are not UTF-8 (they would become U+FFFD) and numbers that are not finite
 * (`1e400` would become `null`) are refused with a 400 naming their place, wherever they are. Hot
 * path: a SIMD UTF-8 check, JSON.parse and one walk over the parsed values; locating bad bytes
 * costs more, but only when there are some.
 */
export const parseJsonBody = (body: Buffer, contentType?: string): unknown => {
  const charset = contentType === undefined ? undefined : charsetOf(contentType);
  if (charset !== undefined && !UTF8_LABELS.has(charset)) throw unsupportedMediaType(contentType);
  if (body.length === 0)
    throw invalidRequest([{ field: 'body', problem: 'must not be empty' }], 'malformed_body');
  if (!isUtf8(body)) throw invalidRequest([invalidUtf8(body)], 'malformed_body');
  const value = parseText(body.toString('utf8'));
  if (hasNonFiniteNumber(value)) {
    const at = findInJson(value, (v) => typeof v === 'number' && !Number.isFinite(v))!;
    throw invalidRequest(
      [problem(at, `${FINITE_NUMBER_RULE} (this one is beyond ±1.8e308)`)],
      'malformed_body',
    );
  }
  return value;
};

/**
 * The hot-path check, without a path or an allocation per value (a fifth of what `findInJson`
 * costs); iterative, because the nesting is not bounded yet.
 */
const hasNonFiniteNumber = (root: unknown): boolean => {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return true;
    } else if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value)) for (const item of value) stack.push(item);
      else for (const key in value) stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
};

const BOM = '\uFEFF';

const parseText = (text: string): unknown => {
  try {
    // A leading byte order mark is allowed (RFC 8259 §8.1 lets parsers ignore it).
    return JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch {
    // Not V8's message: it quotes the body back.
    throw invalidRequest([{ field: 'body', problem: 'is not valid JSON' }], 'malformed_body');
  }
};

/** Decodes like the fatal decoder, but a character cut at the end is awaited, not an error. */
const decodesAsPrefix = (bytes: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
};

/**
 * Where the first byte that cannot be UTF-8 is: the longest prefix that still decodes (binary
 * search; the decoder is the one judge of what UTF-8 is), then the member that holds it, found by
 * parsing the body with a marker just before that byte.
 */
const invalidUtf8 = (body: Buffer): FieldProblem => {
  let good = 0;
  let bad = body.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (decodesAsPrefix(body.subarray(0, middle))) good = middle;
    else bad = middle;
  }
  const offset = bad - 1;
  const rule = `must be valid UTF-8 (byte 0x${body[offset].toString(16).padStart(2, '0')} at offset ${offset} is not)`;
  const lossy = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes);
  const before = lossy(body.subarray(0, offset));
  const after = lossy(body.subarray(offset));
  const marker = markerFor(before + after);
  if (marker === undefined) return { field: 'body', problem: rule };
  let marked: unknown;
  try {
    marked = JSON.parse(`${before}${marker}${after}`);
  } catch {
    return { field: 'body', problem: rule }; // the bad byte is not inside a string
  }
  const holds = (text: unknown) => typeof text === 'string' && text.includes(marker);
  const at = findInJson(marked, (value, key) => holds(value) || holds(key));
  if (at === undefined) return { field: 'body', problem: rule };
  // A member name may hold it: name the member as the lossy decoding spells it.
  return problem(
    at.map((segment) => (typeof segment === 'string' ? segment.replace(marker, '') : segment)),
    rule,
  );
};

const PRIVATE_USE_FIRST = 0xe000;
const PRIVATE_USE_LAST = 0xf8ff;

/**
 * A private-use character the text does not contain, to mark a place in it (one pass); undefined
 * when a body holds every one of them, and then the place is not named.
 */
const markerFor = (text: string): string | undefined => {
  const present = new Uint8Array(PRIVATE_USE_LAST - PRIVATE_USE_FIRST + 1);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= PRIVATE_USE_FIRST && code <= PRIVATE_USE_LAST)
      present[code - PRIVATE_USE_FIRST] = 1;
  }
  const free = present.indexOf(0);
  return free === -1 ? undefined : String.fromCharCode(PRIVATE_USE_FIRST + free);
};
