import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Authenticate } from '../auth/authenticate.decorator';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ref } from '../openapi/api-schemas';
import { ServiceStatus } from './service-status';

@Authenticate('public') // probes carry no credentials
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly status: ServiceStatus,
  ) {}

  /** The process is up and serving HTTP; says nothing about its dependencies. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  @ApiResponse({ status: 200, description: 'The process serves HTTP', schema: ref('Live') })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready to accept notifications: the store answers. 503 otherwise, so balancers route away.
   * Kafka fan-out is reported (role, state and lag) but never makes the service unready: ingest
   * keeps accepting while the broker is away and the publisher catches up when it returns, and a
   * standby instance (another one publishes) serves like any other.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the store answers (fan-out is reported, never decisive)' })
  @ApiResponse({ status: 200, description: 'The store answers', schema: ref('Ready') })
  @ApiResponse({ status: 503, description: 'The store does not answer', schema: ref('Ready') })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const store = await this.store.ping().then(
      () => ({ status: 'up' as const, kind: this.config.store.kind }),
      (error: Error) => ({
        status: 'down' as const,
        kind: this.config.store.kind,
        error: error.message,
      }),
    );
    const ready = store.status === 'up';
    reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: { store, fanout: await this.status.fanoutReport() },
    };
  }
}
