import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/config';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { ServiceStatus } from './health/service-status';
import { StatusGauges } from './health/status-gauges';
import { StoreModule } from './store/store.module';
import { CallsModule } from './calls/calls.module';
import { FanoutModule } from './fanout/fanout.module';
import { GrpcModule } from './grpc/grpc.module';
import { AuthModule } from './auth/auth.module';
import { TrackerMetrics } from './metrics/tracker-metrics';
import { DocsController } from './openapi/docs.controller';
import { SecretsModule } from './secrets/secrets.module';

@Module({})
export class AppModule {
  /** `metrics` is made by createApp, which also hands it to the HTTP layer outside Nest's DI. */
  static forConfig(config: AppConfig, metrics: TrackerMetrics): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [AuthModule, SecretsModule, StoreModule, CallsModule, FanoutModule, GrpcModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: TrackerMetrics, useValue: metrics },
        ServiceStatus,
        StatusGauges,
      ],
      exports: [APP_CONFIG, TrackerMetrics],
      controllers: [HealthController, MetricsController, DocsController],
    };
  }
}
