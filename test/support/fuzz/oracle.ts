import type { RunningService } from '../running-service';
import type { FuzzRequest } from './mutate';

/** A request that takes longer than this is taken for a hang. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  readonly ms: number;
}

export class FuzzStats {
  requests = 0;
  readonly statuses = new Map<number, number>();
  readonly perEndpoint = new Map<string, number>();
  slowest = { ms: 0, path: '' };
  totalMs = 0;
  readonly slow: string[] = [];
  readonly startedAt = Date.now();

  record(request: FuzzRequest, outcome: Outcome): void {
    this.requests += 1;
    this.statuses.set(outcome.status, (this.statuses.get(outcome.status) ?? 0) + 1);
    const endpoint = request.path.replace(
      /^\/api\/calls\/.*\/operations$/,
      '/api/calls/{id}/operations',
    );
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1);
    if (outcome.ms > this.slowest.ms) this.slowest = { ms: outcome.ms, path: request.path };
    this.totalMs += outcome.ms;
    if (outcome.ms > 300 && process.env.FUZZ_DEBUG)
      this.slow.push(
        `${outcome.ms}ms ${outcome.status} ${request.body.length}B ${request.path} ${request.body.slice(0, 150)}`,
      );
  }

  summary(): string {
    const histogram = [...this.statuses.entries()].sort(([a], [b]) => a - b);
    return [
      `${this.requests} requests in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`,
      `statuses: ${histogram.map(([status, n]) => `${status}×${n}`).join(' ')}`,
      `endpoints: ${[...this.perEndpoint.entries()].map(([e, n]) => `${e}×${n}`).join(' ')}`,
      `slowest: ${this.slowest.ms} ms (${this.slowest.path.slice(0, 80)}), total in requests ${this.totalMs} ms`,
      ...this.slow.slice(0, 30),
    ].join('\n');
  }
}

const position = async (service: RunningService): Promise<string> => {
  const head = await service.store.headPosition();
  return head === undefined ? 'empty' : `${head.commit}/${head.prepare}`;
};

export const send = async (base: string, request: FuzzRequest): Promise<Outcome> => {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (request.contentType !== null) headers['content-type'] = request.contentType;
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, {
      method: 'POST',
      headers,
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`no answer (hang or crash?): ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new Error(
      `status ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  return { status: response.status, body, headers: response.headers, ms: Date.now() - started };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/** What is wrong with an answer (undefined when it is a documented one). */
export const answerProblem = (outcome: Outcome): string | undefined => {
  const { status, body } = outcome;
  if (status === 202) {
    if (
      !isRecord(body) ||
      !isCount(body.accepted) ||
      !isCount(body.duplicates) ||
      !isCount(body.skipped)
    ) {
      return 'a 202 without {accepted, duplicates, skipped}';
    }
    return undefined;
  }
  // Event Grid's subscription handshake (a mutated body can still be one): the code echoed back.
  if (status === 200) {
    return isRecord(body) && typeof body.validationResponse === 'string'
      ? undefined
      : 'a 200 that is not an Event Grid validation response';
  }
  const problemShape =
    isRecord(body) &&
    typeof body.error === 'string' &&
    typeof body.message === 'string' &&
    (body.details === undefined ||
      (Array.isArray(body.details) &&
        body.details.every(
          (d) => isRecord(d) && typeof d.field === 'string' && typeof d.problem === 'string',
        )));
  // The documented 503 means the store is down; in the fuzz run it is always up, so a 503 is a bug.
  if (status === 503) return 'a 503 while the store is up';
  if (status >= 400 && status < 500)
    return problemShape ? undefined : 'a 4xx that is not a problem JSON';
  return `status ${status} is neither 202, a 4xx nor the documented 503`;
};

/**
 * Sends one request and checks it against the contract, with the store's head before and after:
 * requests run one at a time and nothing else appends (the deadline watcher is slowed down), so a
 * moved head means this request stored something.
 */
export const checkRequest = async (
  service: RunningService,
  request: FuzzRequest,
  stats: FuzzStats,
): Promise<Outcome> => {
  const before = await position(service);
  const outcome = await send(service.base, request);
  stats.record(request, outcome);
  const after = await position(service);
  const fail = (problem: string) => {
    throw new Error(
      `${problem}\n  POST ${request.path.slice(0, 200)} (${request.body.length} bytes, ` +
        `content-type ${request.contentType}) → ${outcome.status} ` +
        `${JSON.stringify(outcome.body)?.slice(0, 500)}\n  head ${before} → ${after}`,
    );
  };
  const problem = answerProblem(outcome);
  if (problem !== undefined) fail(problem);
  if (outcome.status === 202) {
    const accepted = (outcome.body as { accepted: number }).accepted;
    if (accepted === 0 && after !== before) fail('a 202 that accepted nothing stored something');
    if (accepted > 0 && after === before) fail('a 202 that accepted notifications stored nothing');
  } else if (outcome.status !== 200 && after !== before) {
    // (A 200 validation reply stores the other events of its batch, like a 202.)
    fail(`a rejected request (${outcome.status}) stored something`);
  }
  return outcome;
};
