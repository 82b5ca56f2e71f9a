import type { Position, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { esdb } from './esdb-client';
import {
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../port/errors';
import type { ExpectedRevision, RecordedEvent } from '../port/event-store.port';

/**
 * Errors after which the same request can succeed later. NotLeader and Cancelled are included
 * because the client reconnects (to the new leader) when it sees them; Timeout is the server's
 * commit timeout (gRPC ABORTED).
 */
const transientErrors = () => {
  const client = esdb();
  return [
    client.UnavailableError,
    client.DeadlineExceededError,
    client.TimeoutError,
    client.NotLeaderError,
    client.CancelledError,
  ];
};

/** Gossip discovery fails with a plain Error, not a gRPC status. */
const DISCOVERY_FAILURE = /failed to discover/i;

/** What servers that do not know an event's position (stream reads before 22.6) report instead. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

/** ESDB keeps its own bookkeeping (settings, stats, projections, metadata) under `$` names. */
export const isSystemEvent = (event: {
  readonly streamId: string;
  readonly type: string;
}): boolean => event.streamId.startsWith('$') || event.type.startsWith('$');

export const toRecordedEvent = (
  event: EsdbRecordedEvent,
  position: Position | undefined,
): RecordedEvent => {
  if (!position || position.commit === UNKNOWN_POSITION) {
    // Servers before 22.6 only report positions on $all reads; the port needs one on every event.
    throw new Error(
      `EventStoreDB reported no position for event ${event.id} of "${event.streamId}" (server 22.6 or later required)`,
    );
  }
  return {
    streamId: event.streamId,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toMetadata(event.metadata),
    revision: event.revision,
    position: { commit: position.commit, prepare: position.prepare },
    created: event.created,
  };
};

// Events written by other tools may carry no, binary or non-object metadata; the port promises an object.
const toMetadata = (metadata: unknown): Record<string, unknown> =>
  metadata !== null &&
  typeof metadata === 'object' &&
  !Array.isArray(metadata) &&
  !(metadata instanceof Uint8Array)
    ? (metadata as Record<string, unknown>)
    : {};

/** Maps client errors onto the port's errors; anything unrecognised is returned for rethrow. */
export const translateError = (
  error: unknown,
  operation: string,
  append?: { readonly streamId: string; readonly expected: ExpectedRevision },
): unknown => {
  if (
    !(error instanceof Error) ||
    error instanceof StoreUnavailableError ||
    error instanceof WrongExpectedRevisionError ||
    error instanceof InvalidAppendError
  ) {
    return error;
  }
  // Some paths (the append sink, stream setup) reject with the raw gRPC error.
  const converted = esdb().convertToCommandError(error);
  if (append && converted instanceof esdb().WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      append.streamId,
      append.expected,
      converted.actualVersion,
    );
  }
  if (
    transientErrors().some((type) => converted instanceof type) ||
    DISCOVERY_FAILURE.test(converted.message)
  ) {
    return new StoreUnavailableError(
      `EventStoreDB unavailable (${operation}): ${converted.message}`,
      error,
    );
  }
  if (
    converted instanceof esdb().MaxAppendSizeExceededError ||
    converted instanceof esdb().InvalidArgumentError
  ) {
    return new InvalidAppendError(`EventStoreDB rejected the append: ${converted.message}`, {
      cause: error,
    });
  }
  return converted;
};
