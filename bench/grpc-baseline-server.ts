/**
 * The gRPC read ceiling: a bare grpc-js server (the library under the service's Nest transport)
 * for `comms.tracker.v1.CallTracker` that answers the mix's methods with answers the service gave
 * to them (recorded by the load generator's `grpcSample`: the same sizes, the same encoding) and
 * does nothing else: no read model, no query thread, no Nest. What the load generator measures
 * against it is what this machine and the client give a bare grpc-js server. Its own process,
 * driven by bench/run.ts over IPC: `serve` takes the answers and resolves with the port.
 */
import * as grpc from '@grpc/grpc-js';
import { callTrackerService } from './lib/call-tracker-grpc';
import { serveIpc } from './lib/procs';

const server = new grpc.Server();

const serve = async ({ answers }: { answers: Record<string, unknown> }): Promise<number> => {
  const handlers: grpc.UntypedServiceImplementation = {};
  // The other methods are left out: grpc-js answers them UNIMPLEMENTED.
  for (const [method, answer] of Object.entries(answers)) {
    handlers[method] = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, answer);
  }
  server.addService(callTrackerService().service, handlers);
  return new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
};

serveIpc({ serve: (args) => serve(args as Parameters<typeof serve>[0]) });
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
