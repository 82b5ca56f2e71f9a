import { isRecord, stringField } from '../kernel/json';
import { notificationKey } from './notification-key';

/**
 * What makes two ACS (or Event Grid) events the same event: a redelivery repeats the envelope's
 * `id`, `source` (Event Grid schema: `topic`) and `type` (`eventType`). The `id` alone is not
 * enough: the SDKs' own test data gives `DialogStarted` and `DialogCompleted` one id, and those
 * are two facts. An event without an id (2021 previews: `"id": null`, bare operation results) is
 * the same event only when its whole content is, secrets removed.
 *
 * `event` must be the secret-free form (see `redactSecrets`), so that the key can be recomputed
 * from a stored receipt.
 */
export const acsEventKey = (event: unknown): string => {
  if (!isRecord(event)) return notificationKey('acs', event);
  const id = stringField(event, 'id');
  if (id === undefined) return notificationKey('acs', event);
  return notificationKey('acs', {
    id,
    source: stringField(event, 'source', 'topic'),
    type: stringField(event, 'type', 'eventType'),
  });
};
