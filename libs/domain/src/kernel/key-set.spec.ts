import fc from 'fast-check';
import { KeySet } from './key-set';

const setOf = (keys: readonly string[]): KeySet =>
  keys.reduce((set, key) => set.with(key), KeySet.empty);

// Pairs with equal 32-bit FNV-1a hashes: they share a bucket.
const COLLIDING = ['costarring', 'liquid', 'declinate', 'macallums', 'altarage', 'zinke'];

const keys = fc.array(
  fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
    fc.constantFrom(...COLLIDING),
  ),
  { maxLength: 300 },
);

describe('KeySet', () => {
  it('holds what a Set of the same keys holds', () => {
    fc.assert(
      fc.property(keys, keys, (added, probes) => {
        const set = setOf(added);
        const model = new Set(added);
        expect(set.size).toBe(model.size);
        expect([...set].sort()).toEqual([...model].sort());
        for (const key of [...added, ...probes]) expect(set.has(key)).toBe(model.has(key));
      }),
    );
  });

  it('leaves the set it was made from as it was', () => {
    fc.assert(
      fc.property(keys, keys, (first, more) => {
        const before = setOf(first);
        const snapshot = [...before].sort();
        const after = more.reduce((set, key) => set.with(key), before);
        expect([...before].sort()).toEqual(snapshot);
        expect(before.size).toBe(snapshot.length);
        for (const key of more) if (!snapshot.includes(key)) expect(before.has(key)).toBe(false);
        expect(after.size).toBe(new Set([...first, ...more]).size);
      }),
    );
  });

  it('is the same structure whatever the order the keys came in', () => {
    fc.assert(
      fc.property(
        keys.chain((added) =>
          fc.tuple(fc.constant(added), fc.shuffledSubarray(added, { minLength: added.length })),
        ),
        ([added, shuffled]) => expect(setOf(shuffled)).toEqual(setOf(added)),
      ),
    );
  });

  it('keeps keys with equal hashes apart', () => {
    const set = setOf(['costarring', 'altarage']);
    expect(set.has('liquid')).toBe(false);
    expect(set.has('zinke')).toBe(false);
    const all = setOf(COLLIDING);
    expect(all.size).toBe(6);
    for (const key of COLLIDING) expect(all.has(key)).toBe(true);
  });

  it('returns itself for a key it has', () => {
    const set = setOf(['a', 'liquid', 'costarring']);
    expect(set.with('a')).toBe(set);
    expect(set.with('liquid')).toBe(set);
  });

  it('is written as the { key: true } object it replaces, and read back from it', () => {
    fc.assert(
      fc.property(keys, (added) => {
        const set = setOf(added);
        const json = JSON.parse(JSON.stringify(set));
        expect(json).toEqual(Object.fromEntries(added.map((key) => [key, true])));
        expect(KeySet.fromJson(json)).toEqual(set);
      }),
    );
    expect(JSON.stringify(KeySet.empty)).toBe('{}');
    // A key from the wire may be called __proto__: it stays a member, both ways.
    const odd = KeySet.fromJson(JSON.parse('{"__proto__": true, "a": true}'));
    expect(odd.size).toBe(2);
    expect(KeySet.fromJson(JSON.parse(JSON.stringify(odd)))).toEqual(odd);
    expect(KeySet.fromJson(undefined)).toBe(KeySet.empty);
  });
});
