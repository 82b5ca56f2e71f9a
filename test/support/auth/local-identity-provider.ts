import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

const newKey = async (kid: string): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
};

/**
 * A stand-in for the platform's token issuer on loopback: an OpenID configuration and a JWKS built
 * from keys generated here, so the tests exercise the real fetch-and-verify path.
 */
export class LocalIdentityProvider {
  private published: SigningKey[] = [];
  /** Requests served for the JWKS, to observe caching and refresh. */
  jwksRequests = 0;
  available = true;

  private readonly server: Server = createServer((request, response) =>
    this.serve(request.url ?? '', response),
  );

  private constructor(readonly issuer: string) {}

  static async start(issuer: string): Promise<LocalIdentityProvider> {
    const provider = new LocalIdentityProvider(issuer);
    await new Promise<void>((done) => provider.server.listen(0, '127.0.0.1', done));
    await provider.rotate();
    return provider;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openIdConfigUrl(): string {
    return `${this.baseUrl}/.well-known/openid-configuration`;
  }

  /** Publishes a new key next to the old ones and returns it. */
  async rotate(
    kid = `${new URL(this.issuer).hostname}-${this.published.length + 1}`,
  ): Promise<SigningKey> {
    const key = await newKey(kid);
    this.published.push(key);
    return key;
  }

  /** A key with a kid nobody publishes. */
  unpublishedKey(kid = 'rogue'): Promise<SigningKey> {
    return newKey(kid);
  }

  get currentKey(): SigningKey {
    return this.published[this.published.length - 1];
  }

  /** A signed token; `withKeyId: false` leaves `kid` out of its header (it names no key). */
  async token(
    claims: { aud?: string; iss?: string; exp?: number; nbf?: number; tid?: string } = {},
    key: SigningKey = this.currentKey,
    { withKeyId = true }: { withKeyId?: boolean } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { iss = this.issuer, exp = now + 300, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(withKeyId ? { kid: key.kid } : {}) })
      .setIssuer(iss)
      .setIssuedAt(now - 1)
      .setExpirationTime(exp)
      .sign(key.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  private serve(url: string, response: import('node:http').ServerResponse): void {
    if (!this.available) {
      response.writeHead(503).end();
      return;
    }
    if (url.startsWith('/.well-known/openid-configuration')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.baseUrl}/keys` }));
      return;
    }
    if (url === '/keys') {
      this.jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.published.map((k) => k.publicJwk) }));
      return;
    }
    response.writeHead(404).end();
  }
}
