/**
 * JSON with object keys sorted and `undefined` members dropped, so that two payloads that differ
 * only in key order or in absent-vs-undefined members serialise to the same text. Notification
 * keys and event ids are hashes of this text: a redelivery must hash the same.
 */
export const canonicalJson = (value: unknown): string => {
  const text = write(value);
  return text === undefined ? 'null' : text;
};

const write = (value: unknown): string | undefined => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      return writeObject(value);
  }
};

// One string grown in place, keys sorted in place: this runs on every notification (its key), and
// arrays of members, joins and template strings were a tenth of the ingest path's allocations.
const writeObject = (value: object): string | undefined => {
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      out += write(value[i]) ?? 'null';
    }
    return `${out}]`;
  }
  const keys = sortKeys(Object.keys(value));
  let out = '{';
  for (const key of keys) {
    const text = write((value as Record<string, unknown>)[key]);
    if (text === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(key);
    out += ':';
    out += text;
  }
  return `${out}}`;
};

/** Past this many keys Array.prototype.sort is the faster; below it, insertion sort allocates nothing. */
const INSERTION_SORT_MAX = 24;

/** Sorts in place in code-unit order (as `sort()` without a comparator does) and returns `keys`. */
const sortKeys = (keys: string[]): string[] => {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
};
