/**
 * What a worker thread of the service costs in resident memory, each figure against the same
 * process before (one core): the EventStoreDB client library loaded (every worker thread loaded it
 * before it was loaded on first use), and one and two query threads from the built bundle.
 * Run after `npm run build`: `npx ts-node --transpile-only -r tsconfig-paths/register bench/worker-memory.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const worker = join(__dirname, '../dist/apps/tracker/query-worker.js');

/** RSS growth (MB) of a fresh Node process running `script`, after the script's own settling. */
const growth = (script: string): number =>
  Number(
    execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      cwd: join(__dirname, '..'),
    }),
  );

const measure = (setup: string) => `
  const before = process.memoryUsage().rss;
  const done = () => setTimeout(() => { process.stdout.write(String((process.memoryUsage().rss - before) / 2 ** 20)); process.exit(0); }, 500);
  ${setup}`;

const queryThreads = (count: number, readModelPath: string) =>
  measure(`
  const { Worker } = require('node:worker_threads');
  let ready = 0;
  for (let i = 0; i < ${count}; i++) {
    new Worker(${JSON.stringify(worker)}, { workerData: { readModelPath: ${JSON.stringify(readModelPath)} } })
      .on('message', (m) => { if (m.kind === 'ready' && ++ready === ${count}) done(); });
  }`);

const dir = mkdtempSync(join(tmpdir(), 'worker-memory-'));
try {
  const path = join(dir, 'read-model.db');
  const rounds = (script: string) => {
    const values = [1, 2, 3].map(() => growth(script)).sort((a, b) => a - b);
    return values[1].toFixed(1);
  };
  process.stdout.write(`nothing loaded: +${rounds(measure('done();'))} MB (median of 3)\n`);
  process.stdout.write(
    `@eventstore/db-client loaded: +${rounds(measure("require('@eventstore/db-client'); done();"))} MB\n`,
  );
  process.stdout.write(`one query thread: +${rounds(queryThreads(1, path))} MB\n`);
  process.stdout.write(`two query threads: +${rounds(queryThreads(2, path))} MB\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
