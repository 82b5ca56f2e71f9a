import { setOwn } from '../kernel/objects';
/**
 * The credentials that arrive inside notifications. `recordingAccessToken` lets anyone download a
 * caller's recorded voice, and ACS `incomingCallContext` (Event Grid `IncomingCall`) lets anyone
 * answer, redirect or reject the call: neither may reach the store in clear, Kafka, logs or a
 * query response.
 */
export const SECRET_KEYS = [
  'recordingAccessToken',
  'recordResourceAccessToken',
  'incomingCallContext',
] as const;

const SECRET_KEYS_LOWER = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));

/** `meetingInfo.token` (Graph `tokenMeetingInfo`) is a meeting join credential. */
const SECRET_NESTED_KEYS = new Set(['meetinginfo/token']);

export const isSecretKey = (key: string, parentKey = ''): boolean =>
  SECRET_KEYS_LOWER.has(key.toLowerCase()) ||
  // Without a parent the pair starts with "/" and cannot be a nested secret: skip building it.
  (parentKey !== '' && SECRET_NESTED_KEYS.has(`${parentKey}/${key}`.toLowerCase()));

export interface Redaction<T> {
  /** A deep copy of the payload without any secret member; the input is left untouched. */
  readonly redacted: T;
  /** JSON Pointers (RFC 6901) of the members removed, sorted, e.g. `/value/0/resourceData/recordingAccessToken`. */
  readonly removedPaths: string[];
  /**
   * The removed values by path, so that the edge can encrypt them into a command's
   * `protectedSecrets`. Never log this object or put it in an event as it is.
   */
  readonly secrets: Readonly<Record<string, unknown>>;
}

/** Where a member sits, kept as a chain and written out only for a secret (JSON Pointer). */
interface Place {
  readonly up: Place | undefined;
  readonly key: string;
}

const pointer = (place: Place | undefined, key: string): string => {
  let path = `/${escapePointer(key)}`;
  for (let at = place; at; at = at.up) path = `/${escapePointer(at.key)}${path}`;
  return path;
};

/** Deep-removes every secret member (any depth, any key case) and reports what it removed. */
export const redactSecrets = <T>(payload: T): Redaction<T> => {
  const removedPaths: string[] = [];
  const secrets: Record<string, unknown> = {};
  // Runs on every notification: no path string, entry pair or call per member unless it is needed.
  const walk = (value: object, place: Place | undefined, parentKey: string): unknown => {
    if (Array.isArray(value)) {
      const copy = new Array<unknown>(value.length);
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        copy[index] =
          typeof item === 'object' && item !== null
            ? walk(item, { up: place, key: String(index) }, '')
            : item;
      }
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key];
      if (isSecretKey(key, parentKey)) {
        const path = pointer(place, key);
        removedPaths.push(path);
        secrets[path] = member;
        continue;
      }
      setOwn(
        copy,
        key,
        typeof member === 'object' && member !== null
          ? walk(member, { up: place, key }, key)
          : member,
      );
    }
    return copy;
  };
  const redacted = (
    typeof payload === 'object' && payload !== null ? walk(payload, undefined, '') : payload
  ) as T;
  return { redacted, removedPaths: removedPaths.sort(), secrets };
};

/** Whether a payload still carries a secret anywhere (a cheap invariant check for the edges). */
export const containsSecrets = (payload: unknown): boolean =>
  redactSecrets(payload).removedPaths.length > 0;

const escapePointer = (key: string): string =>
  key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
