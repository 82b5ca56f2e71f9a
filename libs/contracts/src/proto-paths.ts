import { join } from 'node:path';

/**
 * The folder holding the .proto files: beside this file when running from source (ts-node, jest);
 * in the bundle `nest build tracker` makes, `__dirname` is dist/apps/tracker and the nest-cli
 * assets entry copies the .proto files under libs/contracts/src to dist/apps/tracker/proto/….
 */
export const PROTO_ROOT = join(__dirname, 'proto');

/** `comms.tracker.v1.CallTracker`: its path under PROTO_ROOT, which is also its name in descriptors. */
export const CALL_TRACKER_PROTO_FILE = 'comms/tracker/v1/call_tracker.proto';
export const CALL_TRACKER_PROTO_PATH = join(PROTO_ROOT, CALL_TRACKER_PROTO_FILE);

/** The standard `grpc.health.v1.Health` service. */
export const HEALTH_PROTO_FILE = 'grpc/health/v1/health.proto';
export const HEALTH_PROTO_PATH = join(PROTO_ROOT, HEALTH_PROTO_FILE);

export const CALL_TRACKER_PACKAGE = 'comms.tracker.v1';
export const HEALTH_PACKAGE = 'grpc.health.v1';

/**
 * proto-loader options shared by the server and clients: field names as written in the .proto
 * (`call_id`, as every other gRPC stack and reflection client sees them), enums as names.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;
