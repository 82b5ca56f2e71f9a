const COMPACT_GUID = /^[0-9a-f]{32}$/i;
const DASHED_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Graph writes the same id as `57DAB8B1894C409AB240BD8BEAE78896` in resource URLs and as
 * `57dab8b1-894c-409a-b240-bd8beae78896` in response bodies. The canonical form is the lower-case
 * dashed GUID when the id is a GUID in either spelling; any other id is kept exactly as given,
 * because call ids (and ACS participant ids such as `8:acs:…`) are not guaranteed to be GUIDs.
 */
export const canonicalId = (raw: string): string => {
  if (COMPACT_GUID.test(raw)) {
    const hex = raw.toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (DASHED_GUID.test(raw)) return raw.toLowerCase();
  return raw;
};

/** Whether two ids, each in any accepted spelling, name the same thing. */
export const sameId = (a: string, b: string): boolean => canonicalId(a) === canonicalId(b);

export const canonicalIdOrUndefined = (raw: string | undefined): string | undefined =>
  raw === undefined ? undefined : canonicalId(raw);

/**
 * The form under which an id is looked up: canonical, then lower-case, so that a raw id given in
 * any case (or, for a GUID, with or without dashes) finds what it names. Ids are compared this way
 * only for lookups; the tracker stores and returns them as they are.
 */
export const idLookupKey = (raw: string): string => canonicalId(raw).toLowerCase();
