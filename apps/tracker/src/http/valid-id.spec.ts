import { ID_RULE, isValidId, validId } from './valid-id';
import { ProblemException } from './problem';

describe('validId', () => {
  it('is the domain id rule', () => {
    expect(isValidId('57DAB8B1894C409AB240BD8BEAE78896')).toBe(true);
    expect(isValidId('4:+14255550123')).toBe(true);
    expect(isValidId('a/b')).toBe(false);
    expect(ID_RULE).toMatch(/^must be 1-200 characters/);
  });

  it('throws a 400 naming the field and the rule', () => {
    expect(validId('callId', 'abc')).toBe('abc');
    try {
      validId('callId', 'x'.repeat(201));
      throw new Error('expected a 400');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).getResponse()).toMatchObject({
        details: [{ field: 'callId', problem: ID_RULE }],
      });
    }
  });
});
