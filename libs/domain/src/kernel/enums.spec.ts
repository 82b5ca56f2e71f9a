import { normalizeEnum } from './enums';

describe('normalizeEnum', () => {
  const known = ['running', 'transferAccepted'] as const;

  it('maps any case onto the known spelling', () => {
    expect(normalizeEnum('Running', known)).toBe('running');
    expect(normalizeEnum('TRANSFERACCEPTED', known)).toBe('transferAccepted');
  });

  it('keeps unknown values exactly as given', () => {
    expect(normalizeEnum('unknownFutureValue', known)).toBe('unknownFutureValue');
    expect(normalizeEnum('Paused', known)).toBe('Paused');
  });
});
