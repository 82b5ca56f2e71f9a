import { redactLogText } from './redact-log-text';

describe('redactLogText', () => {
  it.each([
    ['{"recordingAccessToken":"s3cr3t-value","status":"completed"}', 's3cr3t-value'],
    ['{"recordResourceAccessToken" : "abc\\"def"}', 'abc'],
    ['Unexpected token in JSON: {"recordingAccessToken":"s3cr3t-val…', 's3cr3t-val'],
    ['authorization: Bearer abc.def.ghi', 'abc.def.ghi'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'eyJzdWIiOiJ4In0'],
    ['connecting to esdb://admin:changeit@10.0.0.1:2113', 'changeit'],
  ])('given %j, then hides the secret', (line, secret) => {
    const redacted = redactLogText(line);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[redacted]');
  });

  it('leaves ordinary lines alone', () => {
    const line = 'HTTP listening on http://127.0.0.1:3000 (call 57dab8b1, state established)';
    expect(redactLogText(line)).toBe(line);
  });
});
