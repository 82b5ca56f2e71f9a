import fc from 'fast-check';
import { markRedacted } from './mark-redacted';
import { firstRedactSecrets as reference } from '../testing/first-implementations';
import { containsSecrets, redactSecrets } from './redact-secrets';

/** JSON trees whose keys are often secrets (in any case), their parents, or need escaping. */
const secretive = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'recordingAccessToken',
          'RECORDRESOURCEACCESSTOKEN',
          'incomingCallContext',
          'meetingInfo',
          'MeetingInfo',
          'token',
          'a/b',
          'x~y',
        ),
        fc.string({ maxLength: 5 }),
      ),
      tie('tree'),
      { maxKeys: 4 },
    ),
  ),
})).tree;

describe('redactSecrets', () => {
  it('removes both token members at any depth and in any key case, reporting their paths', () => {
    const payload = {
      value: [
        {
          resourceData: {
            recordingLocation: 'https://file/1',
            recordingAccessToken: 'T1',
            nested: [{ RecordResourceAccessToken: 'T2', keep: true }],
          },
        },
      ],
      'a/b': { RECORDINGACCESSTOKEN: 'T3' },
    };
    const { redacted, removedPaths, secrets } = redactSecrets(payload);
    expect(redacted).toEqual({
      value: [{ resourceData: { recordingLocation: 'https://file/1', nested: [{ keep: true }] } }],
      'a/b': {},
    });
    expect(removedPaths).toEqual([
      '/a~1b/RECORDINGACCESSTOKEN',
      '/value/0/resourceData/nested/0/RecordResourceAccessToken',
      '/value/0/resourceData/recordingAccessToken',
    ]);
    expect(secrets).toEqual({
      '/value/0/resourceData/recordingAccessToken': 'T1',
      '/value/0/resourceData/nested/0/RecordResourceAccessToken': 'T2',
      '/a~1b/RECORDINGACCESSTOKEN': 'T3',
    });
    expect(payload.value[0].resourceData.recordingAccessToken).toBe('T1');
  });

  it('removes the meeting join token of a tokenMeetingInfo, and only that token', () => {
    const payload = {
      meetingInfo: { '@odata.type': '#microsoft.graph.tokenMeetingInfo', token: 'join token' },
      other: { token: 'not a credential' },
    };
    const { redacted, removedPaths } = redactSecrets(payload);
    expect(redacted).toEqual({
      meetingInfo: { '@odata.type': '#microsoft.graph.tokenMeetingInfo' },
      other: { token: 'not a credential' },
    });
    expect(removedPaths).toEqual(['/meetingInfo/token']);
  });

  it('leaves a payload without secrets equal, and is idempotent', () => {
    const secretFree = fc.jsonValue().filter((v) => !/token/i.test(JSON.stringify(v)));
    fc.assert(
      fc.property(secretFree, (value) => {
        expect(redactSecrets(value)).toEqual({ redacted: value, removedPaths: [], secrets: {} });
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = redactSecrets(value).redacted;
        expect(redactSecrets(once)).toEqual({ redacted: once, removedPaths: [], secrets: {} });
        expect(containsSecrets(once)).toBe(false);
      }),
    );
  });

  it('removes, reports and copies exactly as the first implementation did', () => {
    fc.assert(
      fc.property(secretive, (value) => {
        expect(redactSecrets(value)).toEqual(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a member named __proto__ as data, not as a prototype', () => {
    const payload = JSON.parse('{"__proto__": {"recordingAccessToken": "T"}, "x": 1}');
    const { redacted, removedPaths } = redactSecrets(payload);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(removedPaths).toEqual(['/__proto__/recordingAccessToken']);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{},"x":1}');
  });
});

describe('markRedacted', () => {
  it('puts a marker where each secret was, so that re-redacting reports the same paths', () => {
    const payload = {
      resourceData: {
        recordingAccessToken: 'T',
        a: [{ 'x/y': { RecordResourceAccessToken: 'U' } }],
      },
    };
    const { redacted, removedPaths } = redactSecrets(payload);
    const marked = markRedacted(redacted, [...removedPaths, '/missing/path']);
    expect(marked).toEqual({
      resourceData: {
        recordingAccessToken: '[redacted]',
        a: [{ 'x/y': { RecordResourceAccessToken: '[redacted]' } }],
      },
    });
    expect(redactSecrets(marked)).toEqual({
      redacted,
      removedPaths,
      secrets: Object.fromEntries(removedPaths.map((path) => [path, '[redacted]'])),
    });
    expect(redacted).toEqual({ resourceData: { a: [{ 'x/y': {} }] } });
  });
});
