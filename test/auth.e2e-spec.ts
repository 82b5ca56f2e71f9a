import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  CALL_TRACKER_PROTO_PATH,
  HEALTH_PROTO_PATH,
  PROTO_LOADER_OPTIONS,
  PROTO_ROOT,
} from '@tracker/contracts';
import { formatPosition } from '@tracker/event-store';
import { LocalIdentityProvider } from './support/auth/local-identity-provider';
import { fixture, RunningService, startService } from './support/running-service';

const BOT_APP_ID = '9ecd52e5-6592-42b7-b562-093f37f13bde';
const ACS_RESOURCE_ID = '4c0b2a1e-acs0-4000-8000-resource0001';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const API_KEY = 'read-key-0123456789abcdef';
const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';

const acsEvent = (id: string) => ({
  id,
  source: 'calling/callConnections/acs-call-1',
  type: 'Microsoft.Communication.CallConnected',
  subject: 'calling/callConnections/acs-call-1',
  time: '2026-11-21T10:00:00Z',
  specversion: '1.0',
  data: { callConnectionId: 'acs-call-1', serverCallId: 'server-1', correlationId: 'corr-1' },
});

describe('authentication of webhooks and read APIs', () => {
  let graphIdp: LocalIdentityProvider;
  let acsIdp: LocalIdentityProvider;
  let service: RunningService;

  const head = async () => {
    const position = await service.store.headPosition();
    return position ? formatPosition(position) : 'empty';
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const incoming = () => fixture('graph/answer-incoming.json');

  /** Posts with the given headers; expects a 401 problem and nothing new in the store. */
  const expectRejected = async (path: string, body: unknown, headers: Record<string, string>) => {
    const before = await head();
    const reply = await service.post(path, body, headers);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: 'unauthorized' });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await head()).toBe(before);
    return reply.body.message as string;
  };

  beforeAll(async () => {
    graphIdp = await LocalIdentityProvider.start('https://api.botframework.com');
    acsIdp = await LocalIdentityProvider.start('https://acscallautomation.communication.azure.com');
    service = await startService({
      AUTH_MODE: 'jwt',
      GRAPH_AUTH_AUDIENCE: BOT_APP_ID,
      GRAPH_AUTH_OPENID_CONFIG_URL: graphIdp.openIdConfigUrl,
      ACS_AUTH_AUDIENCE: ACS_RESOURCE_ID,
      ACS_AUTH_OPENID_CONFIG_URL: acsIdp.openIdConfigUrl,
      ACS_AUTH_TENANT_IDS: TENANT,
      AUTH_CLOCK_SKEW_SECONDS: '30',
      AUTH_JWKS_COOLDOWN_SECONDS: '0',
      API_KEYS: API_KEY,
    });
  });

  afterAll(async () => {
    await service?.stop();
    await graphIdp?.stop();
    await acsIdp?.stop();
  });

  it('accepts a Graph notification with a valid token', async () => {
    const token = await graphIdp.token({ aud: BOT_APP_ID });
    const reply = await service.post('/api/calls', incoming(), bearer(token));
    expect(reply).toMatchObject({ status: 202, body: { accepted: 1 } });
  });

  it('refuses every bad Graph token with 401 and stores nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await graphIdp.token({ aud: BOT_APP_ID });
    const [header, payload, signature] = good.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), aud: 'x' }),
    ).toString('base64url');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['missing', {}, /missing credentials/],
      ['not a bearer', { authorization: `Basic ${good}` }, /missing credentials/],
      ['garbage', bearer('not.a.jwt'), /malformed token/],
      ['alg none', bearer(unsigned), /malformed token/],
      ['tampered', bearer(`${header}.${forgedPayload}.${signature}`), /bad signature/],
      ['expired', bearer(await graphIdp.token({ aud: BOT_APP_ID, exp: now - 120 })), /expired/],
      [
        'not yet valid',
        bearer(await graphIdp.token({ aud: BOT_APP_ID, nbf: now + 600 })),
        /not yet valid/,
      ],
      ['wrong audience', bearer(await graphIdp.token({ aud: 'another-bot' })), /wrong audience/],
      [
        'wrong issuer',
        bearer(await graphIdp.token({ aud: BOT_APP_ID, iss: 'https://evil.example' })),
        /wrong issuer/,
      ],
      [
        'unknown key',
        bearer(await graphIdp.token({ aud: BOT_APP_ID }, await graphIdp.unpublishedKey())),
        /unknown signing key/,
      ],
      ['an ACS token', bearer(await acsIdp.token({ aud: ACS_RESOURCE_ID })), /unknown signing key/],
    ];
    for (const [name, headers, reason] of cases) {
      const message = await expectRejected('/api/calls', incoming(), headers).catch((error) => {
        throw new Error(`${name}: ${error.message}`);
      });
      expect({ name, message }).toEqual({ name, message: expect.stringMatching(reason) });
    }
  });

  it('tolerates a small clock skew but no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await graphIdp.token({ aud: BOT_APP_ID, exp: now - 5 });
    expect((await service.post('/api/calls', incoming(), bearer(justExpired))).status).toBe(202);
    const longExpired = await graphIdp.token({ aud: BOT_APP_ID, exp: now - 60 });
    await expectRejected('/api/calls', incoming(), bearer(longExpired));
  });

  it('fetches the key set again when a token names a new key id', async () => {
    const before = graphIdp.jwksRequests;
    const rotated = await graphIdp.rotate();
    const token = await graphIdp.token({ aud: BOT_APP_ID }, rotated);
    expect((await service.post('/api/calls', incoming(), bearer(token))).status).toBe(202);
    expect(graphIdp.jwksRequests).toBe(before + 1);
    // Cached now: the next token with the same key costs no fetch.
    await service.post('/api/calls', incoming(), bearer(await graphIdp.token({ aud: BOT_APP_ID })));
    expect(graphIdp.jwksRequests).toBe(before + 1);
  });

  it('checks ACS callbacks against the ACS issuer, resource id and tenant', async () => {
    const token = await acsIdp.token({ aud: ACS_RESOURCE_ID, tid: TENANT });
    const reply = await service.post('/api/acs/events', [acsEvent('e1')], bearer(token));
    expect(reply).toMatchObject({ status: 202, body: { accepted: 1 } });
    await expectRejected(
      '/api/acs/events',
      [acsEvent('e2')],
      bearer(await acsIdp.token({ aud: BOT_APP_ID, tid: TENANT })),
    );
    for (const tid of ['another-tenant', undefined]) {
      const message = await expectRejected(
        '/api/acs/events',
        [acsEvent('e2')],
        bearer(await acsIdp.token({ aud: ACS_RESOURCE_ID, tid })),
      );
      expect(message).toMatch(/wrong tenant/);
    }
    await expectRejected(
      '/api/acs/events',
      [acsEvent('e3')],
      bearer(await graphIdp.token({ aud: ACS_RESOURCE_ID })),
    );
  });

  it('answers 503 with Retry-After when the keys cannot be fetched, and stores nothing', async () => {
    acsIdp.available = false;
    const rotated = await acsIdp.rotate('acs-new');
    const before = await head();
    const reply = await service.post(
      '/api/acs/events',
      [acsEvent('e4')],
      bearer(await acsIdp.token({ aud: ACS_RESOURCE_ID }, rotated)),
    );
    acsIdp.available = true;
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(await head()).toBe(before);
  });

  it('requires the API key on the REST reads and the bot operation responses', async () => {
    await service.settle();
    expect((await service.get(`/api/calls/${CALL}`)).status).toBe(401);
    expect(
      (await service.get(`/api/calls/${CALL}`, { 'x-api-key': 'wrong-key-0123456789' })).status,
    ).toBe(401);
    expect((await service.get(`/api/calls/${CALL}`, { 'x-api-key': API_KEY })).status).toBe(200);
    expect((await service.get(`/api/calls/${CALL}`, bearer(API_KEY))).status).toBe(200);
    await expectRejected(
      `/api/calls/${CALL}/operations`,
      fixture('graph/playprompt-response.json'),
      {},
    );
    expect((await service.get('/health/ready')).status).toBe(200);
  });

  it('counts rejections by caller and reason in /metrics', async () => {
    const response = await fetch(`${service.base}/metrics`);
    const text = await response.text();
    expect(text).toMatch(/tracker_auth_rejected_total\{caller="graph",reason="expired"\} [1-9]/);
    expect(text).toMatch(
      /tracker_auth_rejected_total\{caller="client",reason="unknown api key"\} 1/,
    );
  });

  it('requires the API key on gRPC, but not on gRPC health', async () => {
    const definition = protoLoader.loadSync([CALL_TRACKER_PROTO_PATH, HEALTH_PROTO_PATH], {
      ...PROTO_LOADER_OPTIONS,
      includeDirs: [PROTO_ROOT],
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const loaded = grpc.loadPackageDefinition(definition) as any;
    const client = new loaded.comms.tracker.v1.CallTracker(
      service.grpcAddress,
      grpc.credentials.createInsecure(),
    );
    const getCall = (metadata: grpc.Metadata) =>
      new Promise<{ code: number; callId?: string }>((resolve) =>
        client.GetCall(
          { call_id: CALL },
          metadata,
          (error: grpc.ServiceError | null, reply: { call_id: string }) =>
            resolve(error ? { code: error.code } : { code: 0, callId: reply.call_id }),
        ),
      );
    try {
      expect(await getCall(new grpc.Metadata())).toEqual({ code: grpc.status.UNAUTHENTICATED });
      const withKey = new grpc.Metadata();
      withKey.set('x-api-key', API_KEY);
      expect(await getCall(withKey)).toEqual({ code: 0, callId: CALL });
      const withBearer = new grpc.Metadata();
      withBearer.set('authorization', `Bearer ${API_KEY}`);
      expect(await getCall(withBearer)).toEqual({ code: 0, callId: CALL });
      const health = new loaded.grpc.health.v1.Health(
        service.grpcAddress,
        grpc.credentials.createInsecure(),
      );
      const status = await new Promise((resolve, reject) =>
        health.Check({ service: '' }, (error: Error | null, reply: { status: string }) =>
          error ? reject(error) : resolve(reply.status),
        ),
      );
      health.close();
      expect(status).toBe('SERVING');
    } finally {
      client.close();
    }
  });
});

describe('a platform without a configured audience', () => {
  it('gets 401 for everything, even with a well-signed token, and stores nothing', async () => {
    const graphIdp = await LocalIdentityProvider.start('https://api.botframework.com');
    const service = await startService({
      AUTH_MODE: 'jwt',
      GRAPH_AUTH_AUDIENCE: BOT_APP_ID,
      GRAPH_AUTH_OPENID_CONFIG_URL: graphIdp.openIdConfigUrl,
    });
    try {
      const token = await graphIdp.token({ aud: BOT_APP_ID });
      const reply = await service.post('/api/acs/events', [acsEvent('e1')], {
        authorization: `Bearer ${token}`,
      });
      expect(reply).toMatchObject({
        status: 401,
        body: { message: 'request not authenticated: source not configured' },
      });
      expect(await service.store.headPosition()).toBeUndefined();
    } finally {
      await service.stop();
      await graphIdp.stop();
    }
  });
});

describe('a token whose header names no key, against a key set of several RSA keys', () => {
  it('gets 401 (not 503), is counted in /metrics and stores nothing', async () => {
    const graphIdp = await LocalIdentityProvider.start('https://api.botframework.com');
    // Real platforms publish several keys: without a kid, every one of them matches the token.
    await graphIdp.rotate();
    await graphIdp.rotate();
    const service = await startService({
      AUTH_MODE: 'jwt',
      GRAPH_AUTH_AUDIENCE: BOT_APP_ID,
      GRAPH_AUTH_OPENID_CONFIG_URL: graphIdp.openIdConfigUrl,
    });
    try {
      const post = async (token: string) =>
        service.post('/api/calls', fixture('graph/answer-incoming.json'), {
          authorization: `Bearer ${token}`,
        });
      const noKid = await graphIdp.token({ aud: BOT_APP_ID }, graphIdp.currentKey, {
        withKeyId: false,
      });
      const reply = await post(noKid);
      expect(reply).toMatchObject({
        status: 401,
        body: { error: 'unauthorized', message: 'request not authenticated: missing key id' },
      });
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(reply.headers.get('retry-after')).toBeNull();
      expect(await service.store.headPosition()).toBeUndefined();
      const metrics = await fetch(`${service.base}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(
        /^tracker_auth_rejected_total\{caller="graph",reason="missing key id"\} 1$/m,
      );
      // The same key with its kid is accepted: only the missing key id was wrong.
      expect((await post(await graphIdp.token({ aud: BOT_APP_ID }))).status).toBe(202);
    } finally {
      await service.stop();
      await graphIdp.stop();
    }
  });
});
