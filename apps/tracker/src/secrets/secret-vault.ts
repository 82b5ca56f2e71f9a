import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** How a notification's secrets (recording access tokens) are kept in its stored event. */
export interface SealedSecrets {
  readonly v: 1;
  readonly alg: 'A256GCM';
  /** Which RECORDING_TOKEN_KEY sealed it, so keys can be rotated. */
  readonly kid: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

export class SecretVaultError extends Error {
  override readonly name = 'SecretVaultError';
}

const IV_BYTES = 12; // the GCM standard nonce size
const aad = (kid: string) => Buffer.from(`call-operation-tracker:secrets:v1:${kid}`);

/** AES-256-GCM sealing of secrets at rest: confidentiality and tamper detection in one. */
export class SecretVault {
  constructor(private readonly key: { readonly id: string; readonly key: Buffer }) {
    if (key.key.length !== 32) throw new SecretVaultError('the key must be 32 bytes');
  }

  get keyId(): string {
    return this.key.id;
  }

  seal(secrets: Readonly<Record<string, unknown>>): SealedSecrets {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
    cipher.setAAD(aad(this.key.id));
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return {
      v: 1,
      alg: 'A256GCM',
      kid: this.key.id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: unknown): Record<string, unknown> {
    const s = sealed as Partial<SealedSecrets> | undefined;
    if (s?.v !== 1 || s.alg !== 'A256GCM' || !s.iv || !s.tag || !s.data) {
      throw new SecretVaultError('not sealed secrets');
    }
    if (s.kid !== this.key.id) {
      throw new SecretVaultError(`sealed with key "${s.kid}", this key is "${this.key.id}"`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key.key, Buffer.from(s.iv, 'base64'));
      decipher.setAAD(aad(s.kid));
      decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(s.data, 'base64')),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new SecretVaultError(
        'sealed secrets do not open with this key (wrong key or tampered)',
      );
    }
  }
}
