/**
 * The kafkajs version this folder's changes to kafkajs internals were checked against. Each change
 * also checks the shape of what it changes, and does nothing on another version.
 */
export const CHECKED_KAFKAJS = /^2\.2\./;

export const kafkajsVersion = (): string =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('kafkajs/package.json') as { version: string }).version;
