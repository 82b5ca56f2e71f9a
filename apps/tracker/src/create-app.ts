import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { grpcOptions } from './grpc/grpc-options';
import { ProblemFilter } from './http/problem.filter';
import { RedactingLogger } from './logging/redacting-logger';
import { instrumentHttp } from './metrics/http-metrics';
import { TrackerMetrics } from './metrics/tracker-metrics';
import { setupOpenApi } from './openapi/setup-openapi';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Builds the whole service (used by main.ts and by the end-to-end tests, on real ports): HTTP, and
 * gRPC on `config.grpc`, which starts with `app.startAllMicroservices()`, metrics on /metrics and
 * the OpenAPI document on /openapi.json (page: /docs).
 */
export const createApp = async (config: AppConfig): Promise<NestFastifyApplication> => {
  const metrics = new TrackerMetrics();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config, metrics),
    // Ids in paths may be up to 200 characters (the id rule); Fastify's default stops at 100.
    new FastifyAdapter({
      bodyLimit: config.http.bodyLimitBytes,
      routerOptions: { maxParamLength: 256 },
      // Errors Fastify raises before routing (a malformed %-escape in the path) get the API's
      // problem shape too, not Fastify's own body.
      frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => {
        metrics.rejected(400, 'malformed_url');
        reply.status(400).send({ error: 'invalid_request', message: error.message });
      },
    }),
    {
      logger: new RedactingLogger({
        logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1),
      }),
    },
  );
  instrumentHttp(app.getHttpAdapter().getInstance(), metrics);
  app.useGlobalFilters(new ProblemFilter(metrics));
  setupOpenApi(app);
  app.connectMicroservice(grpcOptions(config.grpc));
  return app;
};
