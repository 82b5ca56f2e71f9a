/** Latency samples (ms) and their percentiles. */
export class Samples {
  private data = new Float64Array(1024);
  private n = 0;

  add(value: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = value;
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary {
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q: number) =>
      this.n === 0 ? NaN : sorted[Math.min(this.n - 1, Math.ceil(q * this.n) - 1)];
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += sorted[i];
    return {
      count: this.n,
      mean: round(this.n ? sum / this.n : NaN),
      p50: round(at(0.5)),
      p90: round(at(0.9)),
      p99: round(at(0.99)),
      max: round(this.n ? sorted[this.n - 1] : NaN),
    };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export const round = (x: number, digits = 2): number => {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Absolute wall-clock time in ms with sub-ms resolution, comparable across processes. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** What a Prometheus histogram counted between two readings of its cumulative buckets. */
export interface HistogramWindow {
  readonly count: number;
  /** The smallest bucket bound holding half / 99 % of the observations ('+Inf' if none does). */
  readonly p50AtMost: string;
  readonly p99AtMost: string;
  /** Share of the observations above each bound. */
  readonly above: Record<string, number>;
}

export const histogramWindow = (
  before: Record<string, number>,
  after: Record<string, number>,
): HistogramWindow => {
  const bounds = Object.keys(after).sort(
    (a, b) => (a === '+Inf' ? Infinity : Number(a)) - (b === '+Inf' ? Infinity : Number(b)),
  );
  const delta = (le: string) => (after[le] ?? 0) - (before[le] ?? 0);
  const count = delta('+Inf');
  const atMost = (q: number) => bounds.find((le) => delta(le) >= q * count) ?? '+Inf';
  const above: Record<string, number> = {};
  for (const le of bounds) if (le !== '+Inf') above[le] = count ? 1 - delta(le) / count : 0;
  return { count, p50AtMost: atMost(0.5), p99AtMost: atMost(0.99), above };
};

/** One line of a Prometheus text exposition: a metric's name, its labels as written, its value. */
export interface Sample {
  readonly name: string;
  readonly labels: string;
  readonly value: number;
}

export const samplesIn = (text: string): Sample[] =>
  [...text.matchAll(/^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/gm)].map((m) => ({
    name: m[1],
    labels: m[2] ?? '',
    value: Number(m[3]),
  }));

const labelIn = (labels: string, label: string): string | undefined =>
  new RegExp(`${label}="([^"]*)"`).exec(labels)?.[1];

/** Each metric's value by name, labels ignored (the last series written wins). */
export const valuesByName = (text: string): Record<string, number> =>
  Object.fromEntries(samplesIn(text).map((sample) => [sample.name, sample.value]));

/** `tracker_thread_cpu_seconds` by thread (main, store_writer, projection, …). */
export const threadCpuIn = (text: string): Record<string, number> =>
  Object.fromEntries(
    samplesIn(text)
      .filter((sample) => sample.name === 'tracker_thread_cpu_seconds')
      .flatMap((sample) => {
        const thread = labelIn(sample.labels, 'thread');
        return thread ? [[thread, sample.value]] : [];
      }),
  );

const seriesIn = (text: string, name: string, having: string) =>
  samplesIn(text).filter((sample) => sample.name === name && sample.labels.includes(having));

/** A sample's value (the first whose labels include `having`), 0 when absent. */
export const sampleIn = (text: string, name: string, having = ''): number =>
  seriesIn(text, name, having)[0]?.value ?? 0;

/** A histogram's cumulative bucket counts by upper bound (`le`), for the series with `having`. */
export const bucketsIn = (text: string, name: string, having = ''): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const { labels, value } of seriesIn(text, `${name}_bucket`, having)) {
    const le = labelIn(labels, 'le');
    if (le) out[le] = value;
  }
  return out;
};

/** The windows of a run where requests were slow, to tell a few long stalls from a slow average. */
export interface StallSummary {
  /** Width of a window, by the instants the requests were due. */
  readonly windowMs: number;
  /** Requests slower than `slowMs`, and how many windows held them. */
  readonly slowMs: number;
  readonly slow: number;
  readonly windowsWithSlow: number;
  /** The windows holding the most slow requests: offset from the start (s), slow count, worst ms. */
  readonly worst: ReadonlyArray<{
    readonly atS: number;
    readonly slow: number;
    readonly maxMs: number;
  }>;
}

/** Collects the slow requests of a run; `summary` puts them in windows from the run's start. */
export class StallWindows {
  private readonly slow: Array<{ readonly dueAt: number; readonly latencyMs: number }> = [];

  constructor(
    private readonly windowMs = 50,
    private readonly slowMs = 20,
  ) {}

  add(dueAt: number, latencyMs: number): void {
    if (latencyMs > this.slowMs) this.slow.push({ dueAt, latencyMs });
  }

  summary(startMs: number, top = 30): StallSummary {
    const windows = new Map<number, { slow: number; maxMs: number }>();
    for (const { dueAt, latencyMs } of this.slow) {
      const key = Math.floor((dueAt - startMs) / this.windowMs);
      const w = windows.get(key) ?? { slow: 0, maxMs: 0 };
      w.slow += 1;
      w.maxMs = Math.max(w.maxMs, latencyMs);
      windows.set(key, w);
    }
    const worst = [...windows.entries()]
      .sort(([, a], [, b]) => b.slow - a.slow)
      .slice(0, top)
      .map(([key, w]) => ({
        atS: round((key * this.windowMs) / 1000, 2),
        slow: w.slow,
        maxMs: round(w.maxMs, 1),
      }));
    return {
      windowMs: this.windowMs,
      slowMs: this.slowMs,
      slow: this.slow.length,
      windowsWithSlow: windows.size,
      worst,
    };
  }
}
