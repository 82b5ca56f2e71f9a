import { extname } from 'node:path';
import { Transferable, Worker } from 'node:worker_threads';
import { profilingExecArgv } from './thread-cpu';

/**
 * Starts the worker thread whose entry is `entry` + this file's extension: `.ts` from source
 * (ts-node, jest), where the worker needs the same loaders as the parent, and `.js` in the bundle,
 * where each worker entry is a file of its own beside main.js (webpack.config.js).
 */
export const startThread = (
  entry: string,
  workerData: unknown,
  transferList?: Transferable[],
): Worker => {
  const file = `${entry}${extname(__filename)}`;
  const execArgv = file.endsWith('.ts')
    ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register']
    : profilingExecArgv();
  return new Worker(file, { workerData, execArgv, transferList });
};
