import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  CALL_TRACKER_PROTO_PATH,
  HEALTH_PROTO_PATH,
  PROTO_LOADER_OPTIONS,
  PROTO_ROOT,
} from '@tracker/contracts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Client = grpc.Client & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const definition = protoLoader.loadSync([CALL_TRACKER_PROTO_PATH, HEALTH_PROTO_PATH], {
  ...PROTO_LOADER_OPTIONS,
  includeDirs: [PROTO_ROOT],
});
/** The service's gRPC packages (comms.tracker.v1, grpc.health.v1) as a client sees them. */
export const loaded = grpc.loadPackageDefinition(definition) as Json;

/** A unary call as a promise; rejects with the grpc-js ServiceError. */
export const unary = (client: Client, method: string, request: Json): Promise<Json> =>
  new Promise((resolve, reject) =>
    client[method](request, (error: grpc.ServiceError | null, reply: Json) =>
      error ? reject(error) : resolve(reply),
    ),
  );
