/**
 * The gRPC read ceiling: a bare grpc-js server (the library under the service's Nest transport)
 * for `comms.tracker.v1.CallTracker` that answers GetCall, ListOperations and GetOperation with
 * answers the service gave to the same mix (`BENCH_GRPC_ANSWERS`, recorded by the load generator's
 * `grpcSample`: the same sizes, the same encoding), and does nothing else: no read model, no query
 * thread, no Nest. What the load generator measures against it is what this machine and the
 * client give any grpc-js server. Its own process; tells bench/run.ts its port over IPC.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CALL_TRACKER_PROTO_PATH, PROTO_LOADER_OPTIONS } from '@tracker/contracts';

const main = async () => {
  const answers = JSON.parse(process.env.BENCH_GRPC_ANSWERS ?? '{}') as Record<string, unknown>;
  const definition = protoLoader.loadSync(CALL_TRACKER_PROTO_PATH, { ...PROTO_LOADER_OPTIONS });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    comms: { tracker: { v1: { CallTracker: grpc.ServiceClientConstructor } } };
  };
  const service = loaded.comms.tracker.v1.CallTracker.service;
  const handlers: grpc.UntypedServiceImplementation = {};
  // The other methods are left out: grpc-js answers them UNIMPLEMENTED.
  for (const [method, answer] of Object.entries(answers)) {
    handlers[method] = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, answer);
  }
  const server = new grpc.Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.send?.({ event: 'listening', port });
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
};

main().catch((error) => {
  process.stderr.write(`gRPC baseline server failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
