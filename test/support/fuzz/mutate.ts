import fc from 'fast-check';
import { pathOf, type Seed } from './seeds';

/**
 * Mutations of a seed request. A value mutation picks a node of the body by index (modulo the
 * number of nodes) and changes it; a text mutation breaks the serialized body; the URL's call id
 * and the content type can be changed as well. Values JSON cannot carry (1e400, nesting too deep
 * for JSON.stringify) are placeholders, expanded in the text.
 */
export type Value = unknown;

export type Mutation =
  | { readonly op: 'replace'; readonly at: number; readonly value: Value }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'addMember'; readonly at: number; readonly key: string; readonly value: Value }
  | { readonly op: 'wrapInArray'; readonly at: number }
  | { readonly op: 'firstOfArray'; readonly at: number }
  | { readonly op: 'repeat'; readonly at: number; readonly times: number };

export type TextMutation =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'replaceAll'; readonly text: string };

export interface FuzzCase {
  readonly seed: number;
  readonly mutations: readonly Mutation[];
  readonly text?: TextMutation;
  readonly callId?: string;
  readonly contentType?: string | null;
}

export interface FuzzRequest {
  readonly path: string;
  readonly body: string;
  readonly contentType: string | null;
}

/** The service's default BODY_LIMIT_BYTES. */
const BODY_LIMIT_BYTES = 1_048_576;

const INFINITY = '@@fuzz:1e400@@';
const NEGATIVE_INFINITY = '@@fuzz:-1e400@@';
const deepMarker = (depth: number, array: boolean) => `@@fuzz:deep:${array ? 'a' : 'o'}:${depth}@@`;

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
];
/** Names the parsers read (in other cases too: lookups are case-insensitive). */
const KNOWN_KEYS = [
  'value',
  'changeType',
  'resourceUrl',
  'resource',
  'resourceData',
  '@odata.type',
  '@odata.id',
  'id',
  'status',
  'state',
  'clientContext',
  'ClientContext',
  'operationContext',
  'OPERATIONCONTEXT',
  'participantId',
  'callConnectionId',
  'callLegId',
  'serverCallId',
  'correlationId',
  'type',
  'eventType',
  'data',
  'subject',
  'source',
  'resultInfo',
  'resultInformation',
  'code',
  'subCode',
  'message',
  'participants',
  'identifier',
  'rawId',
  'displayName',
  'sequenceNumber',
  'recordingLocation',
  'recordingAccessToken',
  'completionReason',
  'operationType',
  'incomingContext',
  'applicationMetadata',
  'botData',
];

const FRAGMENTS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ude00',
  '😀',
  'é',
  '\u202e',
  '\ufeff',
  '\u2028',
  '/',
  '%',
  '%2F',
  '..',
  '\n',
  '"',
  '\\',
  '<script>',
  ' ',
  'a',
  '8:acs:',
  '{',
  '\u0007',
];

const weirdString = fc
  .array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/** From just past the limits to beyond the body limit (1 MiB). */
const hugeString = fc
  .tuple(
    fc.constantFrom(201, 257, 2049, 5_000, 70_000, 300_000, 1_100_000),
    fc.constantFrom('x', 'é', '😀', '\u0000', 'a1'),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

const edgeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -(2 ** 63),
  2 ** 64,
  1e-320,
  INFINITY,
  NEGATIVE_INFINITY,
);

const deep = fc
  .tuple(fc.integer({ min: 20, max: 30_000 }), fc.boolean())
  .map(([depth, array]) => deepMarker(depth, array));

const ids = fc.constantFrom(
  '57DAB8B1894C409AB240BD8BEAE78896',
  '57dab8b1-894c-409a-b240-bd8beae78896',
  '',
  ' ',
  '-x',
  'a/b',
  '../..',
  'x'.repeat(201),
  'x'.repeat(200),
  '8:acs:abc_def',
  '+14255550123',
);

/** A replacement value: anything JSON can say, and the nasty cases. */
const values: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: weirdString },
  { weight: 2, arbitrary: hugeString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 2, arbitrary: ids },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, [[]], [{}], '') },
);

const keys = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.constantFrom(...KNOWN_KEYS),
  fc.string({ maxLength: 10 }),
  weirdString,
);

const at = fc.nat({ max: 10_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: values }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('addMember' as const), at, key: keys, value: values }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrapInArray' as const), at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('firstOfArray' as const), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('repeat' as const),
      at,
      times: fc.constantFrom(2, 50, 1001, 1500),
    }),
  },
);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({
    op: fc.constant('insert' as const),
    at,
    text: fc.oneof(fc.constantFrom(',', '}', ']', '"', '\\', '{', 'NaN', '\u0000'), weirdString),
  }),
  fc.record({
    op: fc.constant('replaceAll' as const),
    text: fc.oneof(
      fc.constantFrom('', 'null', '[]', '{}', '"x"', '1e400', '[[[[', '{"value":[]}', 'true'),
      fc.string({ maxLength: 40 }),
      fc.json({ maxDepth: 2 }),
    ),
  }),
);

const contentTypes = fc.constantFrom(
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  null,
);

/** Most cases mutate values only, so that the parsers (not the JSON parser) get exercised. */
export const fuzzCase = (seedCount: number): fc.Arbitrary<FuzzCase> =>
  fc.record(
    {
      seed: fc.nat({ max: seedCount - 1 }),
      mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
      text: fc.option(textMutation, { freq: 8 }).map((t) => t ?? undefined),
      callId: fc
        .option(fc.oneof(ids, weirdString, fc.string({ maxLength: 20 })), { freq: 4 })
        .map((t) => t ?? undefined),
      contentType: fc.option(contentTypes, { freq: 10 }).map((t) => t ?? undefined),
    },
    { requiredKeys: ['seed', 'mutations'] },
  );

type Container = Record<string, unknown> | unknown[];
interface Node {
  readonly parent?: Container;
  readonly key?: string | number;
  readonly value: unknown;
}

const nodesOf = (root: unknown): Node[] => {
  const nodes: Node[] = [{ value: root }];
  for (let i = 0; i < nodes.length; i += 1) {
    const { value } = nodes[i];
    if (Array.isArray(value))
      value.forEach((item, key) => nodes.push({ parent: value, key, value: item }));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value))
        nodes.push({ parent: value as Container, key, value: item });
    }
  }
  return nodes;
};

/** Sets an own member, `__proto__` included (JSON.parse makes such members too). */
const setMember = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });

const put = (root: { body: unknown }, node: Node, value: unknown) => {
  if (node.parent === undefined) root.body = value;
  else if (Array.isArray(node.parent)) node.parent[node.key as number] = value;
  else setMember(node.parent, node.key as string, value);
};

const applyMutation = (root: { body: unknown }, mutation: Mutation): void => {
  const nodes = nodesOf(root.body);
  const node = nodes[mutation.at % nodes.length];
  switch (mutation.op) {
    case 'replace':
      return put(root, node, mutation.value);
    case 'delete':
      if (node.parent === undefined) root.body = undefined;
      else if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
      else delete node.parent[node.key as string];
      return;
    case 'addMember': {
      const objects = nodes.filter(
        (n) => typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value),
      );
      if (objects.length === 0) return;
      const target = objects[mutation.at % objects.length].value as Record<string, unknown>;
      return void setMember(target, mutation.key, mutation.value);
    }
    case 'wrapInArray':
      return put(root, node, [node.value]);
    case 'firstOfArray':
      return put(root, node, Array.isArray(node.value) ? node.value[0] : node.value);
    case 'repeat': {
      const arrays = nodes.filter((n) => Array.isArray(n.value));
      if (arrays.length === 0) return;
      const array = arrays[mutation.at % arrays.length].value as unknown[];
      if (array.length === 0) return;
      // past the body limit is enough: hundreds of megabytes would only slow the fuzz down
      const size = JSON.stringify(array).length / array.length;
      const times = Math.min(mutation.times, Math.ceil(BODY_LIMIT_BYTES / size) + 1);
      // copies, not references: a later mutation of one must not grow them all
      const copies = Array.from({ length: times }, (_, i) =>
        structuredClone(array[i % array.length]),
      );
      array.splice(0, array.length, ...copies);
      return;
    }
  }
};

const expandPlaceholders = (text: string): string =>
  text
    .split(JSON.stringify(INFINITY))
    .join('1e400')
    .split(JSON.stringify(NEGATIVE_INFINITY))
    .join('-1e400')
    .replace(/"@@fuzz:deep:([ao]):(\d+)@@"/g, (_, kind: string, depth: string) => {
      const n = Number(depth);
      return kind === 'a'
        ? `${'['.repeat(n)}1${']'.repeat(n)}`
        : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    });

const applyText = (text: string, mutation: TextMutation): string => {
  switch (mutation.op) {
    case 'truncate':
      return text.slice(0, mutation.at % (text.length + 1));
    case 'insert': {
      const i = mutation.at % (text.length + 1);
      return `${text.slice(0, i)}${mutation.text}${text.slice(i)}`;
    }
    case 'replaceAll':
      return mutation.text;
  }
};

/** Like encodeURIComponent, but lone surrogates go as the UTF-8 of U+FFFD instead of throwing. */
const percentEncoded = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** The HTTP request a case stands for. */
export const toRequest = (seeds: readonly Seed[], fuzz: FuzzCase): FuzzRequest => {
  const seed = seeds[fuzz.seed];
  const root = { body: structuredClone(seed.body) };
  for (const mutation of fuzz.mutations) applyMutation(root, mutation);
  let body = root.body === undefined ? '' : expandPlaceholders(JSON.stringify(root.body));
  if (fuzz.text) body = applyText(body, fuzz.text);
  const callId = fuzz.callId === undefined ? undefined : percentEncoded(fuzz.callId);
  return {
    path: pathOf(seed, callId),
    body,
    contentType: fuzz.contentType === undefined ? 'application/json' : fuzz.contentType,
  };
};

/** What fast-check prints for a failing case: huge strings cut short. */
export const describeCase = (seeds: readonly Seed[], fuzz: FuzzCase): string =>
  JSON.stringify({ ...fuzz, seed: `${fuzz.seed} (${seeds[fuzz.seed].name})` }, (_, value) =>
    typeof value === 'string' && value.length > 60
      ? `${value.slice(0, 40)}…(${value.length} chars)`
      : value,
  );
