import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ID_PATTERN, ID_RULE } from '@tracker/domain';
import { ref } from './api-schemas';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

/** What each problem status means here; the body is always a Problem. */
const PROBLEMS = {
  400: {
    description: 'Malformed request: `details` names every offending field; nothing is stored',
  },
  401: {
    description: 'Missing or bad credentials; nothing is stored',
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
  },
  404: { description: 'Unknown id (any id form is accepted)' },
  408: {
    description: 'The request (headers and body) was not all received in HTTP_REQUEST_TIMEOUT_MS',
  },
  409: { description: 'A raw platform id that names several operations: use the canonical id' },
  413: { description: 'Body larger than BODY_LIMIT_BYTES' },
  415: { description: 'A Content-Type the service does not read: send application/json' },
  503: {
    description: 'The store (or the token keys) cannot be reached: retry later, never a 202',
    headers: RETRY_AFTER,
  },
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;

/** Documents problem responses (the Problem shape) for the given statuses. */
export const ApiProblems = (...statuses: ProblemStatus[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, ...PROBLEMS[status], schema: ref('Problem') }),
    ),
  );

/** A path id: any spelling of a call or operation id (`57DAB8B1…` or `57dab8b1-…`). */
export const ApiIdParam = (name: string, description: string) =>
  ApiParam({
    name,
    description: `${description}. ${ID_RULE}`,
    schema: { type: 'string', pattern: ID_PATTERN.source },
  });

/**
 * A webhook: its body's schema (a component name), the 202 reply and the problems a webhook can
 * meet. Add `@ApiQuery` or more `@ApiResponse`s beside it where an endpoint has its own.
 */
export const ApiIngest = (summary: string, body: string, description?: string) =>
  applyDecorators(
    ApiTags('ingest'),
    ApiOperation({ summary, description }),
    ApiBody({ required: true, schema: ref(body) }),
    ApiResponse({
      status: 202,
      description: 'Every notification of the request is durably stored',
      schema: ref('IngestReply'),
    }),
    ApiProblems(400, 401, 413, 415, 503),
  );

/** A read: its 200 body's schema (a component name) and its problems. */
export const ApiRead = (summary: string, reply: string, ...problems: ProblemStatus[]) =>
  applyDecorators(
    ApiTags('queries'),
    ApiOperation({ summary }),
    ApiResponse({ status: 200, description: summary, schema: ref(reply) }),
    ApiProblems(...problems),
  );
