import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { registerThreadCpu } from './thread-cpu-metrics';

/** Request durations, in seconds: webhooks answer in milliseconds, a slow store in seconds. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The service's one Prometheus registry (one per app instance, so tests can run several apps in
 * one process), with the process's default metrics (CPU, memory, heap, event-loop lag, GC) and
 * the metrics of the HTTP edge. Each part of the service registers its own metrics on
 * `registry` where its counts are made (ingest, auth, store, projection, fan-out, commands).
 */
export class TrackerMetrics {
  readonly registry = new Registry();

  /** By route pattern (`/api/calls/:callId`, never the URL with its ids), method and status. */
  readonly httpDuration = new Histogram({
    name: 'tracker_http_request_duration_seconds',
    help: 'HTTP requests from arrival to the last byte of the reply, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  /**
   * By full method name (`/comms.tracker.v1.CallTracker/GetCall`) and status code name; a stream
   * (WatchCall) from its start to its status.
   */
  readonly grpcDuration = new Histogram({
    name: 'tracker_grpc_request_duration_seconds',
    help: 'gRPC calls from arrival to their status, by method and status code (streams for their whole life)',
    labelNames: ['method', 'code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: 'tracker_http_rejections_total',
    help: 'Requests answered with a 4xx, by status and reason (for 400, what was wrong)',
    labelNames: ['status', 'reason'] as const,
    registers: [this.registry],
  });

  /**
   * The service's worker threads by name (store_writer, projection, publisher, query_N): their Linux thread
   * id once known, for `tracker_thread_cpu_seconds`.
   */
  readonly threads = new Map<string, () => number | undefined>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    registerThreadCpu(this.registry, this.threads);
    // Gauges whose names end in _total, which Prometheus reserves for counters (promtool check
    // metrics refuses them); each is the sum of its labelled twin (nodejs_active_handles{type}, …).
    for (const name of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(name);
  }

  rejected(status: number, reason: string): void {
    this.rejections.inc({ status: String(status), reason });
  }
}
