import { join } from 'node:path';

/**
 * The folder holding the .proto files: beside this file when running from source (ts-node, jest);
 * in the bundle `nest build tracker` makes, `__dirname` is dist/apps/tracker and the nest-cli
 * assets entry copies the .proto files under libs/contracts/src to dist/apps/tracker/proto/….
 */
export const PROTO_ROOT = join(__dirname, 'proto');

/** `comms.tracker.v1.CallTracker`. */
export const CALL_TRACKER_PROTO_PATH = join(PROTO_ROOT, 'comms/tracker/v1/call_tracker.proto');

/** The standard `grpc.health.v1.Health` service. */
export const HEALTH_PROTO_PATH = join(PROTO_ROOT, 'grpc/health/v1/health.proto');

export const CALL_TRACKER_PACKAGE = 'comms.tracker.v1';
export const HEALTH_PACKAGE = 'grpc.health.v1';

/** proto-loader options shared by the server and clients: camelCase fields, enums as names. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;
