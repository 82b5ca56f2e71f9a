// The one id rule lives with the domain's input limits (the parsers apply it to ids in bodies).
import { ID_RULE, isValidId } from '@tracker/domain';
import { invalidRequest } from './problem';

export { ID_RULE, isValidId };

/** Ids in paths: GUIDs in either form, or the platform's own opaque ids; see ID_RULE. */
export const validId = (field: string, value: string): string => {
  if (!isValidId(value)) {
    throw invalidRequest([{ field, problem: ID_RULE }], 'invalid_id');
  }
  return value;
};
