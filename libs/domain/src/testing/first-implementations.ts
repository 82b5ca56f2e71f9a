import { isSecretKey } from '../secrets/redact-secrets';

/**
 * The first, plain implementations of two hot-path functions, kept as references: the specs check
 * that today's faster ones write exactly the same (stored notification keys hash the canonical
 * text), and bench/hot-path-micro.ts measures one against the other.
 */
export const firstCanonicalJson = (value: unknown): string => write(value) ?? 'null';

const write = (value: unknown): string | undefined => {
  if (value === null) return 'null';
  if (typeof value !== 'object') return value === undefined ? undefined : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const text = write((value as Record<string, unknown>)[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
};

export const firstRedactSecrets = (payload: unknown) => {
  const removedPaths: string[] = [];
  const secrets: Record<string, unknown> = {};
  const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const walk = (value: unknown, path: string, parentKey = ''): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => walk(item, `${path}/${index}`));
    if (typeof value !== 'object' || value === null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const memberPath = `${path}/${escape(key)}`;
      if (isSecretKey(key, parentKey)) {
        removedPaths.push(memberPath);
        secrets[memberPath] = member;
        continue;
      }
      Object.defineProperty(copy, key, {
        value: walk(member, memberPath, key),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  };
  return { redacted: walk(payload, ''), removedPaths: removedPaths.sort(), secrets };
};
