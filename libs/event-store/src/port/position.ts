/**
 * A global position. EventStoreDB positions are a (commit, prepare) pair; the embedded store uses
 * the same value for both. Positions are compared commit first, then prepare.
 */
export interface StorePosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const comparePositions = (a: StorePosition, b: StorePosition): number =>
  a.commit === b.commit
    ? Number(a.prepare - b.prepare === 0n ? 0n : a.prepare > b.prepare ? 1n : -1n)
    : a.commit > b.commit
      ? 1
      : -1;

/** `"commit/prepare"`: the form checkpoints, Kafka headers and the CLI use. */
export const formatPosition = (p: StorePosition): string => `${p.commit}/${p.prepare}`;

export const parsePosition = (text: string): StorePosition => {
  const match = /^(\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (!match)
    throw new Error(`not a store position: "${text}" (expected "commit/prepare" or a number)`);
  const commit = BigInt(match[1]);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
};
