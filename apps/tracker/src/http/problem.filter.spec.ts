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

  it('answers a read model that cannot answer with 503 and Retry-After, not 500', () => {
    const sent = answer(new ReadModelUnavailableError('read model unavailable: SQLITE_IOERR'));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toMatch(/^\d+$/);
    expect(sent.body).toEqual({
      error: 'read_model_unavailable',
      message: 'the read model cannot answer now; retry later',
    });
    expect(sent.rejected).toEqual([]);
  });

  it('answers a read refused past QUERY_QUEUE_LIMIT with 503 read_model_busy and Retry-After, without a log line', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const sent = answer(new ReadModelBusyError('the read model has 1000 queries waiting'));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toMatch(/^\d+$/);
    expect(sent.body).toEqual({
      error: 'read_model_busy',
      message: 'too many reads are waiting for their answers; retry later',
    });
    expect(warn).not.toHaveBeenCalled(); // the query threads log refusals, once per 10 s
    answer(new ReadModelUnavailableError('read model unavailable: SQLITE_IOERR'));
    expect(warn).toHaveBeenCalledTimes(1);
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
