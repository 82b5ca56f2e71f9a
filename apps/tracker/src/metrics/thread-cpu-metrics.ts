import { Gauge, Registry } from 'prom-client';
import { EmbeddedEventStore, EventStore, threadCpuSeconds } from '@tracker/event-store';
import type { Projection } from '@tracker/read-model';

/**
 * `tracker_thread_cpu_seconds{thread}`: the CPU each of the service's own threads has used — the
 * event loop answering HTTP and gRPC (`main`), the embedded store's writer (`store_writer`), the
 * projection's thread (`projection`), and those other modules name in `threads` (the Kafka
 * publisher's thread, `publisher`). The process's total (`process_cpu_seconds_total`) less these
 * is V8's helpers (GC, compilers) and libuv's pool. Linux only; absent elsewhere.
 */
export const registerThreadCpu = (
  registry: Registry,
  store: EventStore,
  projection: Projection,
  threads: ReadonlyMap<string, () => number | undefined>,
): void => {
  new Gauge({
    name: 'tracker_thread_cpu_seconds',
    help: "CPU seconds used by each of the service's threads (main, store_writer, projection, publisher)",
    labelNames: ['thread'] as const,
    registers: [registry],
    collect() {
      const named = [...threads].map(([name, osThreadId]) => {
        const id = osThreadId();
        return [name, id === undefined ? undefined : threadCpuSeconds(id)] as const;
      });
      const seconds = {
        main: threadCpuSeconds(),
        store_writer: store instanceof EmbeddedEventStore ? store.writerCpuSeconds : undefined,
        projection:
          projection.status.osThreadId === undefined
            ? undefined
            : threadCpuSeconds(projection.status.osThreadId),
        ...Object.fromEntries(named),
      };
      for (const [thread, used] of Object.entries(seconds)) {
        if (used !== undefined) this.set({ thread }, used);
      }
    },
  });
};
