import { Logger } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { StoreUnavailableError } from '@tracker/event-store';
import { ReadModelBusyError, ReadModelUnavailableError } from '@tracker/read-model';
import { GrpcFaultFilter } from './grpc-fault.filter';

describe('GrpcFaultFilter', () => {
  const filter = new GrpcFaultFilter();
  beforeAll(() => Logger.overrideLogger(false)); // the filters' warnings are expected here

  it.each([
    [new ReadModelUnavailableError('SQLITE_IOERR: disk I/O error'), 'the read model cannot', 1],
    [new StoreUnavailableError('SQLITE_FULL: database or disk is full'), 'the event store', 1],
    // Refused past QUERY_QUEUE_LIMIT: the query threads log those, at most once per 10 s.
    [
      new ReadModelBusyError('the read model has 1000 queries waiting'),
      'too many reads are waiting for their answers; retry later',
      0,
    ],
  ])('answers %s with UNAVAILABLE, without its internals', async (error, what, logLines) => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const answer = await firstValueFrom(filter.catch(error)).catch((status: unknown) => status);
    expect(answer).toEqual({ code: status.UNAVAILABLE, message: expect.stringContaining(what) });
    expect(JSON.stringify(answer)).not.toContain('SQLITE');
    expect(JSON.stringify(answer)).not.toContain('1000');
    expect(warn).toHaveBeenCalledTimes(logLines);
    warn.mockRestore();
  });
});
