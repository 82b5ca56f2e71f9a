import fc from 'fast-check';
import { eventIdFor } from './event-id';
import { deadlineKey, notificationKey } from './notification-key';

describe('notificationKey', () => {
  it('hashes the canonical JSON of the identity under its source', () => {
    const key = notificationKey('graph', { b: 1, a: [1, 2] });
    // Known answer (sha256 of `{"a":[1,2],"b":1}`): stored streams depend on this never changing.
    expect(key).toBe('graph:94a786c3662bc7beeb598efa7d8cb58d7bea25d6c275ea9785a0230ff1f8c2ba');
    expect(notificationKey('graph', { a: [1, 2], b: 1 })).toBe(key);
    expect(notificationKey('bot', { a: [1, 2], b: 1 })).not.toBe(key);
    expect(notificationKey('graph', { a: [2, 1], b: 1 })).not.toBe(key);
  });

  it('names deadline marks by call, mark and operation', () => {
    expect(deadlineKey('c', 'callStale')).toBe(
      'deadline:661332e82631573687a9d5d901afc02b26170b37a0ca940b6a504978c5d53cb8',
    );
    expect(deadlineKey('c', 'callMissed')).not.toBe(deadlineKey('c', 'callStale'));
    expect(deadlineKey('c', 'operationStale', 'o1')).not.toBe(
      deadlineKey('c', 'operationStale', 'o2'),
    );
  });
});

describe('eventIdFor', () => {
  it('is a UUID v5 of the key and the index', () => {
    // Known answers (Python's uuid.uuid5 agrees): idempotent appends depend on these.
    expect(eventIdFor('graph:abc', 0)).toBe('5bcbeb5c-dc81-58db-be90-94f878aa36f8');
    expect(eventIdFor('graph:abc', 1)).toBe('c37d5533-65ea-5edf-ab90-331a48fac0e1');
  });

  it('never repeats across keys or indexes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string(), fc.nat(50)), {
          selector: ([k, i]) => `${k}#${i}`,
          minLength: 2,
        }),
        (pairs) => {
          const ids = pairs.map(([key, index]) => eventIdFor(key, index));
          expect(new Set(ids).size).toBe(pairs.length);
        },
      ),
    );
  });

  it('refuses a negative or fractional index', () => {
    expect(() => eventIdFor('k', -1)).toThrow(RangeError);
    expect(() => eventIdFor('k', 1.5)).toThrow(RangeError);
  });
});
