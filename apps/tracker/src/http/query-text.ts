import { invalidRequest } from './problem';

/**
 * An optional query-string parameter that must be one non-empty string of at most `maxLength`
 * characters (`?context=a&context=b` arrives as an array and is refused, not half-read).
 */
export const optionalQueryText = (
  field: string,
  value: unknown,
  maxLength: number,
): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > maxLength) {
    throw invalidRequest([{ field, problem: `must be given once, as 1–${maxLength} characters` }]);
  }
  return value;
};
