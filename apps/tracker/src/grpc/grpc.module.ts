import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { CallTrackerGrpcController } from './call-tracker.grpc.controller';
import { HealthGrpcController } from './health.grpc.controller';

/** The gRPC API; the transport itself is attached in create-app.ts (grpcOptions). */
@Module({
  imports: [CallsModule],
  controllers: [CallTrackerGrpcController, HealthGrpcController],
})
export class GrpcModule {}
