import { uuidV5 } from '../kernel/hashing';

/** Namespace of the tracker's name-based event ids (a fixed, random UUID: never change it). */
export const EVENT_ID_NAMESPACE = '9b3c4f5e-8a1d-4c2b-9e7f-6d5a4b3c2e1f';

/**
 * The id of the `index`-th event decided from the notification with this key: a UUID v5 of
 * `<key>#<index>`. A redelivered notification decides the same events with the same ids, so an
 * append that races a duplicate is idempotent in the store as well as in the decider.
 */
export const eventIdFor = (key: string, index: number): string => {
  if (!Number.isInteger(index) || index < 0) {
    throw new RangeError(`event index must be a non-negative integer, got ${index}`);
  }
  return uuidV5(`${key}#${index}`, EVENT_ID_NAMESPACE);
};
