import { Samples, StallWindows } from './stats';

describe('Samples', () => {
  it('gives nearest-rank percentiles over everything added, growing past its first buffer', () => {
    const samples = new Samples();
    for (let ms = 2000; ms >= 1; ms--) samples.add(ms); // out of order, and over 1,024 of them
    expect(samples.summary()).toEqual({
      count: 2000,
      mean: 1000.5,
      p50: 1000,
      p90: 1800,
      p99: 1980,
      max: 2000,
    });
  });
});

describe('StallWindows', () => {
  it('counts only the slow requests, by the window they were due in, the fullest first', () => {
    const start = 10_007; // not a multiple of the window: windows start at the run's start
    const windows = new StallWindows(50, 20);
    windows.add(start + 5, 20); // not slower than 20 ms
    windows.add(start + 10, 25);
    windows.add(start + 120, 30);
    windows.add(start + 130, 90);
    windows.add(start + 149, 21);
    windows.add(start + 150, 40); // the next window

    expect(windows.summary(start)).toEqual({
      windowMs: 50,
      slowMs: 20,
      slow: 5,
      windowsWithSlow: 3,
      worst: [
        { atS: 0.1, slow: 3, maxMs: 90 },
        { atS: 0, slow: 1, maxMs: 25 },
        { atS: 0.15, slow: 1, maxMs: 40 },
      ],
    });
    expect(windows.summary(start, 1).worst).toEqual([{ atS: 0.1, slow: 3, maxMs: 90 }]);
  });
});
