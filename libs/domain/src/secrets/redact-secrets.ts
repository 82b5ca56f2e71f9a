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

/** Deep-removes every secret member (any depth, any key case) and reports what it removed. */
export const redactSecrets = <T>(payload: T): Redaction<T> => {
  const removedPaths: string[] = [];
  const secrets: Record<string, unknown> = {};
  const walk = (value: unknown, path: string, parentKey = ''): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => walk(item, `${path}/${index}`));
    if (typeof value !== 'object' || value === null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const memberPath = `${path}/${escapePointer(key)}`;
      if (isSecretKey(key, parentKey)) {
        removedPaths.push(memberPath);
        secrets[memberPath] = member;
        continue;
      }
      setOwn(copy, key, walk(member, memberPath, key));
    }
    return copy;
  };
  const redacted = walk(payload, '') as T;
  return { redacted, removedPaths: removedPaths.sort(), secrets };
};

/** Whether a payload still carries a secret anywhere (a cheap invariant check for the edges). */
export const containsSecrets = (payload: unknown): boolean =>
  redactSecrets(payload).removedPaths.length > 0;

const escapePointer = (key: string): string =>
  key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
