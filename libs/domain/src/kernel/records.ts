/**
 * Ids come from the wire: a participant or operation could be called `__proto__` or `constructor`.
 * Reading records through `own` never sees the prototype, and writing through `withEntry` defines
 * an own property (a computed key in a literal does not call the `__proto__` setter).
 */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

export const withEntry = <T>(
  record: Readonly<Record<string, T>>,
  key: string,
  value: T,
): Record<string, T> => ({ ...record, [key]: value });

/** Sorted, without repeats: sets kept as arrays so that the state stays plain JSON and order-free. */
export const sortedUnion = (values: readonly string[], ...more: (string | undefined)[]): string[] =>
  [...new Set([...values, ...more.filter((v): v is string => v !== undefined)])].sort();

export const sortedValues = <T>(record: Readonly<Record<string, T>>): T[] =>
  Object.keys(record)
    .sort()
    .map((key) => record[key]);
