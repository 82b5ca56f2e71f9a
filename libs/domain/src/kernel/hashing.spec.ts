import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex, uuidV5 } from './hashing';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  it('matches the RFC 4122 name-based UUID of a known name', () => {
    expect(uuidV5('www.example.com', DNS_NAMESPACE)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('always has version 5 and the RFC variant', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(uuidV5(name, DNS_NAMESPACE)).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
      }),
    );
  });

  it('hashes the namespace bytes, then the name as UTF-8, whatever the name holds', () => {
    const reference = (name: string) => {
      const bytes = createHash('sha1')
        .update(Buffer.from(DNS_NAMESPACE.replace(/-/g, ''), 'hex'))
        .update(name, 'utf8')
        .digest()
        .subarray(0, 16);
      bytes[6] = (bytes[6] & 0x0f) | 0x50;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      return bytes.toString('hex');
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        expect(uuidV5(name, DNS_NAMESPACE).replace(/-/g, '')).toBe(reference(name));
      }),
    );
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'nope')).toThrow('not a UUID namespace: "nope"');
  });
});

describe('sha256Hex', () => {
  it('hashes UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
