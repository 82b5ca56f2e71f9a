import { Worker } from 'node:worker_threads';
import { stopThread } from './stop-thread';

/** A thread that ends by itself when told to stop, unless it was started to ignore that. */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const keepAlive = setInterval(() => undefined, 1000);
parentPort.on('message', () => {
  if (workerData.ignoreStop) return;
  clearInterval(keepAlive);
  parentPort.close();
});
`;

const started = (ignoreStop: boolean) => {
  const worker = new Worker(THREAD, { eval: true, workerData: { ignoreStop } });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, exited, ask: () => worker.postMessage('stop') };
};

describe('stopThread', () => {
  it('lets a thread that stops end by itself (exit code 0), without terminating it', async () => {
    const thread = started(false);
    const warnings: string[] = [];
    await expect(
      stopThread({ ...thread, timeoutMs: 10_000, warn: (m) => warnings.push(m) }),
    ).resolves.toBe('ended');
    expect(warnings).toEqual([]);
    await expect(thread.exited).resolves.toBe(0);
  });

  it('terminates a thread still running after the timeout (exit code 1)', async () => {
    const thread = started(true);
    const startedAt = Date.now();
    const warnings: string[] = [];
    await expect(
      stopThread({
        ...thread,
        timeoutMs: 200,
        name: 'a deaf thread',
        warn: (m) => warnings.push(m),
      }),
    ).resolves.toBe('terminated');
    expect(warnings).toEqual(['a deaf thread did not stop in 200 ms; terminated']);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    await expect(thread.exited).resolves.toBe(1);
  });
});
