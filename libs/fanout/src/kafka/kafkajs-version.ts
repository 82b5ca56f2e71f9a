/** The kafkajs version this folder's changes to kafkajs internals were checked against. */
const CHECKED_KAFKAJS = /^2\.2\./;

export const kafkajsVersion = (): string =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('kafkajs/package.json') as { version: string }).version;

/**
 * The one way this folder changes kafkajs internals: once (`flag` on `marked` says it is done),
 * only on the checked version, and only when `expected()` finds the shape the change was checked
 * against. Returns whether the change is in place.
 */
export const changeKafkajs = (change: {
  readonly marked: object;
  readonly flag: symbol;
  readonly version: string;
  readonly expected: () => boolean;
  readonly apply: () => void;
}): boolean => {
  if ((change.marked as Record<symbol, unknown>)[change.flag]) return true;
  if (!CHECKED_KAFKAJS.test(change.version) || !change.expected()) return false;
  change.apply();
  Object.defineProperty(change.marked, change.flag, { value: true });
  return true;
};
