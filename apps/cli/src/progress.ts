import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (stdout stays pipeable), with rate and ETA when the total is known and a
 * running count and rate otherwise. Nothing is drawn when stderr is not a terminal.
 */
export const progressBar = (label: string, total: number | undefined): Progress => {
  const known = total !== undefined && total > 0;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: known
        ? `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`
        : `${label} {value} events | {rate}/s | {duration_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  let value = 0;
  bar.start(known ? total : 0, 0, { rate: '0' });
  return {
    increment(by = 1) {
      value += by;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      if (!known) bar.setTotal(value);
      bar.update(value, { rate: Math.round(value / seconds).toString() });
    },
    stop() {
      bar.stop();
    },
  };
};
