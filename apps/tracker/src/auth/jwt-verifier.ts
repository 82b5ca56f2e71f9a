import { createRemoteJWKSet, errors, JWTPayload, jwtVerify } from 'jose';
import { JwtSourceConfig } from '../config/config';

/** The caller's token is not acceptable; `reason` is short, fixed text safe for logs and metrics. */
export class AuthRejected extends Error {
  override readonly name = 'AuthRejected';
  constructor(readonly reason: AuthRejectReason) {
    super(`unauthorized: ${reason}`);
  }
}

/** The keys to check a token with cannot be fetched: not the caller's fault, so a 503. */
export class AuthUnavailable extends Error {
  override readonly name = 'AuthUnavailable';
}

export type AuthRejectReason =
  | 'missing credentials'
  | 'malformed token'
  | 'unknown signing key'
  | 'missing key id'
  | 'bad signature'
  | 'expired'
  | 'not yet valid'
  | 'wrong issuer'
  | 'wrong audience'
  | 'wrong tenant'
  | 'invalid claims'
  | 'unknown api key'
  | 'source not configured';

export interface VerifierOptions {
  readonly clockSkewSeconds: number;
  readonly jwksCooldownSeconds: number;
}

const FETCH_TIMEOUT_MS = 5000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

// Graph and ACS both sign with RS256; pinning it rules out algorithm-confusion tricks.
const ALGORITHMS = ['RS256'];

/**
 * Checks the bearer tokens one platform (Graph or ACS) puts on its webhooks: signature against
 * the keys its OpenID configuration publishes (cached; fetched again when a token names a key id
 * the cache does not hold), issuer, audience, expiry and not-before with a small skew, tenant.
 */
export class JwtVerifier {
  private keys?: Promise<KeySet>;

  constructor(
    private readonly source: JwtSourceConfig,
    private readonly options: VerifierOptions,
  ) {}

  async verify(token: string): Promise<JWTPayload> {
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: [...this.source.issuers],
        audience: this.source.audience,
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw classify(error);
    }
    const tenants = this.source.tenantIds;
    if (tenants.length > 0 && !tenants.includes(String(payload.tid ?? ''))) {
      throw new AuthRejected('wrong tenant');
    }
    return payload;
  }

  private keySet(): Promise<KeySet> {
    this.keys ??= this.discover().catch((error: Error) => {
      this.keys = undefined; // try discovery again on the next request
      throw new AuthUnavailable(`cannot load signing keys: ${error.message}`);
    });
    return this.keys;
  }

  private async discover(): Promise<KeySet> {
    const jwksUrl = this.source.jwksUrl ?? (await this.jwksUriFromOpenIdConfig());
    return createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: this.options.jwksCooldownSeconds * 1000,
    });
  }

  private async jwksUriFromOpenIdConfig(): Promise<string> {
    const url = this.source.openIdConfigUrl;
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const body = (await response.json()) as { jwks_uri?: unknown };
    if (typeof body.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return body.jwks_uri;
  }
}

const CLAIM_REASONS: Record<string, AuthRejectReason> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'not yet valid',
  exp: 'expired',
};

const classify = (error: unknown): Error => {
  if (error instanceof errors.JWTExpired) return new AuthRejected('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthRejected(CLAIM_REASONS[error.claim] ?? 'invalid claims');
  }
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthRejected('unknown signing key');
  // A header without `kid` matches every published RS256 key once there are several (real
  // platforms publish several); the token, not the key endpoint, is at fault.
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new AuthRejected('missing key id');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthRejected('bad signature');
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  ) {
    return new AuthRejected('malformed token');
  }
  // Timeouts, unreachable or broken key endpoints.
  return new AuthUnavailable(`cannot check the token: ${(error as Error)?.message ?? error}`);
};
