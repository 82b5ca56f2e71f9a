import { Counter, Gauge, Registry } from 'prom-client';

/** `tracker_read_queries_waiting`: queries asked of the query threads and not answered yet. */
export const registerQueriesWaiting = (registry: Registry, waiting: () => number): void => {
  new Gauge({
    name: 'tracker_read_queries_waiting',
    help: 'Read-model queries (REST and gRPC reads) asked of the query threads and not answered yet',
    registers: [registry],
    collect() {
      this.set(waiting());
    },
  });
};

/** `tracker_read_queries_refused_total`: reads refused at once past QUERY_QUEUE_LIMIT. */
export const readsRefusedCounter = (registry: Registry): Counter =>
  new Counter({
    name: 'tracker_read_queries_refused_total',
    help: 'Read-model queries refused at once (503, UNAVAILABLE) because QUERY_QUEUE_LIMIT queries were waiting',
    registers: [registry],
  });
