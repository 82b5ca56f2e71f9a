import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CALL_TRACKER_PROTO_PATH, PROTO_LOADER_OPTIONS } from '@tracker/contracts';

/** `comms.tracker.v1.CallTracker` as grpc-js loads it, with the service's own loader options. */
export const callTrackerService = (): grpc.ServiceClientConstructor => {
  const definition = protoLoader.loadSync(CALL_TRACKER_PROTO_PATH, { ...PROTO_LOADER_OPTIONS });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    comms: { tracker: { v1: { CallTracker: grpc.ServiceClientConstructor } } };
  };
  return loaded.comms.tracker.v1.CallTracker;
};
