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

const writeObject = (value: object): string | undefined => {
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value));
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const text = write((value as Record<string, unknown>)[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
};
