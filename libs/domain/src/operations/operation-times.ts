import { isBefore, msBetween, type Instant } from '../kernel/instants';

/**
 * Where an instant comes from: the platform's own time for the fact (an ACS event's `time`, an
 * Event Grid `eventTime`), or the time the tracker received it (Graph notifications and bot
 * reports carry no time of their own).
 */
export type TimeSource = 'platform' | 'received';

/** When something happened, by the best clock known, with the receive time kept beside it. */
export interface Stamp {
  readonly at: Instant;
  readonly source: TimeSource;
  readonly receivedAt: Instant;
}

export const stampOf = (occurredAt: Instant | undefined, receivedAt: Instant): Stamp =>
  occurredAt === undefined
    ? { at: receivedAt, source: 'received', receivedAt }
    : { at: occurredAt, source: 'platform', receivedAt };

/**
 * The start to keep: the platform's time beats a receive time (the two clocks cannot be
 * compared); between two of the same kind the earlier wins, so the order of arrival never matters.
 */
export const isBetterStart = (candidate: Stamp, current: Stamp | undefined): boolean => {
  if (current === undefined) return true;
  if (candidate.source !== current.source) return candidate.source === 'platform';
  return isBefore(candidate.at, current.at);
};

/** A start as stored: facts recorded before platform times were kept are receive times. */
export const storedStamp = (
  at: Instant | undefined,
  source: TimeSource | undefined,
  receivedAt: Instant | undefined,
): Stamp | undefined =>
  at === undefined ? undefined : { at, source: source ?? 'received', receivedAt: receivedAt ?? at };

export const betterStart = (a: Stamp | undefined, b: Stamp | undefined): Stamp | undefined =>
  b === undefined ? a : isBetterStart(b, a) ? b : a;

/**
 * Duration between two stamps by one clock only: the platform's when both ends have it, otherwise
 * the tracker's receive times.
 */
export const durationBetween = (start: Stamp | undefined, end: Stamp | undefined) => {
  if (start === undefined || end === undefined) return undefined;
  return start.source === 'platform' && end.source === 'platform'
    ? msBetween(start.at, end.at)
    : msBetween(start.receivedAt, end.receivedAt);
};
