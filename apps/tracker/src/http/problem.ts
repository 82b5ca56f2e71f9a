import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * One wrong part of a request: in the body, a JSON Pointer (`/value/0/changeType`; `body` for the
 * whole body); otherwise the parameter's or header's name (`callId`, `WebHook-Request-Origin`).
 */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** Every error the API returns has this JSON shape. */
export interface ProblemBody {
  readonly error: string;
  readonly message: string;
  readonly details?: readonly FieldProblem[];
}

/**
 * What kind of bad request a 400 is, counted in `tracker_http_rejections_total{reason}` (never
 * sent: the body's details say what is wrong). Add a kind where a new check is written.
 */
export type InvalidKind =
  | 'malformed_body' // not JSON, empty, bad Content-Length (Fastify's body parser)
  | 'malformed_url' // a path Fastify cannot decode
  | 'invalid_id' // an id in the path breaks the id rule
  | 'invalid_envelope' // the body's envelope: batch bounds, nesting, members the contract fixes
  | 'invalid_notification' // a notification the domain's parser refuses (limits, ids, shapes)
  | 'invalid_request';

export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    body: ProblemBody,
    readonly headers: Record<string, string> = {},
    /** The rejection's reason in metrics: the body's `error` unless a 400 says which kind. */
    readonly reason: string = body.error,
  ) {
    super(body, status);
  }
}

export const invalidRequest = (
  details: readonly FieldProblem[],
  kind: InvalidKind = 'invalid_request',
): ProblemException =>
  new ProblemException(
    HttpStatus.BAD_REQUEST,
    {
      error: 'invalid_request',
      message: details.map((d) => `${d.field}: ${d.problem}`).join('; '),
      details,
    },
    {},
    kind,
  );

/** A 503 the caller should retry (Graph and ACS redeliver on it): never a 202, never a 4xx. */
export const unavailable = (error: string, message: string): ProblemException =>
  new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, { error, message }, { 'Retry-After': '2' });

export const notFound = (what: string, id: string): ProblemException =>
  new ProblemException(HttpStatus.NOT_FOUND, {
    error: 'not_found',
    message: `${what} "${id}" is not known`,
  });
