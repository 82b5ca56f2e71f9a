import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import {
  CALL_TRACKER_PACKAGE,
  CALL_TRACKER_PROTO_PATH,
  HEALTH_PACKAGE,
  HEALTH_PROTO_PATH,
  PROTO_LOADER_OPTIONS,
} from '@tracker/contracts';

/** The gRPC transport: CallTracker and health on one port, with server reflection. */
export const grpcOptions = (grpc: { host: string; port: number }): GrpcOptions => ({
  transport: Transport.GRPC,
  options: {
    package: [CALL_TRACKER_PACKAGE, HEALTH_PACKAGE],
    protoPath: [CALL_TRACKER_PROTO_PATH, HEALTH_PROTO_PATH],
    url: `${grpc.host.includes(':') ? `[${grpc.host}]` : grpc.host}:${grpc.port}`,
    loader: { ...PROTO_LOADER_OPTIONS },
    onLoadPackageDefinition: (pkg, server) => new ReflectionService(pkg).addToServer(server),
  },
});
