import type { FastifyInstance } from 'fastify';
import { TrackerMetrics } from './tracker-metrics';

/** The label of requests that matched no route: their paths are unbounded, so never a label. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request (rejected, unknown and framework-answered ones too) by the pattern of
 * the route that served it. Fastify hook, so it sees what Nest interceptors would miss: body
 * parser errors (413, 415), 404s of unknown paths, the docs.
 */
export const instrumentHttp = (fastify: FastifyInstance, metrics: TrackerMetrics): void => {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      {
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        method: request.method,
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
};
