import fc from 'fast-check';
import { eventIdFor } from './event-id';
import { deadlineKey, notificationKey } from './notification-key';

describe('notificationKey', () => {
  it('hashes the canonical JSON of the identity under its source', () => {
    const key = notificationKey('graph', { b: 1, a: [1, 2] });
    expect(key).toMatch(/^graph:[0-9a-f]{64}$/);
    expect(notificationKey('graph', { a: [1, 2], b: 1 })).toBe(key);
    expect(notificationKey('bot', { a: [1, 2], b: 1 })).not.toBe(key);
    expect(notificationKey('graph', { a: [2, 1], b: 1 })).not.toBe(key);
  });

  it('names deadline marks by call, mark and operation', () => {
    expect(deadlineKey('c', 'callMissed')).toBe(deadlineKey('c', 'callMissed'));
    expect(deadlineKey('c', 'operationStale', 'o1')).not.toBe(
      deadlineKey('c', 'operationStale', 'o2'),
    );
    expect(deadlineKey('c', 'callStale')).toMatch(/^deadline:[0-9a-f]{64}$/);
  });
});

describe('eventIdFor', () => {
  it('is a UUID v5 of the key and the index', () => {
    expect(eventIdFor('graph:abc', 0)).toBe(eventIdFor('graph:abc', 0));
    expect(eventIdFor('graph:abc', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
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
