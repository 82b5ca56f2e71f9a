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
import { StreamContendedError } from '@tracker/call-stream';
import { ReadModelBusyError, ReadModelUnavailableError } from '@tracker/read-model';
import { ProblemBody, ProblemException, unavailable } from './problem';

/** Where 4xx answers are counted (tracker_http_rejections_total). */
export interface RejectionCounter {
  rejected(status: number, reason: string): void;
}

interface Problem {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Record<string, string>;
  /** Why, for the rejection counter: the body's `error`, or a 400's kind. */
  readonly reason: string;
}

/**
 * Turns every error into the API's JSON problem shape. A store outage is a 503 with Retry-After, so
 * Graph and ACS redeliver; anything unexpected is a logged 500 without internals in the body.
 * Every 4xx is counted by status and reason.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly counter: RejectionCounter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers, reason } = this.describe(exception);
    if (status >= 400 && status < 500) this.counter.rejected(status, reason);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private describe(exception: unknown): Problem {
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`store unavailable: ${exception.message}`);
      return this.describe(
        unavailable('store_unavailable', 'the event store is unavailable; retry later'),
      );
    }
    if (exception instanceof ReadModelBusyError) {
      // Counted and logged by the query threads, not one line each.
      return this.describe(unavailable('read_model_busy', ReadModelBusyError.publicMessage));
    }
    if (exception instanceof ReadModelUnavailableError) {
      this.logger.warn(exception.message);
      return this.describe(
        unavailable('read_model_unavailable', 'the read model cannot answer now; retry later'),
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
      return {
        status: exception.getStatus(),
        body: exception.getResponse() as ProblemBody,
        headers: exception.headers,
        reason: exception.reason,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest hands Fastify's own errors (the body parser's: not JSON, empty, too large, wrong
      // content type) over as a plain HttpException; its built-ins and ours are subclasses.
      const bodyParser = exception.constructor === HttpException;
      return problem(
        status,
        exception.message,
        status === 400 && bodyParser ? 'malformed_body' : undefined,
      );
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Body parser errors (bad JSON, body too large, wrong content type) come from Fastify.
      return problem(fastifyStatus, (exception as Error).message);
    }
    this.logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
  }
}

const problem = (status: number, message: string, reason?: string): Problem => {
  const error = errorCode(status);
  return { status, body: { error, message }, headers: {}, reason: reason ?? error };
};

const errorCode = (status: number): string =>
  ({
    400: 'invalid_request',
    401: 'unauthorized',
    404: 'not_found',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    503: 'unavailable',
  })[status] ?? (status >= 500 ? 'internal' : 'request_failed');
