/**
 * What a notification costs each of the service's threads at a steady rate: sends `rate`
 * notifications/s for `seconds` to a running service (process `pid`, HTTP `port`) and prints, per
 * thread, its wake-ups (voluntary context switches: each is the thread going to sleep and being
 * woken) and its CPU, each divided by the notifications, over the sending window. The service's
 * own threads are named by matching `tracker_thread_cpu_seconds` to /proc's totals; the rest are
 * V8's and libuv's. Run it through bench/thread-costs.sh, which starts the service and a broker.
 *
 *   npx ts-node --transpile-only bench/thread-costs.ts <pid> <port> <rate> <seconds>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { graphBatch, TrafficStream } from './lib/payloads';

const [pid, port, rate, seconds] = process.argv.slice(2).map(Number);
const tick = 1_000_000_000 / 100; // clock ticks (USER_HZ 100) in ns
const threads = () => {
  const out = new Map<string, { cs: number; cpu: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8')
        .trim()
        .replace(/\s+/g, '_');
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const v = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]);
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(f[11]) + Number(f[12])) * tick;
      const key = `${name}:${tid}`;
      out.set(key, { cs: v, cpu });
    } catch {
      /* thread gone */
    }
  }
  return out;
};
const main = async () => {
  const stream = new TrafficStream(Date.now() % 100000, 50, 0, 1);
  const send = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(graphBatch([stream.next().body])),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`status ${res.status}`);
  };
  for (let i = 0; i < rate * 2; i++) await send(); // warm-up
  await new Promise((r) => setTimeout(r, 1000));
  const before = threads();
  const total = rate * seconds;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send());
  }
  await Promise.all(pending);
  await new Promise((r) => setTimeout(r, 500));
  const after = threads();
  // Name the service's own threads: match tracker_thread_cpu_seconds{thread} to /proc's totals.
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const named = [
    ...metrics.matchAll(/tracker_thread_cpu_seconds\{thread="([^"]+)"\} ([0-9.e+-]+)/g),
  ].map((m) => [m[1], Number(m[2]) * 1e9] as const);
  const nameOf = new Map<string, string>();
  for (const [name, ns] of named) {
    let best = '';
    let diff = Infinity;
    for (const [key, a] of after) {
      const d = Math.abs(a.cpu - ns);
      if (d < diff) [best, diff] = [key, d];
    }
    if (diff < 0.05e9) nameOf.set(best, name);
  }
  nameOf.set(`node:${pid}`, 'main');
  const rows: string[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) continue;
    const cs = (a.cs - b.cs) / total;
    const cpuMs = (a.cpu - b.cpu) / 1e6 / total;
    if (cs > 0.05 || cpuMs > 0.01)
      rows.push(
        `${(nameOf.get(key) ?? `v8/libuv ${key.split(':')[1]}`).padEnd(24)} wakeups/notification ${cs.toFixed(2).padStart(6)}  cpu ms/notification ${cpuMs.toFixed(3)}`,
      );
  }
  let totalMs = 0;
  for (const [key, a] of after) totalMs += (a.cpu - (before.get(key)?.cpu ?? a.cpu)) / 1e6 / total;
  console.log(rows.sort().join('\n'));
  console.log(`all threads: cpu ms/notification ${totalMs.toFixed(3)} (${total} notifications)`);
};
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
