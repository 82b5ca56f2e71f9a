import { readFileSync, readlinkSync } from 'node:fs';

/** `getconf CLK_TCK`: 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The Linux id of the calling thread (`/proc/thread-self` → `<pid>/task/<tid>`); undefined
 * elsewhere. A worker thread reports it once, and its parent reads that thread's CPU when asked
 * (`threadCpuSeconds`), so nothing is read on the worker's own hot path.
 */
export const osThreadId = (): number | undefined => {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
};

/**
 * CPU seconds (user + system) used so far by thread `tid` of this process (the calling thread
 * without one), from Linux's `/proc`; undefined elsewhere. Node 20 gives only the process's total,
 * and the split between the event loop, the store's writer and the projection is what tells which
 * one a load saturates.
 */
export const threadCpuSeconds = (tid?: number): number | undefined => {
  try {
    const stat = readFileSync(
      tid === undefined ? '/proc/thread-self/stat' : `/proc/self/task/${tid}/stat`,
      'utf8',
    );
    // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
};

/**
 * The parent's V8 profiling flags (`--cpu-prof`, `--cpu-prof-dir=…`), for a worker thread started
 * without the parent's other flags: a profiled process then writes one profile per thread.
 */
export const profilingExecArgv = (): string[] =>
  process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
