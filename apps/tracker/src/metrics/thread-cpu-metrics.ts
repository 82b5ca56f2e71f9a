import { Gauge, Registry } from 'prom-client';
import { threadCpuSeconds } from '@tracker/event-store';

/**
 * `tracker_thread_cpu_seconds{thread}`: the CPU each of the service's own threads has used — the
 * event loop answering HTTP and gRPC (`main`), and the worker threads the modules name in
 * `threads` by their Linux id: the embedded store's writer (`store_writer`), the projection
 * (`projection`), the Kafka publisher (`publisher`), the query threads (`query_1`, …). The process's total
 * (`process_cpu_seconds_total`) less these is V8's helpers (GC, compilers) and libuv's pool.
 * Linux only; absent elsewhere.
 */
export const registerThreadCpu = (
  registry: Registry,
  threads: ReadonlyMap<string, () => number | undefined>,
): void => {
  new Gauge({
    name: 'tracker_thread_cpu_seconds',
    help: "CPU seconds used by each of the service's threads (main, store_writer, projection, publisher, query_N)",
    labelNames: ['thread'] as const,
    registers: [registry],
    collect() {
      const main = threadCpuSeconds();
      if (main !== undefined) this.set({ thread: 'main' }, main);
      for (const [thread, osThreadId] of threads) {
        const id = osThreadId();
        const used = id === undefined ? undefined : threadCpuSeconds(id);
        if (used !== undefined) this.set({ thread }, used);
      }
    },
  });
};
