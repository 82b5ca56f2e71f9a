/** Drops members whose value is undefined, so that events and views serialise without holes. */
export const compact = <T extends object>(value: T): T => {
  // A plain loop: this runs for every event and view, and entries/filter/fromEntries allocate a lot.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    setOwn(out, key, member);
  }
  return out as T;
};

/**
 * `target[key] = value`, except that a `__proto__` key (it can come from the wire) becomes an own
 * member instead of replacing the prototype. Plain assignment, because this runs for every member.
 */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
};
