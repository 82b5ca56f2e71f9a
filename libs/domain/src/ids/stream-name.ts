import { canonicalId } from './canonical-id';

/** One stream per call, in the `call` category (EventStoreDB's `$ce-call` projection). */
export const CALL_STREAM_CATEGORY = 'call';

const PREFIX = `${CALL_STREAM_CATEGORY}-`;

/** `call-<canonical id>`; an id in its raw GUID spelling lands on the same stream. */
export const callStreamName = (callId: string): string => `${PREFIX}${canonicalId(callId)}`;

export const callIdFromStreamName = (streamName: string): string | undefined =>
  streamName.startsWith(PREFIX) && streamName.length > PREFIX.length
    ? streamName.slice(PREFIX.length)
    : undefined;
