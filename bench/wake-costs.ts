/**
 * What waking a thread costs on this machine, which every hop of a notification pays (the HTTP
 * loop, the store's writer thread, the projection and publisher threads, the broker's sockets):
 * the process's CPU per tick of a bare timer, and per round trip of a message to a worker thread
 * and back, at 50, 300 and 1,000 a second; and one system call. On the bench's virtual machine these
 * cost several times what they do on bare metal, and more at low rates than at high ones (the
 * README's Performance section). Last, the same JavaScript work (parsing and serialising a
 * notification's body) back to back and after the thread slept: a thread woken after a sleep
 * starts with cold caches, so each wake-up also makes the work it does dearer.
 *
 *   npx ts-node --transpile-only bench/wake-costs.ts
 */
import { fstatSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { graphBatch, TrafficStream } from './lib/payloads';

const WARM_UP_MS = 1_500;
const MEASURE_MS = 5_000;

/** CPU µs of this process per `tick`, ticking `rate` times a second. */
const perTick = (rate: number, tick: (done: () => void) => void): Promise<number> =>
  new Promise((resolve) => {
    let counting = false;
    let ticks = 0;
    let cpu = process.cpuUsage();
    const timer = setInterval(() => tick(() => counting && ticks++), 1000 / rate);
    setTimeout(() => {
      counting = true;
      cpu = process.cpuUsage();
    }, WARM_UP_MS);
    setTimeout(() => {
      clearInterval(timer);
      const used = process.cpuUsage(cpu);
      resolve((used.user + used.system) / ticks);
    }, WARM_UP_MS + MEASURE_MS);
  });

/** Mean wall-clock µs of `work` (no waiting inside), run `times` times with `sleepMs` between. */
const coldness = async (work: () => void, sleepMs: number, times: number): Promise<number> => {
  let total = 0;
  for (let i = 0; i < times; i++) {
    if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
    const started = performance.now();
    work();
    total += performance.now() - started;
  }
  return (total / times) * 1000;
};

const main = async () => {
  const worker = new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));",
    { eval: true },
  );
  let answered: (() => void) | undefined;
  worker.on('message', () => answered?.());
  for (const rate of [50, 300, 1000]) {
    const timer = await perTick(rate, (done) => done());
    const roundTrip = await perTick(rate, (done) => {
      answered = done;
      worker.postMessage(0);
    });
    console.log(
      `${String(rate).padStart(5)}/s: a timer tick ${timer.toFixed(0)} µs of CPU, ` +
        `a round trip to a worker thread ${roundTrip.toFixed(0)} µs`,
    );
  }
  await worker.terminate();
  const fd = openSync(__filename, 'r');
  const calls = 200_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fstatSync(fd);
  const ns = Number(process.hrtime.bigint() - started) / calls;
  console.log(`one system call (fstat): ${(ns / 1000).toFixed(2)} µs`);
  const body = JSON.stringify(graphBatch([new TrafficStream(1, 50, 0, 1).next().body]));
  const work = () => {
    for (let i = 0; i < 20; i++) JSON.stringify(JSON.parse(body));
  };
  await coldness(work, 0, 3_000); // warm-up: optimised code
  const hot = await coldness(work, 0, 3_000);
  const cold = [];
  for (const sleepMs of [1, 5, 20, 50]) {
    cold.push(`${sleepMs} ms: ${((await coldness(work, sleepMs, 200)) / hot).toFixed(2)}×`);
  }
  console.log(
    `the same work (20 × parse and serialise a notification) back to back ${hot.toFixed(0)} µs; ` +
      `after a sleep of ${cold.join(', ')}`,
  );
};

void main();
