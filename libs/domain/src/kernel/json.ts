/** Plain JSON: what the state, the views and every event are made of (they go to Kafka as JSON). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type UnknownRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is UnknownRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Tolerant reading: a member that should be an object and is not reads as an empty one. */
export const asRecord = (value: unknown): UnknownRecord => (isRecord(value) ? value : {});

/**
 * Graph and ACS disagree on key case (`subcode`/`subCode`, `resultInfo`/`resultInformation`,
 * `@odata.type`/`@odata.Type` in old payloads), so lookups try the exact names first and then
 * any key that matches one of them case-insensitively.
 */
export const field = (record: UnknownRecord, ...names: string[]): unknown => {
  for (const name of names) {
    if (Object.hasOwn(record, name)) return record[name];
  }
  const keys = Object.keys(record);
  for (const name of names) {
    const lower = name.toLowerCase();
    const key = keys.find((candidate) => candidate.toLowerCase() === lower);
    if (key !== undefined) return record[key];
  }
  return undefined;
};

/** A non-empty string, or undefined: an empty string carries no information in these payloads. */
export const stringField = (record: UnknownRecord, ...names: string[]): string | undefined => {
  const value = field(record, ...names);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export const recordField = (
  record: UnknownRecord,
  ...names: string[]
): UnknownRecord | undefined => {
  const value = field(record, ...names);
  return isRecord(value) ? value : undefined;
};

export const booleanField = (record: UnknownRecord, ...names: string[]): boolean | undefined => {
  const value = field(record, ...names);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  return undefined;
};

export const numberField = (record: UnknownRecord, ...names: string[]): number | undefined => {
  const value = field(record, ...names);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
};

export const stringArrayField = (record: UnknownRecord, ...names: string[]): string[] => {
  const value = field(record, ...names);
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
};
