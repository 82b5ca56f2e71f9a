import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { grpcOptions } from './grpc/grpc-options';
import { JSON_MEDIA_TYPES, parseJsonBody, unsupportedMediaType } from './http/json-body';
import { useLeanAsyncBind } from './http/lean-async-bind';
import { ProblemFilter } from './http/problem.filter';
import { RedactingLogger } from './logging/redacting-logger';
import { instrumentHttp } from './metrics/http-metrics';
import { TrackerMetrics } from './metrics/tracker-metrics';
import { grpcMetricsInterceptor } from './metrics/grpc-metrics';
import { setupOpenApi } from './openapi/setup-openapi';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Builds the whole service (used by main.ts and by the end-to-end tests, on real ports): HTTP, and
 * gRPC on `config.grpc`, which starts with `app.startAllMicroservices()`, metrics on /metrics and
 * the OpenAPI document on /openapi.json (page: /docs).
 */
export const createApp = async (config: AppConfig): Promise<NestFastifyApplication> => {
  useLeanAsyncBind();
  const metrics = new TrackerMetrics();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config, metrics),
    new FastifyAdapter({
      bodyLimit: config.http.bodyLimitBytes,
      // Without these (Fastify's defaults are 0) a client that announces a body and goes silent,
      // or sends it a byte at a time, holds its connection forever.
      connectionTimeout: config.http.connectionTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      http: {
        headersTimeout: Math.min(config.http.requestTimeoutMs, 60_000),
        // How often Node looks for requests past their time (its default, 30 s, would let one
        // outlive a short HTTP_REQUEST_TIMEOUT_MS by that much).
        connectionsCheckingInterval: Math.min(1000, config.http.requestTimeoutMs),
      },
      // Ids in paths may be up to 200 characters (the id rule); Fastify's default stops at 100.
      routerOptions: { maxParamLength: 256 },
      // Errors Fastify raises before routing (a malformed %-escape in the path) get the API's
      // problem shape too, not Fastify's own body.
      frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => {
        metrics.rejected(400, 'malformed_url');
        reply.status(400).send({ error: 'invalid_request', message: error.message });
      },
    }),
    {
      bodyParser: false, // ours, below: JSON only, in UTF-8, exactly as sent
      logger: new RedactingLogger({
        logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1),
      }),
    },
  );
  useJsonBodies(app.getHttpAdapter().getInstance());
  instrumentHttp(app.getHttpAdapter().getInstance(), metrics);
  app.useGlobalFilters(new ProblemFilter(metrics));
  setupOpenApi(app);
  app.connectMicroservice(grpcOptions(config.grpc, [grpcMetricsInterceptor(metrics)]));
  return app;
};

/**
 * Bodies are JSON or nothing: Fastify's own parsers would take `text/plain` as a string (then a
 * 400 instead of a 415) and turn bytes that are not UTF-8 into U+FFFD without a word.
 */
const useJsonBodies = (fastify: FastifyInstance): void => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    [...JSON_MEDIA_TYPES],
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer, request.headers['content-type']));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // Every other type, and a body without one: refused before a byte of it is read.
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    if (request.is404)
      done(null, undefined); // an unknown path stays a 404
    else done(unsupportedMediaType(request.headers['content-type']), undefined);
  });
};
