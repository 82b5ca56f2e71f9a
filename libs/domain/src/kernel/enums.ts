/** A closed set of known values that stays open to values Microsoft adds later. */
export type Open<Known extends string> = Known | (string & {});

/**
 * Maps a value onto the known spelling when it matches case-insensitively (`Running` → `running`,
 * `TransferAccepted` → `transferAccepted`); anything else (`unknownFutureValue`, a new state) is
 * kept exactly as given, never rejected.
 */
export const normalizeEnum = <Known extends string>(
  value: string,
  known: readonly Known[],
): Open<Known> => {
  const lower = value.toLowerCase();
  return known.find((candidate) => candidate.toLowerCase() === lower) ?? value;
};

export const isOneOf = <Known extends string>(
  value: string | undefined,
  known: readonly Known[],
): value is Known => value !== undefined && (known as readonly string[]).includes(value);
