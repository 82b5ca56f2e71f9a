import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by the calling thread, from Linux's
 * `/proc/thread-self/stat`; undefined elsewhere. Node 20 gives only the process's total, and the
 * split between the event loop, the store's writer and the projection is what tells which one a
 * load saturates. (The writer thread, plain JavaScript, reads the same file the same way.)
 */
export const threadCpuSeconds = (): number | undefined => {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
};

/** `getconf CLK_TCK`: 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
