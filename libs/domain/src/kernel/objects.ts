/** Drops members whose value is undefined, so that events and views serialise without holes. */
export const compact = <T extends object>(value: T): T => {
  // A plain loop: this runs for every event and view, and entries/filter/fromEntries allocate a lot.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    // Keys can come from the wire: define `__proto__` as an own member, as fromEntries did.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: member,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = member;
  }
  return out as T;
};
