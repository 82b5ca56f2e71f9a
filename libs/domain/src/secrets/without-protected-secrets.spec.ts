import { withoutProtectedSecrets } from './without-protected-secrets';

describe('withoutProtectedSecrets', () => {
  it('given event data with sealed secrets, then returns a copy without them', () => {
    const data = { notification: { callId: 'c' }, protectedSecrets: { data: 'x' } };
    expect(withoutProtectedSecrets(data)).toEqual({ notification: { callId: 'c' } });
    expect(data.protectedSecrets).toEqual({ data: 'x' });
  });

  it('given anything else, then returns it as it is', () => {
    const data = { notification: { callId: 'c' } };
    expect(withoutProtectedSecrets(data)).toBe(data);
    expect(withoutProtectedSecrets(null)).toBeNull();
  });
});
