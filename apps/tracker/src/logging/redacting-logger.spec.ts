import { RedactingLogger } from './redacting-logger';

describe('RedactingLogger', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('given an error with a secret in its message and stack, then writes neither', () => {
    const logger = new RedactingLogger({ logLevels: ['error'] });
    logger.error('failed: {"recordingAccessToken":"s3cr3t-1"}', 'Error: Bearer s3cr3t-2\n  at x');
    const text = written.join('');
    expect(text).toContain('failed:');
    expect(text).not.toMatch(/s3cr3t/);
  });

  it('given an error without a stack, then still logs it', () => {
    const logger = new RedactingLogger({ logLevels: ['error'] });
    expect(() => logger.error('no stack here')).not.toThrow();
    expect(written.join('')).toContain('no stack here');
  });
});
