import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/config';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { ServiceStatus } from './health/service-status';
import { StoreModule } from './store/store.module';
import { CallsModule } from './calls/calls.module';
import { FanoutModule } from './fanout/fanout.module';
import { GrpcModule } from './grpc/grpc.module';
import { AuthModule } from './auth/auth.module';
import { SecretsModule } from './secrets/secrets.module';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [AuthModule, SecretsModule, StoreModule, CallsModule, FanoutModule, GrpcModule],
      providers: [{ provide: APP_CONFIG, useValue: config }, ServiceStatus],
      exports: [APP_CONFIG],
      controllers: [HealthController, MetricsController],
    };
  }
}
