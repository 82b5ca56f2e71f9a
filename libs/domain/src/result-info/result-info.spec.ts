import { isFailureResult, parseResultInfo } from './result-info';

describe('parseResultInfo', () => {
  it('reads Graph resultInfo', () => {
    expect(
      parseResultInfo({
        '@odata.type': '#microsoft.graph.resultInfo',
        code: 200,
        subcode: 0,
        message: 'ok',
      }),
    ).toEqual({
      code: 200,
      subcode: 0,
      message: 'ok',
      rawCode: 200,
      rawSubcode: 0,
    });
  });

  it('normalizes a numeric string code and accepts subCode, keeping the raw values', () => {
    expect(parseResultInfo({ code: '400', subCode: '8519', message: 'bad' })).toEqual({
      code: 400,
      subcode: 8519,
      message: 'bad',
      rawCode: '400',
      rawSubcode: '8519',
    });
  });

  it('keeps a non-numeric code as given', () => {
    expect(parseResultInfo({ code: 'Timeout' })).toEqual({ code: 'Timeout', rawCode: 'Timeout' });
  });

  it('gives nothing for null or an empty object', () => {
    expect(parseResultInfo(null)).toBeUndefined();
    expect(parseResultInfo({})).toBeUndefined();
  });

  it('classes codes of 400 and above as failures', () => {
    expect(isFailureResult(parseResultInfo({ code: '404' }))).toBe(true);
    expect(isFailureResult(parseResultInfo({ code: 200 }))).toBe(false);
    expect(isFailureResult(parseResultInfo({ code: 'Timeout' }))).toBe(false);
    expect(isFailureResult(undefined)).toBe(false);
  });
});
