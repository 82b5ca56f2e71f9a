import { randomBytes } from 'node:crypto';
import { SecretVault } from './secret-vault';

describe('SecretVault', () => {
  const vault = new SecretVault({ id: 'k1', key: randomBytes(32) });
  const secrets = { '/value/0/resourceData/recordingAccessToken': 'planted-token-123' };

  it('given sealed secrets, when opened with the same key, then gives them back', () => {
    expect(vault.open(vault.seal(secrets))).toEqual(secrets);
  });

  it('never shows the secret in the sealed form and never repeats a nonce', () => {
    const a = vault.seal(secrets);
    const b = vault.seal(secrets);
    expect(JSON.stringify(a)).not.toContain('planted-token-123');
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
  });

  it('refuses a tampered ciphertext, a wrong key and a wrong key id', () => {
    const sealed = vault.seal(secrets);
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] ^= 1;
    expect(() => vault.open({ ...sealed, data: flipped.toString('base64') })).toThrow(/tampered/);
    const other = new SecretVault({ id: 'k1', key: randomBytes(32) });
    expect(() => other.open(sealed)).toThrow(/wrong key or tampered/);
    expect(() => vault.open({ ...sealed, kid: 'k2' })).toThrow(/sealed with key "k2"/);
    expect(() => vault.open({ hello: 'world' })).toThrow(/not sealed secrets/);
  });
});
