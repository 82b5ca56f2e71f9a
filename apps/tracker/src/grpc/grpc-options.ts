import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ChannelOptions, ServerInterceptor } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { hostPort } from '../listen-address';
import {
  CALL_TRACKER_PACKAGE,
  CALL_TRACKER_PROTO_FILE,
  CALL_TRACKER_PROTO_PATH,
  encodedFileDescriptor,
  HEALTH_PACKAGE,
  HEALTH_PROTO_FILE,
  HEALTH_PROTO_PATH,
  PROTO_LOADER_OPTIONS,
} from '@tracker/contracts';

/**
 * What reflection serves: the package definition with proto-loader's descriptors (named after
 * their package, `optional` lost) replaced by each file's descriptor exactly as protoc writes it.
 */
const withProtocDescriptors = (pkg: PackageDefinition): PackageDefinition => {
  const files = [CALL_TRACKER_PROTO_FILE, HEALTH_PROTO_FILE].map((file) =>
    encodedFileDescriptor(file),
  );
  return Object.fromEntries(
    Object.entries(pkg).map(([name, definition]) => [
      name,
      { ...definition, fileDescriptorProtos: files },
    ]),
  ) as PackageDefinition;
};

/**
 * The gRPC transport: CallTracker and health on one port, with server reflection, and grpc-js
 * server `interceptors` (Nest hands its `channelOptions` to grpc-js's `new Server(options)`, which
 * takes them from there).
 */
export const grpcOptions = (
  grpc: { host: string; port: number },
  interceptors: ServerInterceptor[] = [],
): GrpcOptions => ({
  transport: Transport.GRPC,
  options: {
    channelOptions: { interceptors } as unknown as ChannelOptions,
    package: [CALL_TRACKER_PACKAGE, HEALTH_PACKAGE],
    protoPath: [CALL_TRACKER_PROTO_PATH, HEALTH_PROTO_PATH],
    url: hostPort(grpc.host, grpc.port),
    loader: { ...PROTO_LOADER_OPTIONS },
    onLoadPackageDefinition: (pkg, server) =>
      new ReflectionService(withProtocDescriptors(pkg)).addToServer(server),
  },
});
