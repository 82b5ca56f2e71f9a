import fc from 'fast-check';
import { earliest, isBefore, latest } from './instants';

// Dates from year -2000 to 12000 (canonical ISO text for years 0–9999, six-digit years beyond),
// and dates within the same few seconds, where only the fractional part tells them apart.
const dates = fc.oneof(
  fc.date({
    min: new Date(Date.UTC(-2000, 0, 1)),
    max: new Date(Date.UTC(12000, 0, 1)),
    noInvalidDate: true,
  }),
  fc.integer({ min: 0, max: 3000 }).map((ms) => new Date(Date.UTC(2024, 4, 1, 10) + ms)),
);

/** An instant as platforms may write it: canonical, with a UTC offset, or without milliseconds. */
const formats = [
  (date: Date) => date.toISOString(),
  (date: Date) => date.toISOString().replace('Z', '+00:00'),
  (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
] as const;
const instants = fc.tuple(dates, fc.nat(formats.length - 1)).map(([date, format]) => {
  const exact = format === 2 ? new Date(Math.floor(date.getTime() / 1000) * 1000) : date;
  return { ms: exact.getTime(), text: formats[format](exact) };
});

describe('isBefore', () => {
  it('orders instants chronologically, canonical text or not', () => {
    fc.assert(
      fc.property(instants, instants, (a, b) => {
        expect(isBefore(a.text, b.text)).toBe(a.ms < b.ms);
      }),
    );
  });

  it('orders across the four-digit year boundary, where text order would not', () => {
    expect(isBefore('9999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z')).toBe(true);
  });

  it('keeps the earliest and the latest whatever the order', () => {
    const early = '2024-05-01T10:00:00.000Z';
    const late = '2024-05-01T10:00:00.001Z';
    expect([earliest(early, late), earliest(late, early), earliest(undefined, late)]).toEqual([
      early,
      early,
      late,
    ]);
    expect([latest(early, late), latest(late, early), latest(early, undefined)]).toEqual([
      late,
      late,
      early,
    ]);
  });
});
