import { LocalIdentityProvider } from './support/auth/local-identity-provider';
import { fixture, RunningService, startService } from './support/running-service';

// Issue 11: ACS users, tried with payloads from Microsoft's docs and SDK test data (see
// test/fixtures/README.md for where each one comes from).
const CALL = '18dea47f-b081-4107-9a5c-4300819d2c6c';

describe('ACS over HTTP: the ids users know, actions, dialogs, Event Grid, calls that end', () => {
  let service: RunningService;
  beforeEach(async () => (service = await startService()));
  afterEach(async () => service.stop());

  const report = (body: unknown, action?: string) =>
    service.post(
      `/api/calls/${CALL}/operations${action === undefined ? '' : `?action=${action}`}`,
      body,
    );

  describe('?action= on the bot report', () => {
    it('keeps a cancelAllMediaOperations response apart from the play it cancels', async () => {
      expect(
        await report(fixture('acs/playaudio-response-with-id.json'), 'playAudio'),
      ).toMatchObject({ status: 202, body: { accepted: 1 } });
      expect(
        await report(
          fixture('acs/cancelallmediaoperations-response.json'),
          'cancelAllMediaOperations',
        ),
      ).toMatchObject({ status: 202, body: { accepted: 1 } });
      await service.settle();
      const { body } = await service.get(`/api/calls/${CALL}/operations`);
      expect(
        body.operations.map((o: Record<string, unknown>) => [o.type, o.status, o.finished]).sort(),
      ).toEqual([
        ['cancelAllMediaOperations', 'completed', true],
        ['play', 'running', false],
      ]);
    });

    it('infers play without an action, as before', async () => {
      await report(fixture('acs/cancelallmediaoperations-response.json'));
      await service.settle();
      const { body } = await service.get(`/api/calls/${CALL}/operations`);
      expect(body.operations.map((o: Record<string, unknown>) => o.type)).toEqual(['play']);
    });

    it('refuses a malformed action or one the body contradicts, storing nothing', async () => {
      for (const action of ['has%20space', 'a&action=b', `${'x'.repeat(65)}`]) {
        const reply = await report(fixture('acs/playaudio-response-with-id.json'), action);
        expect(reply.status).toBe(400);
        expect(reply.body.details[0].field).toBe('action');
      }
      const contradicted = await service.post(
        `/api/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations?action=recordResponse`,
        fixture('graph/playprompt-response.json'),
      );
      expect(contradicted).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(contradicted.body.message).toContain('?action names a recordResponse operation');
      expect(await service.store.headPosition()).toBeUndefined();
    });
  });

  describe('the ids users know', () => {
    it('finds an operation by the raw id the platform returned, in any case', async () => {
      await report(fixture('acs/playaudio-response-with-id.json'), 'playAudio');
      await service.settle();
      for (const id of ['dummyId', 'DUMMYID', 'dummyid']) {
        const reply = await service.get(`/api/operations/${id}`);
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          callId: CALL,
          type: 'play',
          rawOperationIds: ['dummyId'],
          operationIdSource: 'derived',
        });
        expect((await service.get(`/api/operations/${reply.body.operationId}`)).body).toEqual(
          reply.body,
        );
      }
      expect((await service.get('/api/operations/unknownId')).status).toBe(404);
    });

    it('answers 409 when one raw id names several operations', async () => {
      await report(fixture('acs/playaudio-response-with-id.json'), 'playAudio');
      await report(
        fixture('acs/cancelallmediaoperations-response.json'),
        'cancelAllMediaOperations',
      );
      await service.settle();
      const reply = await service.get('/api/operations/dummyId');
      expect(reply).toMatchObject({ status: 409, body: { error: 'ambiguous_id' } });
    });

    it("filters a call's operations by the context the bot chose", async () => {
      await report(fixture('acs/playaudio-response-with-id.json'), 'playAudio');
      await report(fixture('acs/playaudio-response.json'), 'playAudio');
      await service.settle();
      const byContext = async (context: string) =>
        (
          await service.get(`/api/calls/${CALL}/operations?context=${encodeURIComponent(context)}`)
        ).body.operations.map((o: Record<string, unknown>) => o.operationContext);
      expect(await byContext('dummyOperationContext')).toEqual(['dummyOperationContext']);
      expect(await byContext('31130c66-2f86-41b5-af61-23850243e093')).toEqual([
        '31130c66-2f86-41b5-af61-23850243e093',
      ]);
      expect(await byContext('nobody-chose-this')).toEqual([]);
      expect((await service.get(`/api/calls/${CALL}/operations?context=a&context=b`)).status).toBe(
        400,
      );
    });
  });

  describe('Event Grid delivery', () => {
    const CORRELATION = 'd732db64-4803-462d-be9c-518943ea2b7a';
    const CONTEXT_PREFIX = 'eyJhbGciOiJub25l';

    it.each(['/api/acs/events', '/api/eventgrid/events'])(
      'answers the Event Grid schema validation handshake on %s, storing nothing',
      async (path) => {
        const reply = await service.post(
          path,
          fixture('acs/eventgrid-subscription-validation.json'),
        );
        expect(reply).toMatchObject({
          status: 200,
          body: { validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' },
        });
        expect(await service.store.headPosition()).toBeUndefined();
      },
    );

    it.each(['/api/acs/events', '/api/eventgrid/events'])(
      'answers the CloudEvents webhook validation (OPTIONS) on %s',
      async (path) => {
        const granted = await fetch(`${service.base}${path}`, {
          method: 'OPTIONS',
          headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' },
        });
        expect(granted.status).toBe(200);
        expect(granted.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
        expect(granted.headers.get('webhook-allowed-rate')).toBe('*');
        const anonymous = await fetch(`${service.base}${path}`, { method: 'OPTIONS' });
        expect(anonymous.status).toBe(400);
      },
    );

    it('starts the call record from IncomingCall, keeping its context out of every reply', async () => {
      const reply = await service.post(
        '/api/eventgrid/events',
        fixture('acs/eventgrid-incoming-call.json'),
      );
      expect(reply).toMatchObject({ status: 202, body: { accepted: 1, skipped: 0 } });
      await service.settle();
      const call = await service.get(`/api/calls/${CORRELATION}`);
      expect(call.body).toMatchObject({
        callId: CORRELATION,
        source: 'acs',
        state: 'incoming',
        direction: 'incoming',
        details: {
          correlationId: CORRELATION,
          serverCallId: expect.stringMatching(/^tob2JIV0/),
          caller: { kind: 'communicationUser', displayName: 'John Doe' },
          targets: [{ kind: 'communicationUser' }],
        },
      });
      const history = await service.get(`/api/calls/${CORRELATION}/history`);
      expect(history.status).toBe(200);
      for (const text of [JSON.stringify(call.body), JSON.stringify(history.body)]) {
        expect(text).not.toContain(CONTEXT_PREFIX);
      }
      expect(JSON.stringify(history.body)).toContain('/data/incomingCallContext');
    });

    it('moves the incoming record along with the connection that answered the call', async () => {
      await service.post('/api/eventgrid/events', fixture('acs/eventgrid-incoming-call.json'));
      await service.settle();
      const [connected] = fixture('acs/play-call-timeline.json') as Array<Record<string, unknown>>;
      const answered = {
        ...connected,
        data: { ...(connected.data as object), correlationId: CORRELATION },
      };
      expect(await service.post('/api/acs/events', [answered])).toMatchObject({
        status: 202,
        body: { accepted: 2 },
      });
      await service.settle();
      expect((await service.get(`/api/calls/${CORRELATION}`)).body).toMatchObject({
        state: 'connected',
        details: { callConnectionId: '401f3500-62bd-46a9-8c09-9e1b06caca01' },
      });
      expect(
        (await service.get('/api/calls/401f3500-62bd-46a9-8c09-9e1b06caca01')).body,
      ).toMatchObject({ state: 'connected', source: 'acs' });
    });
  });

  describe('dialogs, dedupe, 2021 private preview and platform times', () => {
    it('takes DialogStarted and DialogCompleted sharing one id for two facts, one dialog found by its dialogId', async () => {
      const dialog = fixture('acs/dialog-started-completed.json');
      expect(await service.post('/api/acs/events', dialog)).toMatchObject({
        status: 202,
        body: { accepted: 2, duplicates: 0 },
      });
      expect(await service.post('/api/acs/events', dialog)).toMatchObject({
        status: 202,
        body: { accepted: 0, duplicates: 2 },
      });
      await service.settle();
      for (const id of [
        '92e08834-b6ee-4ede-8956-9fefa27a691c',
        '92E08834B6EE4EDE89569FEFA27A691C',
      ]) {
        expect((await service.get(`/api/operations/${id}`)).body).toMatchObject({
          callId: '441fbf00-5b21-4beb-bd4d-fd665ca4b65f',
          type: 'dialog',
          status: 'completed',
          operationContext: 'context',
          startedAt: '2023-07-27T07:48:55.276Z',
          completedAt: '2023-07-27T07:48:56.076Z',
          durationMs: 800,
        });
      }
    });

    it('sets the call state from CallLegStateChanged single objects with null ids', async () => {
      const leg = '531f3600-481f-41c8-8a75-3e8b2e8e6200';
      for (const state of ['establishing', 'established']) {
        const reply = await service.post(
          '/api/acs/events',
          fixture(`acs/callleg-state-${state}.json`),
        );
        expect(reply).toMatchObject({ status: 202, body: { accepted: 1 } });
      }
      await service.settle();
      expect((await service.get(`/api/calls/${leg}`)).body).toMatchObject({
        state: 'established',
        rawState: 'Established',
        final: false,
      });
      for (const state of ['terminating', 'terminated']) {
        await service.post('/api/acs/events', fixture(`acs/callleg-state-${state}.json`));
      }
      await service.settle();
      expect((await service.get(`/api/calls/${leg}`)).body).toMatchObject({
        state: 'terminated',
        final: true,
      });
    });

    it('dates a play by the events’ own times even when they come in one POST', async () => {
      await service.post('/api/acs/events', fixture('acs/play-call-timeline.json'));
      await service.settle();
      const { body } = await service.get(
        '/api/calls/401f3500-62bd-46a9-8c09-9e1b06caca01/operations?context=welcome-prompt',
      );
      const [welcome] = body.operations;
      expect(welcome).toMatchObject({
        startedAt: '2022-08-12T03:35:08.025Z',
        startedAtSource: 'platform',
        completedAt: '2022-08-12T03:35:12.025Z',
        completedAtSource: 'platform',
        durationMs: 4000,
      });
      expect(welcome.startedReceivedAt).toBe(welcome.completedReceivedAt);
    });
  });

  describe('operations end with their call', () => {
    const CONNECTION = '401f3500-62bd-46a9-8c09-9e1b06caca01';

    it('finishes the prompt still playing when the call is disconnected (callEnded, not failed)', async () => {
      expect(
        await service.post('/api/acs/events', fixture('acs/play-call-timeline.json')),
      ).toMatchObject({ status: 202, body: { accepted: 5 } });
      await service.settle();
      const { body } = await service.get(`/api/calls/${CONNECTION}/operations`);
      const byContext = Object.fromEntries(
        body.operations.map((o: Record<string, unknown>) => [o.operationContext, o]),
      );
      expect(byContext['menu-prompt']).toMatchObject({
        status: 'callEnded',
        finished: true,
        outcome: 'callEnded',
        resultInfo: null,
      });
      expect(byContext['welcome-prompt']).toMatchObject({
        status: 'completed',
        outcome: 'completed',
      });
      expect((await service.get(`/api/calls/${CONNECTION}`)).body).toMatchObject({
        state: 'disconnected',
        final: true,
      });
    });
  });

  describe('one id, two types', () => {
    const GRAPH_CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
    const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';

    it('keeps the first type, shows the other, warns in the log and counts it in /metrics', async () => {
      const written: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      const warning = await startService({ LOG_LEVEL: 'warn' });
      try {
        // The seed documents give one id to a playPrompt and to a recordResponse.
        await warning.post(
          `/api/calls/${GRAPH_CALL}/operations`,
          fixture('graph/playprompt-response.json'),
        );
        await warning.post('/api/calls', fixture('graph/recordresponse-completed.json'));
        await warning.settle();
        expect((await warning.get(`/api/operations/${OPERATION}`)).body).toMatchObject({
          type: 'playPrompt',
          rawType: '#microsoft.graph.playPromptOperation',
          typeConflicts: [{ type: 'recordResponse', rawType: '#microsoft.graph.recordOperation' }],
        });
        const metrics = await fetch(`${warning.base}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/^tracker_ingest_operation_type_conflicts_total 1$/m);
      } finally {
        spy.mockRestore();
        await warning.stop();
      }
      expect(written.join('')).toMatch(
        new RegExp(
          `operation ${OPERATION} is a playPrompt but a notification calls it recordResponse`,
        ),
      );
    });
  });
});

describe('Event Grid deliveries under AUTH_MODE=jwt (Microsoft Entra ID tokens)', () => {
  const AUDIENCE = 'api://call-operation-tracker';
  let entra: LocalIdentityProvider;
  let service: RunningService;

  beforeAll(async () => {
    entra = await LocalIdentityProvider.start(
      'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    );
    service = await startService({
      AUTH_MODE: 'jwt',
      EVENTGRID_AUTH_AUDIENCE: AUDIENCE,
      EVENTGRID_AUTH_ISSUERS: entra.issuer,
      EVENTGRID_AUTH_OPENID_CONFIG_URL: entra.openIdConfigUrl,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await entra?.stop();
  });

  it('accepts Event Grid’s token on /api/eventgrid/events and refuses anything else', async () => {
    const token = await entra.token({ aud: AUDIENCE });
    const bearer = { authorization: `Bearer ${token}` };
    const validation = fixture('acs/eventgrid-subscription-validation.json');
    expect(await service.post('/api/eventgrid/events', validation, bearer)).toMatchObject({
      status: 200,
      body: { validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' },
    });
    expect((await service.post('/api/eventgrid/events', validation)).status).toBe(401);
    const wrongAudience = await entra.token({ aud: 'another-app' });
    expect(
      (
        await service.post('/api/eventgrid/events', validation, {
          authorization: `Bearer ${wrongAudience}`,
        })
      ).status,
    ).toBe(401);
    // The ACS callback endpoint takes ACS's token only (not configured here: 401 for all).
    expect((await service.post('/api/acs/events', validation, bearer)).status).toBe(401);
    expect(
      (
        await service.post(
          '/api/eventgrid/events',
          fixture('acs/eventgrid-incoming-call.json'),
          bearer,
        )
      ).status,
    ).toBe(202);
  });
});
