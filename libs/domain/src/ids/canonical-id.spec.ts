import fc from 'fast-check';
import { canonicalId, idLookupKey, sameId } from './canonical-id';
import { callIdFromStreamName, callStreamName } from './stream-name';

describe('canonicalId', () => {
  it('dashes and lower-cases 32 hex digits', () => {
    expect(canonicalId('57DAB8B1894C409AB240BD8BEAE78896')).toBe(
      '57dab8b1-894c-409a-b240-bd8beae78896',
    );
  });

  it('lower-cases a dashed GUID', () => {
    expect(canonicalId('57DAB8B1-894C-409A-B240-BD8BEAE78896')).toBe(
      '57dab8b1-894c-409a-b240-bd8beae78896',
    );
  });

  it.each([
    '421f4c00',
    '8:acs:abc-123',
    'LEG-1',
    ' 57dab8b1-894c-409a-b240-bd8beae78896',
    '{57dab8b1-894c-409a-b240-bd8beae78896}',
    '',
  ])('keeps "%s" as given', (raw) => {
    expect(canonicalId(raw)).toBe(raw);
  });

  it('gives both spellings of any GUID the same canonical id, and is idempotent', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        const dashed = upper ? uuid.toUpperCase() : uuid;
        const compact = dashed.replace(/-/g, '');
        expect(canonicalId(compact)).toBe(uuid.toLowerCase());
        expect(canonicalId(dashed)).toBe(uuid.toLowerCase());
        expect(canonicalId(canonicalId(compact))).toBe(canonicalId(compact));
        expect(sameId(compact, dashed)).toBe(true);
      }),
    );
  });
});

describe('idLookupKey', () => {
  it('finds a GUID in any case and dash form, and any other id in any case', () => {
    const key = idLookupKey('0fe0623f-d628-42ed-b4bd-8ac290072cc5');
    expect(idLookupKey('0FE0623FD62842EDB4BD8AC290072CC5')).toBe(key);
    expect(idLookupKey('0FE0623F-D628-42ED-B4BD-8AC290072CC5')).toBe(key);
    expect(idLookupKey('Dialog-ABC')).toBe(idLookupKey('dialog-abc'));
    expect(idLookupKey('dialog-abc')).not.toBe(idLookupKey('dialogabc'));
  });
});

describe('callStreamName', () => {
  it('names the stream call-<canonical id>, whatever spelling it is given', () => {
    expect(callStreamName('57DAB8B1894C409AB240BD8BEAE78896')).toBe(
      'call-57dab8b1-894c-409a-b240-bd8beae78896',
    );
    expect(callStreamName('abc')).toBe('call-abc');
    expect(callIdFromStreamName('call-abc')).toBe('abc');
    expect(callIdFromStreamName('operation-abc')).toBeUndefined();
  });
});
