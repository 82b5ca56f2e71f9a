import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { fixture, RunningService, startService } from './support/running-service';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const CALL_RAW = '57DAB8B1894C409AB240BD8BEAE78896';
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';

describe('ingest over HTTP, state read back over REST', () => {
  let service: RunningService;
  beforeEach(async () => (service = await startService()));
  afterEach(async () => service.stop());

  const storedCount = () => service.storedCount();

  it('answers a redelivery racing its original as a duplicate, and counts both in /metrics', async () => {
    const incoming = JSON.stringify(fixture('graph/answer-incoming.json'));
    const bodies = Array.from({ length: 20 }, (_, i) =>
      incoming.replaceAll(CALL_RAW, `${CALL_RAW.slice(0, -4)}${String(i).padStart(4, '0')}`),
    );
    const replies = await Promise.all(
      bodies.flatMap((body) => [body, body]).map((body) => service.post('/api/calls', body)),
    );
    expect(replies.every((r) => r.status === 202)).toBe(true);
    const sum = (field: 'accepted' | 'duplicates') =>
      replies.reduce((n, r) => n + (r.body[field] as number), 0);
    expect({ accepted: sum('accepted'), duplicates: sum('duplicates') }).toEqual({
      accepted: 20,
      duplicates: 20,
    });
    const metrics = await fetch(`${service.base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^tracker_ingest_accepted_total 20$/m);
    expect(metrics).toMatch(/^tracker_ingest_duplicates_total 20$/m);
  });

  it('follows a Graph call from incoming to established, whatever the order', async () => {
    expect((await service.post('/api/calls', fixture('graph/answer-incoming.json'))).status).toBe(
      202,
    );
    // established before establishing: the call must not move backwards
    expect(
      await service.post('/api/calls', fixture('graph/answer-established.json')),
    ).toMatchObject({
      status: 202,
      body: { accepted: 1, duplicates: 0 },
    });
    await service.post('/api/calls', fixture('graph/answer-establishing.json'));
    await service.settle();

    for (const id of [CALL, CALL_RAW]) {
      const call = await service.get(`/api/calls/${id}`);
      expect(call.status).toBe(200);
      expect(call.body).toMatchObject({
        callId: CALL,
        state: 'established',
        source: 'graph',
        direction: 'incoming',
      });
      expect(call.body.rawCallIds).toContain(CALL_RAW);
    }
  });

  it('reports a redelivery as a duplicate and stores nothing twice', async () => {
    const body = fixture('graph/answer-incoming.json');
    await service.post('/api/calls', body);
    const before = await storedCount();
    const again = await service.post('/api/calls', body);
    expect(again).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect(await storedCount()).toBe(before);
  });

  it('keeps a completion that arrives before the bot reports the response', async () => {
    await service.post('/api/calls', fixture('graph/recordresponse-completed.json'));
    const late = await service.post(
      `/api/calls/${CALL}/operations`,
      fixture('graph/recordresponse-response.json'),
    );
    expect(late.status).toBe(202);
    await service.settle();

    for (const id of [OPERATION, OPERATION.replace(/-/g, '').toUpperCase()]) {
      const operation = await service.get(`/api/operations/${id}`);
      expect(operation.status).toBe(200);
      expect(operation.body).toMatchObject({
        operationId: OPERATION,
        callId: CALL,
        type: 'recordResponse',
        status: 'completed',
        completionReason: 'stopToneDetected',
        clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
      });
    }
    const list = await service.get(`/api/calls/${CALL_RAW}/operations`);
    expect(list.body.operations.map((o: { operationId: string }) => o.operationId)).toEqual([
      OPERATION,
    ]);
  });

  it('never lets the recording access token reach the store or a response', async () => {
    await service.post('/api/calls', fixture('graph/recordresponse-completed.json'));
    await service.settle();
    const everything: string[] = [];
    for await (const e of service.store.readAll())
      everything.push(JSON.stringify([e.data, e.metadata]));
    // the files themselves, WAL included, byte for byte
    for (const file of readdirSync(service.dir))
      everything.push(readFileSync(join(service.dir, file), 'latin1'));
    const responses = [
      await service.get(`/api/calls/${CALL}`),
      await service.get(`/api/calls/${CALL}/history`),
      await service.get(`/api/operations/${OPERATION}`),
    ].map((r) => JSON.stringify(r.body));
    for (const text of [...everything, ...responses]) expect(text).not.toContain('<access-token>');
    const operation = await service.get(`/api/operations/${OPERATION}`);
    expect(JSON.stringify(operation.body)).toContain(
      'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
    );
  });

  it('serves the history: the notification as received, then what was decided', async () => {
    await service.post('/api/calls', fixture('graph/playprompt-completed.json'));
    const history = await service.get(`/api/calls/${CALL_RAW}/history`);
    expect(history.status).toBe(200);
    expect(history.body.callId).toBe(CALL);
    expect(history.body.events[0]).toMatchObject({ revision: 0, type: 'NotificationReceived' });
    expect(history.body.events.map((e: { type: string }) => e.type)).toContain(
      'OperationCompleted',
    );
  });

  it('ingests every event of an ACS CloudEvents array', async () => {
    const connection = 'a1b2c3d4-0000-4000-8000-000000000001';
    const event = (id: string, type: string, data: Record<string, unknown>) => ({
      id,
      source: `calling/callConnections/${connection}`,
      type: `Microsoft.Communication.${type}`,
      subject: `calling/callConnections/${connection}`,
      time: '2026-11-21T10:00:00Z',
      specversion: '1.0',
      data: {
        callConnectionId: connection,
        serverCallId: 'server-1',
        correlationId: 'corr-1',
        ...data,
      },
    });
    const reply = await service.post('/api/acs/events', [
      event('e1', 'CallConnected', {}),
      event('e2', 'PlayCompleted', {
        operationContext: 'greeting',
        resultInformation: { code: 200, subCode: 0, message: 'Action completed successfully.' },
      }),
    ]);
    expect(reply).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0, skipped: 0 } });
    const withValidation = await service.post('/api/acs/events', [
      {
        ...event('e3', 'CallConnected', {}),
        type: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        data: { validationCode: 'abc' },
      },
    ]);
    // Event Grid's subscription handshake: answered with its code, nothing stored.
    expect(withValidation).toMatchObject({ status: 200, body: { validationResponse: 'abc' } });
    await service.settle();
    expect((await service.get(`/api/calls/${connection}`)).body).toMatchObject({
      source: 'acs',
      state: 'connected',
    });
    const operations = (await service.get(`/api/calls/${connection}/operations`)).body.operations;
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({
      type: 'play',
      status: 'completed',
      operationContext: 'greeting',
    });
  });

  describe('bad input gets a clear error and stores nothing', () => {
    it.each([
      ['not JSON', '{"value": [', /json/i],
      ['no value array', { notifications: [] }, /value/],
      [
        'a notification without changeType',
        { value: [{ resourceUrl: '/communications/calls/x', resourceData: {} }] },
        /^\/value\/0\/changeType: changeType is required$/,
      ],
    ])('%s → 400', async (_name, body, message) => {
      const reply = await service.post('/api/calls', body);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toBe('invalid_request');
      expect(reply.body.message).toMatch(message);
      expect(await storedCount()).toBe(0);
    });

    it('rejects the whole batch when one notification is malformed', async () => {
      const good = (fixture('graph/answer-incoming.json') as { value: unknown[] }).value[0];
      const reply = await service.post('/api/calls', {
        value: [good, { changeType: 'updated', resourceData: {} }],
      });
      expect(reply.status).toBe(400);
      expect(reply.body.details[0].field).toMatch(/^\/value\/1\//);
      expect(await storedCount()).toBe(0);
    });

    it('takes ids in paths up to the 200 characters of the id rule', async () => {
      const long = await service.get(`/api/calls/${'a'.repeat(200)}`);
      expect(long).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it('answers a malformed path with the same 400 problem shape', async () => {
      const reply = await service.post('/api/calls/%ZZ/operations', {});
      expect(reply).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    });

    it('answers 404 with a JSON error for an unknown call or operation', async () => {
      const call = await service.get('/api/calls/00000000-0000-0000-0000-000000000000');
      expect(call).toMatchObject({ status: 404, body: { error: 'not_found' } });
      const operation = await service.get('/api/operations/nope');
      expect(operation).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it('answers 503 with Retry-After, never 202, when the store is unavailable', async () => {
      await service.app.get<EventStore>(EVENT_STORE).close();
      const reply = await service.post('/api/calls', fixture('graph/answer-incoming.json'));
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('2');
      expect(reply.body.error).toBe('store_unavailable');
    });
  });
});

describe('body limit', () => {
  it('answers 413 past BODY_LIMIT_BYTES', async () => {
    const service = await startService({ BODY_LIMIT_BYTES: '2048' });
    try {
      const big = {
        value: [
          { changeType: 'updated', resourceUrl: 'x', resourceData: { pad: 'x'.repeat(4096) } },
        ],
      };
      const reply = await service.post('/api/calls', big);
      expect(reply.status).toBe(413);
      expect(reply.body.error).toBe('payload_too_large');
    } finally {
      await service.stop();
    }
  });
});
