import { invalidRequest } from './problem';

/** Ids in paths: GUIDs in either form, or the platform's own opaque ids; nothing that could surprise a log or a query. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:@=+-]{0,199}$/;

export const isValidId = (value: unknown): value is string =>
  typeof value === 'string' && ID.test(value);

export const ID_RULE = 'must be 1-200 characters of letters, digits and . _ : @ = + -';

export const validId = (field: string, value: string): string => {
  if (!isValidId(value)) {
    throw invalidRequest([{ field, problem: ID_RULE }]);
  }
  return value;
};
