import { Global, Logger, Module, OnApplicationBootstrap, Inject } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuthCounters } from './auth-counters';
import { AuthGuard } from './auth.guard';

/** Authentication for every HTTP route and gRPC method (see AuthGuard and @Authenticate). */
@Global()
@Module({
  providers: [AuthCounters, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthCounters],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const logger = new Logger('Auth');
    const { auth } = this.config;
    if (auth.mode === 'none') {
      const line = '!'.repeat(78);
      logger.warn(
        `\n${line}\n!! AUTH_MODE=none: webhooks are accepted WITHOUT authentication. Anyone who can\n` +
          `!! reach this port can forge call state. Local use only; refused with NODE_ENV=production.\n${line}`,
      );
    } else {
      logger.log(
        `webhook authentication: graph ${auth.graph ? 'on' : 'off (401)'}, acs ${auth.acs ? 'on' : 'off (401)'}`,
      );
    }
    if (auth.apiKeys.length === 0) {
      logger.warn('API_KEYS is not set: the read APIs (REST and gRPC) are open to anyone');
    }
  }
}
