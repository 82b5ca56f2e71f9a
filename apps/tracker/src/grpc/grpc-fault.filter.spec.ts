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
    [new ReadModelUnavailableError('SQLITE_IOERR: disk I/O error'), 'read model'],
    [new StoreUnavailableError('SQLITE_FULL: database or disk is full'), 'event store'],
  ])('answers %s with UNAVAILABLE, without its internals', async (error, what) => {
    const answer = await firstValueFrom(filter.catch(error)).catch((status: unknown) => status);
    expect(answer).toEqual({ code: status.UNAVAILABLE, message: expect.stringContaining(what) });
    expect(JSON.stringify(answer)).not.toContain('SQLITE');
  });

  it('answers a read refused past QUERY_QUEUE_LIMIT with UNAVAILABLE, without a log line', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const answer = await firstValueFrom(
      filter.catch(new ReadModelBusyError('the read model has 1000 queries waiting')),
    ).catch((status: unknown) => status);
    expect(answer).toEqual({
      code: status.UNAVAILABLE,
      message: 'too many reads are waiting for their answers; retry later',
    });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
