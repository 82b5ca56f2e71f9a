import { Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { StoreUnavailableError } from '@tracker/event-store';
import { ReadModelBusyError, ReadModelUnavailableError } from '@tracker/read-model';

/** What a client is told when the machine cannot answer now (no internals). */
export const unavailableStatus = (error: StoreUnavailableError | ReadModelUnavailableError) => ({
  code: status.UNAVAILABLE,
  message:
    error instanceof StoreUnavailableError
      ? 'the event store is unavailable; retry later'
      : error instanceof ReadModelBusyError
        ? ReadModelBusyError.publicMessage
        : 'the read model cannot answer now; retry later',
});

/**
 * A fault of the machine (the store or the read model unavailable) is UNAVAILABLE, which gRPC
 * clients retry, as REST answers 503; without this filter Nest would answer UNKNOWN.
 */
@Catch(StoreUnavailableError, ReadModelUnavailableError)
export class GrpcFaultFilter implements RpcExceptionFilter<
  StoreUnavailableError | ReadModelUnavailableError
> {
  private readonly logger = new Logger('gRPC');

  catch(error: StoreUnavailableError | ReadModelUnavailableError): Observable<never> {
    // Refused reads are counted and logged by the query threads, not one line each.
    if (!(error instanceof ReadModelBusyError)) this.logger.warn(error.message);
    return throwError(() => unavailableStatus(error));
  }
}
