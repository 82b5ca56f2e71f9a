import { MAX_JSON_DEPTH, MAX_OBJECT_MEMBERS } from './input-limits';

/** Where a JSON value sits: object member names and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

export interface ShapeProblem {
  readonly path: JsonPath;
  readonly problem: string;
}

export interface ShapeLimits {
  readonly maxDepth: number;
  readonly maxMembers: number;
}

/**
 * Prototype-pollution names: no Graph or ACS payload uses them, and a `constructor` member that is
 * not a function makes class-transformer throw (a 500).
 */
const RESERVED_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);
export const RESERVED_MEMBER_RULE =
  'member names __proto__, constructor and prototype are not allowed';

const DEFAULT_LIMITS: ShapeLimits = { maxDepth: MAX_JSON_DEPTH, maxMembers: MAX_OBJECT_MEMBERS };

/**
 * Checks the nesting, the width and the member names of parsed JSON without recursion, so that a hostile body
 * (100 000 nested arrays fit in 200 kB) is refused before anything recursive walks it. At most
 * `maxDepth` arrays and objects may be nested in one another (`{"a":[1]}` is 2 levels).
 */
export const checkJsonShape = (
  root: unknown,
  limits: ShapeLimits = DEFAULT_LIMITS,
): ShapeProblem | undefined => {
  const stack: { value: unknown; path: JsonPath }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= limits.maxDepth) {
      return { path, problem: `must not nest deeper than ${limits.maxDepth} levels` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[i], path: [...path, i] });
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > limits.maxMembers) {
      return {
        path,
        problem: `must have at most ${limits.maxMembers} members (got ${keys.length})`,
      };
    }
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      if (RESERVED_MEMBERS.has(keys[i])) {
        return { path: [...path, keys[i]], problem: RESERVED_MEMBER_RULE };
      }
      stack.push({ value: (value as Record<string, unknown>)[keys[i]], path: [...path, keys[i]] });
    }
  }
  return undefined;
};

interface Visit {
  readonly value: unknown;
  readonly key?: string | number;
  readonly parent?: Visit;
}

const pathOf = (visit: Visit): JsonPath => {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
};

/**
 * The place of the first value (in document order) for which `test` holds, given the value and
 * the member name or index it sits under. Without recursion and without copying paths while it
 * walks, so that any nesting the body limit lets through costs one pass.
 */
export const findInJson = (
  root: unknown,
  test: (value: unknown, key: string | number | undefined) => boolean,
): JsonPath | undefined => {
  const stack: Visit[] = [{ value: root }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (test(value, visit.key)) return pathOf(visit);
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[i], key: i, parent: visit });
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      stack.push({
        value: (value as Record<string, unknown>)[keys[i]],
        key: keys[i],
        parent: visit,
      });
    }
  }
  return undefined;
};

/** `/value/0/resourceData` (RFC 6901). */
export const toPointer = (path: JsonPath): string =>
  path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
