import fc from 'fast-check';
import { firstCanonicalJson as reference } from '../testing/first-implementations';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('writes exactly the text of the first implementation (small and large objects)', () => {
    // Wide objects take the other sort: at least 25 keys, of mixed case and any code unit.
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
    const wide = fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { minKeys: 25, maxKeys: 60 });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), wide, fc.array(wide)), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts object keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"x":null,"z":1}]},"b":1}',
    );
  });

  it('writes undefined array items as null, like JSON', () => {
    expect(canonicalJson([1, undefined, 'a'])).toBe('[1,null,"a"]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('is blind to key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  it('parses back to the same JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
