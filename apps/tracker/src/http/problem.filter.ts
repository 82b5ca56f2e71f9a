import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { StoreUnavailableError } from '@tracker/event-store';
import { StreamContendedError } from '../calls/stream-contended.error';
import { ProblemBody, ProblemException, unavailable } from './problem';

/**
 * Turns every error into the API's JSON problem shape. A store outage is a 503 with Retry-After, so
 * Graph and ACS redeliver; anything unexpected is a logged 500 without internals in the body.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body, headers] = this.describe(exception);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private describe(exception: unknown): [number, ProblemBody, Record<string, string>] {
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`store unavailable: ${exception.message}`);
      return this.describe(
        unavailable('store_unavailable', 'the event store is unavailable; retry later'),
      );
    }
    if (exception instanceof StreamContendedError) {
      this.logger.warn(exception.message);
      return this.describe(
        unavailable(
          'write_conflict',
          'other writers kept changing this call while the request was retried; retry later',
        ),
      );
    }
    if (exception instanceof ProblemException) {
      return [exception.getStatus(), exception.getResponse() as ProblemBody, exception.headers];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return [status, { error: errorCode(status), message: exception.message }, {}];
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Body parser errors (bad JSON, body too large, wrong content type) come from Fastify.
      return [
        fastifyStatus,
        { error: errorCode(fastifyStatus), message: (exception as Error).message },
        {},
      ];
    }
    this.logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: 'internal', message: 'internal error' }, {}];
  }
}

const errorCode = (status: number): string =>
  ({
    400: 'invalid_request',
    401: 'unauthorized',
    404: 'not_found',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    503: 'unavailable',
  })[status] ?? (status >= 500 ? 'internal' : 'request_failed');
