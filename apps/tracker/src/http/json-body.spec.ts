import { ProblemBody, ProblemException } from './problem';
import { parseJsonBody } from './json-body';

const refusal = (body: Buffer, contentType?: string): { status: number } & ProblemBody => {
  try {
    parseJsonBody(body, contentType);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const problem = error as ProblemException;
    return { status: problem.getStatus(), ...(problem.getResponse() as ProblemBody) };
  }
  throw new Error('expected a refusal');
};

/** `text` as UTF-8 with raw `bytes` in place of its `__`. */
const withBytes = (text: string, ...bytes: number[]): Buffer => {
  const [head, tail] = text.split('__');
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
};

const fieldOf = (body: Buffer) => refusal(body).details?.[0];

describe('parseJsonBody', () => {
  it('parses UTF-8 JSON, with or without a byte order mark', () => {
    expect(parseJsonBody(Buffer.from('{"a":"é\uFFFD","n":1.5e308}'))).toEqual({
      a: 'é\uFFFD',
      n: 1.5e308,
    });
    expect(parseJsonBody(Buffer.from('\uFEFF[1]'), 'application/json; charset="UTF-8"')).toEqual([
      1,
    ]);
  });

  it('refuses every kind of byte sequence that is not UTF-8, naming where it sits', () => {
    const cases: Array<[string, number[]]> = [
      ['lone continuation byte', [0x80]],
      ['overlong "/"', [0xc0, 0xaf]],
      ['encoded surrogate', [0xed, 0xa0, 0x80]],
      ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['truncated before a quote', [0xe2, 0x82]],
      ['invalid lead byte', [0xff]],
    ];
    for (const [name, bytes] of cases) {
      expect({ name, problem: fieldOf(withBytes('{"v":[0,{"x":"a__b"}]}', ...bytes)) }).toEqual({
        name,
        problem: { field: '/v/1/x', problem: expect.stringMatching(/^must be valid UTF-8/) },
      });
    }
    expect(fieldOf(withBytes('{"k__":1}', 0xff))).toMatchObject({ field: '/k\uFFFD' });
    expect(fieldOf(withBytes('{"k":1__}', 0xff))).toMatchObject({ field: 'body' });
  });

  it('names the body when no marker is left to find the place with', () => {
    let privateUse = '';
    for (let code = 0xe000; code <= 0xf8ff; code += 1) privateUse += String.fromCharCode(code);
    expect(fieldOf(withBytes(`{"p":"${privateUse}","x":"__"}`, 0xff))).toMatchObject({
      field: 'body',
      problem: expect.stringMatching(/UTF-8/),
    });
  });

  it('refuses numbers that are not finite anywhere, at any depth', () => {
    expect(fieldOf(Buffer.from('{"a":[1,{"b~":-1e400}]}'))).toEqual({
      field: '/a/1/b~0',
      problem: 'must be a finite number (this one is beyond ±1.8e308)',
    });
    expect(fieldOf(Buffer.from('1E309'))).toMatchObject({ field: 'body' });
    const deep = `${'['.repeat(100_000)}1e400${']'.repeat(100_000)}`;
    expect(fieldOf(Buffer.from(deep))?.field).toHaveLength(200_000);
  });

  it('answers 400 to an empty body and to text that is not JSON, without quoting it', () => {
    expect(refusal(Buffer.alloc(0))).toMatchObject({
      status: 400,
      message: 'body: must not be empty',
    });
    expect(refusal(Buffer.from('{"secret": oops'))).toMatchObject({
      status: 400,
      message: 'body: is not valid JSON',
    });
  });

  it('answers 415 to any charset but UTF-8', () => {
    for (const contentType of [
      'application/json; charset=utf-16',
      'application/json;charset=latin1',
    ]) {
      expect(refusal(Buffer.from('{}'), contentType)).toMatchObject({
        status: 415,
        error: 'unsupported_media_type',
      });
    }
    expect(parseJsonBody(Buffer.from('{}'), 'application/json; charset=utf8')).toEqual({});
  });
});
