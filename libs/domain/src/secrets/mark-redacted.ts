/** What stands in for a removed secret when a stored payload is read again. */
export const REDACTED_MARKER = '[redacted]';

/**
 * A copy of a redacted payload with a marker at each path a secret was removed from, so that
 * re-reading it still sees that a token was given (`hasAccessToken`) without any secret in it.
 * Paths that no longer lead anywhere are ignored.
 */
export const markRedacted = (payload: unknown, paths: readonly string[]): unknown => {
  const copy: unknown = structuredClone(payload);
  for (const path of paths) {
    const segments = path.split('/').slice(1).map(unescapePointer);
    const key = segments.pop();
    const parent = segments.reduce<unknown>(
      (node, segment) =>
        typeof node === 'object' && node !== null && Object.hasOwn(node, segment)
          ? (node as Record<string, unknown>)[segment]
          : undefined,
      copy,
    );
    if (key !== undefined && typeof parent === 'object' && parent !== null) {
      Object.defineProperty(parent, key, {
        value: REDACTED_MARKER,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
};

const unescapePointer = (segment: string): string =>
  segment.replace(/~1/g, '/').replace(/~0/g, '~');
