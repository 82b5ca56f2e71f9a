import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { checkJsonShape, type JsonPath } from '@tracker/domain';
import { FieldProblem, invalidRequest } from './problem';

type Constructor<T> = new () => T;

const ENVELOPE = 'invalid_envelope';

const flatten = (errors: readonly ValidationError[], prefix = ''): FieldProblem[] =>
  errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((problem) => ({ field, problem }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** `value[0].resourceData`, the spelling class-validator problems use. */
const fieldPath = (prefix: string, path: JsonPath): string =>
  path.reduce<string>(
    (field, segment) =>
      typeof segment === 'number'
        ? `${field}[${segment}]`
        : field
          ? `${field}.${segment}`
          : segment,
    prefix,
  ) || 'body';

/**
 * Validates a parsed JSON body against a class-validator DTO and returns the typed instance, or
 * throws a 400 that names every offending field by its path. Only the envelope is strict: open
 * parts such as `resourceData` are typed loosely on purpose and parsed tolerantly by the domain.
 */
export const validateBody = <T extends object>(
  dto: Constructor<T>,
  body: unknown,
  prefix = '',
): T => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest([{ field: prefix || 'body', problem: 'must be a JSON object' }], ENVELOPE);
  }
  // Before anything recursive walks it: a deeply nested body would overflow the stack (a 500).
  const shape = checkJsonShape(body);
  if (shape !== undefined) {
    throw invalidRequest(
      [{ field: fieldPath(prefix, shape.path), problem: shape.problem }],
      ENVELOPE,
    );
  }
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw invalidRequest(flatten(errors, prefix), ENVELOPE);
  return instance;
};
