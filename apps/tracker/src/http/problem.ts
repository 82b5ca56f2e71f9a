import { HttpException, HttpStatus } from '@nestjs/common';

/** One wrong field of a request, by its path in the body (`value[0].changeType`). */
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

export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    body: ProblemBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body, status);
  }
}

export const invalidRequest = (details: readonly FieldProblem[]): ProblemException =>
  new ProblemException(HttpStatus.BAD_REQUEST, {
    error: 'invalid_request',
    message: details.map((d) => `${d.field}: ${d.problem}`).join('; '),
    details,
  });

/** A 503 the caller should retry (Graph and ACS redeliver on it): never a 202, never a 4xx. */
export const unavailable = (error: string, message: string): ProblemException =>
  new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, { error, message }, { 'Retry-After': '2' });

export const notFound = (what: string, id: string): ProblemException =>
  new ProblemException(HttpStatus.NOT_FOUND, {
    error: 'not_found',
    message: `${what} "${id}" is not known`,
  });
