import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { from, map, Observable } from 'rxjs';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { Authenticate } from '../auth/authenticate.decorator';
import { notFound } from './grpc-errors';

type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** Services this server answers health for; `''` is the server as a whole. */
const KNOWN_SERVICES = new Set(['', 'comms.tracker.v1.CallTracker']);

/** `grpc.health.v1.Health`: SERVING while the event store answers a ping. */
@Authenticate('public')
@Controller()
export class HealthGrpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @GrpcMethod('Health', 'Check')
  async check(request: { service?: string }): Promise<{ status: ServingStatus }> {
    if (!KNOWN_SERVICES.has(request.service ?? '')) {
      throw notFound(`unknown service ${request.service}`);
    }
    return { status: await this.storeStatus() };
  }

  /** Sends the current status once and ends (the protocol allows streaming only changes). */
  @GrpcMethod('Health', 'Watch')
  watch(request: { service?: string }): Observable<{ status: ServingStatus }> {
    if (!KNOWN_SERVICES.has(request.service ?? '')) {
      return from([{ status: 'SERVICE_UNKNOWN' as const }]);
    }
    return from(this.storeStatus()).pipe(map((status) => ({ status })));
  }

  private storeStatus(): Promise<ServingStatus> {
    return this.store.ping().then(
      () => 'SERVING' as const,
      () => 'NOT_SERVING' as const,
    );
  }
}
