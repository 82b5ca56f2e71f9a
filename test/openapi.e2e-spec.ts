import { responseChecker, validateApi } from './support/openapi';
import { fixture, RunningService, startService } from './support/running-service';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const CALL_RAW = '57DAB8B1894C409AB240BD8BEAE78896';
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';
const API_KEY = 'openapi-e2e-key-0123456789';
const WITH_KEY = { 'x-api-key': API_KEY };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('OpenAPI document and docs page (service on a real port)', () => {
  let service: RunningService;
  let document: Json;
  let check: ReturnType<typeof responseChecker>;

  beforeAll(async () => {
    service = await startService({ API_KEYS: API_KEY, BODY_LIMIT_BYTES: '4096' });
    const response = await fetch(`${service.base}/openapi.json`); // no API key: it is open
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await response.json()) as Json;
    check = responseChecker(document);
  }, 60_000);
  afterAll(async () => service.stop());

  it('is a valid OpenAPI 3.1 document (official schema, every $ref resolved)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validateApi(document);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('"valid": true') });
    // and the validator does refuse a broken one
    const broken = structuredClone(document);
    broken.paths['/api/calls'].post.responses['202'].content['application/json'].schema = {
      $ref: '#/components/schemas/Missing',
    };
    expect(await validateApi(broken)).toEqual({
      status: 1,
      output: expect.stringContaining("Can't resolve #/components/schemas/Missing"),
    });
  }, 120_000);

  it('documents every ingest and read endpoint with its schemas and problems', () => {
    const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
    );
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'GET /api/calls/{callId}',
      'GET /api/calls/{callId}/history',
      'GET /api/calls/{callId}/operations',
      'GET /api/operations/{operationId}',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'OPTIONS /api/acs/events',
      'OPTIONS /api/eventgrid/events',
      'POST /api/acs/events',
      'POST /api/calls',
      'POST /api/calls/{callId}/operations',
      'POST /api/eventgrid/events',
    ]);
    // OPTIONS: the CloudEvents validation handshake, answered with headers only
    const api = operations.filter(
      ({ path, method }) => path.startsWith('/api/') && method !== 'options',
    );
    for (const { path, method, op } of api) {
      const where = `${method} ${path}`;
      const success = method === 'post' ? '202' : '200';
      expect([where, op.responses[success]?.content?.['application/json']?.schema]).toEqual([
        where,
        { $ref: expect.stringMatching(/^#\/components\/schemas\//) },
      ]);
      const problems =
        method === 'post' ? ['400', '401', '413', '415', '503'] : ['400', '401', '404'];
      for (const status of problems) {
        expect([
          where,
          status,
          op.responses[status]?.content?.['application/json']?.schema,
        ]).toEqual([where, status, { $ref: '#/components/schemas/Problem' }]);
      }
      // an operation without its own security has the document's (an API key, as in AuthGuard)
      expect([where, (op.security ?? document.security).length > 0]).toEqual([where, true]);
      if (method === 'post') {
        expect([where, op.requestBody?.content?.['application/json']?.schema?.$ref]).toEqual([
          where,
          expect.stringMatching(/^#\/components\/schemas\//),
        ]);
      }
    }
    expect(document.paths['/api/calls/{callId}/history'].get.responses['503']).toBeDefined();
    expect(document.paths['/api/calls'].post.security).toEqual([{ graphToken: [] }]);
    expect(document.paths['/api/acs/events'].post.security).toEqual([{ acsToken: [] }]);
    expect(document.paths['/api/eventgrid/events'].post.security).toEqual([{ eventGridToken: [] }]);
    expect(document.paths['/api/acs/events'].options.security).toEqual([{}]);
    expect(document.paths['/api/operations/{operationId}'].get.responses['409']).toBeDefined();
    expect(document.paths['/health/ready'].get.security).toEqual([{}]);
    expect(document.security).toEqual([{ apiKey: [] }, { apiKeyBearer: [] }]);
  });

  it('reuses the Kafka contract schemas and the request DTOs rules', () => {
    const schemas = document.components.schemas as Json;
    expect(schemas.CallView.title).toBe('CallView (comms.call-state.v1)');
    expect(schemas.OperationView.title).toBe('OperationView (comms.operation-state.v1)');
    expect(schemas['CallView.platform']).toBeDefined();
    expect(JSON.stringify(document)).not.toContain('#/$defs/');
    expect(schemas.CommsNotificationsDto.properties.value).toMatchObject({
      maxItems: 1000,
      minItems: 1,
      items: { $ref: '#/components/schemas/CommsNotificationDto' },
    });
    expect(schemas.OperationResponseDto.properties.clientContext.maxLength).toBe(256);
  });

  it('serves the docs page with its assets from the service itself', async () => {
    const page = await fetch(`${service.base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
    expect(assets.sort()).toEqual([
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui-standalone-preset.js',
      '/docs/swagger-ui.css',
    ]);
    for (const asset of assets) {
      const response = await fetch(`${service.base}${asset}`);
      expect([asset, response.status, (await response.arrayBuffer()).byteLength > 1000]).toEqual([
        asset,
        200,
        true,
      ]);
    }
    expect((await fetch(`${service.base}/docs/package.json`)).status).toBe(404);
  });

  describe('real responses match the documented schemas', () => {
    beforeAll(async () => {
      for (const name of [
        'graph/answer-incoming.json',
        'graph/answer-established.json',
        'graph/playprompt-completed.json',
      ]) {
        expect((await service.post('/api/calls', fixture(name))).status).toBe(202);
      }
      const late = await service.post(
        `/api/calls/${CALL}/operations`,
        fixture('graph/playprompt-response.json'),
        WITH_KEY,
      );
      expect(late.status).toBe(202);
      await service.settle();
    });

    const expectDocumented = (
      path: string,
      method: string,
      reply: { status: number; body: unknown },
      status: number,
    ) => {
      expect(reply.status).toBe(status);
      expect(check(path, method, status, reply.body)).toEqual([]);
    };

    it('202 of each webhook', async () => {
      const graph = await service.post('/api/calls', fixture('graph/answer-incoming.json'));
      expectDocumented('/api/calls', 'post', graph, 202);
      const acs = await service.post('/api/acs/events', [
        {
          id: 'b6b7f3a9-0c4e-4f4b-9d1e-6a3c2f7d8e90',
          source: 'calling/callConnections/401f3500-62cd-46ae-a2c2-5cf3b9d6ca1b',
          type: 'Microsoft.Communication.CallConnected',
          data: {
            callConnectionId: '401f3500-62cd-46ae-a2c2-5cf3b9d6ca1b',
            serverCallId: 'server-call-1',
            correlationId: 'c0rr3l4t-10n0',
          },
          time: '2024-05-01T10:00:00Z',
          specversion: '1.0',
          datacontenttype: 'application/json',
          subject: 'calling/callConnections/401f3500-62cd-46ae-a2c2-5cf3b9d6ca1b',
        },
      ]);
      expectDocumented('/api/acs/events', 'post', acs, 202);
    });

    it('200 of each read, in either id form', async () => {
      const path = (template: string) => template.replace('{callId}', CALL_RAW);
      expectDocumented(
        '/api/calls/{callId}',
        'get',
        await service.get(path('/api/calls/{callId}'), WITH_KEY),
        200,
      );
      const operations = await service.get(path('/api/calls/{callId}/operations'), WITH_KEY);
      expectDocumented('/api/calls/{callId}/operations', 'get', operations, 200);
      expect(operations.body.operations).toHaveLength(1);
      const history = await service.get(path('/api/calls/{callId}/history'), WITH_KEY);
      expectDocumented('/api/calls/{callId}/history', 'get', history, 200);
      expect(history.body.events.length).toBeGreaterThan(3);
      expectDocumented(
        '/api/operations/{operationId}',
        'get',
        await service.get(`/api/operations/${OPERATION}`, WITH_KEY),
        200,
      );
      expectDocumented('/health/ready', 'get', await service.get('/health/ready'), 200);
    });

    it('problems: 400, 401, 404, 413, 415', async () => {
      expectDocumented('/api/calls', 'post', await service.post('/api/calls', { value: [] }), 400);
      expectDocumented(
        '/api/calls/{callId}',
        'get',
        await service.get(`/api/calls/${CALL}`), // no API key
        401,
      );
      expectDocumented(
        '/api/calls/{callId}',
        'get',
        await service.get('/api/calls/unknown-call', WITH_KEY),
        404,
      );
      expectDocumented(
        '/api/calls',
        'post',
        await service.post('/api/calls', { value: [{ changeType: 'x'.repeat(5000) }] }),
        413,
      );
      const xml = await fetch(`${service.base}/api/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<value/>',
      });
      expectDocumented('/api/calls', 'post', { status: xml.status, body: await xml.json() }, 415);
    });

    it('and a response that breaks its schema is caught', async () => {
      const call = await service.get(`/api/calls/${CALL}`, WITH_KEY);
      const { callId: _dropped, ...withoutId } = call.body;
      expect(check('/api/calls/{callId}', 'get', 200, withoutId)).toEqual([
        "/ must have required property 'callId'",
      ]);
      expect(check('/api/calls/{callId}', 'get', 200, { ...call.body, final: 'no' })).toEqual([
        '/final must be boolean',
      ]);
    });
  });
});
