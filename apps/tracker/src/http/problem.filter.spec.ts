import { Logger } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { StoreUnavailableError } from '@tracker/event-store';
import { ReadModelBusyError, ReadModelUnavailableError } from '@tracker/read-model';
import { ProblemFilter } from './problem.filter';

/** What the filter wrote on a reply (the reply is the only thing faked: the mapping is pure). */
const answer = (exception: unknown) => {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = {
    headers: {},
  };
  const reply = {
    header: (name: string, value: string) => ((sent.headers[name] = value), reply),
    status: (status: number) => ((sent.status = status), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  const rejected: string[] = [];
  new ProblemFilter({ rejected: (status, reason) => rejected.push(`${status} ${reason}`) }).catch(
    exception,
    host,
  );
  return { ...sent, rejected };
};

describe('ProblemFilter', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the filters' warnings are expected here

  it.each([
    [
      new ReadModelUnavailableError('read model unavailable: SQLITE_IOERR'),
      'read_model_unavailable',
      'the read model cannot answer now; retry later',
      1,
    ],
    // Refused past QUERY_QUEUE_LIMIT: the query threads log those, at most once per 10 s.
    [
      new ReadModelBusyError('the read model has 1000 queries waiting'),
      'read_model_busy',
      'too many reads are waiting for their answers; retry later',
      0,
    ],
  ])('answers %s with 503 and Retry-After, not 500', (error, code, message, logLines) => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const sent = answer(error);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toMatch(/^\d+$/);
    expect(sent.body).toEqual({ error: code, message });
    expect(sent.rejected).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(logLines);
    warn.mockRestore();
  });

  it('answers a store outage with 503 and anything unexpected with a 500 without internals', () => {
    expect(answer(new StoreUnavailableError('SQLITE_FULL')).body).toMatchObject({
      error: 'store_unavailable',
    });
    const unexpected = answer(new Error('secret internals'));
    expect(unexpected.status).toBe(500);
    expect(JSON.stringify(unexpected.body)).not.toContain('secret');
  });
});
