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
