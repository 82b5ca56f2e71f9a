import { canonicalJson } from '../kernel/canonical-json';
import { sha256Hex } from '../kernel/hashing';

/** Where a notification came in: Graph's webhook, ACS's webhook, or the bot reporting a response. */
export type NotificationSource = 'graph' | 'acs' | 'bot';

/**
 * The identity of a notification: `<source>:<sha-256 of the canonical JSON of its identity>`.
 * Callers pass the secret-free form of the payload (see `redactSecrets`), so that the key can be
 * recomputed from the stored history. A redelivery hashes the same, which is how duplicates are
 * recognised. ACS CloudEvents pass `{ id, source }` instead: their `id` already names the event.
 */
export const notificationKey = (source: NotificationSource, identity: unknown): string =>
  `${source}:${sha256Hex(canonicalJson(identity))}`;

/** The kinds of mark a deadline check can put on a call. */
export type DeadlineMark = 'callMissed' | 'operationStale' | 'callStale';

/**
 * Marks are not notifications, but their events need ids just as stable: a mark is decided once,
 * so `(call, mark, operation)` names it, and two watchers deciding it produce the same event id.
 */
export const deadlineKey = (callId: string, mark: DeadlineMark, operationId?: string): string =>
  `deadline:${sha256Hex(canonicalJson({ callId, mark, operationId }))}`;
