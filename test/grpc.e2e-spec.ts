import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '@tracker/contracts';
import { Projection } from '@tracker/read-model';
import { Client, loaded, unary } from './support/grpc-client';
import { fixture, RunningService, startService } from './support/running-service';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const CALL_RAW = '57DAB8B1894C409AB240BD8BEAE78896';
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';
const OPERATION_RAW = '0FE0623FD62842EDB4BD8AC290072CC5';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const codeOf = (promise: Promise<unknown>): Promise<grpc.status> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: grpc.ServiceError) => error.code,
  );

/** Collects the messages of a server stream as they arrive. */
const watch = (client: Client, callId: string) => {
  const stream: grpc.ClientReadableStream<Json> = client.WatchCall({ call_id: callId });
  const messages: Json[] = [];
  const waiters: Array<() => void> = [];
  let ended: { error?: grpc.ServiceError } | undefined;
  const wake = () => waiters.splice(0).forEach((w) => w());
  stream.on('data', (m: Json) => (messages.push(m), wake()));
  stream.on('error', (error: grpc.ServiceError) => ((ended = { error }), wake()));
  stream.on('end', () => ((ended ??= {}), wake()));
  stream.on('status', () => ((ended ??= {}), wake()));
  const until = async (done: () => boolean, what: string, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return {
    stream,
    messages,
    ended: () => ended,
    messagesAtLeast: (n: number) => until(() => messages.length >= n, `${n} messages`),
    end: () => until(() => ended !== undefined, 'the end of the stream'),
  };
};

const acsEvent = (connection: string, id: string, type: string, time: string) => ({
  id,
  source: `calling/callConnections/${connection}`,
  type: `Microsoft.Communication.${type}`,
  subject: `calling/callConnections/${connection}`,
  time,
  specversion: '1.0',
  data: { callConnectionId: connection, serverCallId: `server-${connection}`, correlationId: id },
});

const graphState = (state: string) => {
  const body = fixture('graph/answer-established.json') as Json;
  body.value[0].resourceData.state = state;
  return body;
};

describe('gRPC API (comms.tracker.v1.CallTracker)', () => {
  let service: RunningService;
  let tracker: Client;
  let health: Client;

  beforeEach(async () => {
    service = await startService();
    const credentials = grpc.credentials.createInsecure();
    tracker = new loaded.comms.tracker.v1.CallTracker(service.grpcAddress, credentials);
    health = new loaded.grpc.health.v1.Health(service.grpcAddress, credentials);
  });
  afterEach(async () => {
    tracker.close();
    health.close();
    await service.stop();
  });

  it('GetCall answers in either id form with the main fields and the whole view', async () => {
    await service.post('/api/calls', fixture('graph/answer-incoming.json'));
    await service.post('/api/calls', fixture('graph/answer-established.json'));
    await service.settle();
    const rest = (await service.get(`/api/calls/${CALL}`)).body;
    for (const callId of [CALL, CALL_RAW]) {
      const call = await unary(tracker, 'GetCall', { call_id: callId });
      expect(call).toMatchObject({
        call_id: CALL,
        stream_name: `call-${CALL}`,
        source: 'graph',
        state: 'established',
        direction: 'incoming',
        final: false,
      });
      expect(call.raw_call_ids).toContain(CALL_RAW);
      expect(call.version).toBe(rest.version);
      expect(JSON.parse(call.view_json)).toEqual(rest);
    }
  });

  it('GetOperation and ListOperations (with a status filter)', async () => {
    await service.post('/api/calls', fixture('graph/recordresponse-completed.json'));
    await service.post(
      `/api/calls/${CALL}/operations`,
      fixture('graph/recordresponse-response.json'),
    );
    await service.settle();
    for (const operationId of [OPERATION, OPERATION_RAW]) {
      const operation = await unary(tracker, 'GetOperation', { operation_id: operationId });
      expect(operation).toMatchObject({
        operation_id: OPERATION,
        call_id: CALL,
        type: 'recordResponse',
        status: 'completed',
        finished: true,
        completion_reason: 'stopToneDetected',
        client_context: 'd45324c1-fcb5-430a-902c-f20af696537c',
      });
      expect(JSON.parse(operation.view_json)).toEqual(
        (await service.get(`/api/operations/${OPERATION}`)).body,
      );
    }
    const all = await unary(tracker, 'ListOperations', { call_id: CALL_RAW });
    expect(all.operations.map((o: Json) => o.operation_id)).toEqual([OPERATION]);
    const completed = await unary(tracker, 'ListOperations', {
      call_id: CALL,
      status: 'completed',
    });
    expect(completed.operations.map((o: Json) => o.operation_id)).toEqual([OPERATION]);
    const shouted = await unary(tracker, 'ListOperations', { call_id: CALL, status: 'COMPLETED' });
    expect(shouted.operations.map((o: Json) => o.operation_id)).toEqual([OPERATION]);
    const running = await unary(tracker, 'ListOperations', { call_id: CALL, status: 'running' });
    expect(running.operations).toEqual([]);
  });

  it('ListCalls pages through every call once, in (updated_at, call_id) order', async () => {
    const connections = Array.from(
      { length: 7 },
      (_, i) => `a1b2c3d4-0000-4000-8000-00000000000${i}`,
    );
    // two calls share an instant, so the cursor's call id tie-break is exercised
    const times = [
      '10:00:03',
      '10:00:01',
      '10:00:01',
      '10:00:05',
      '10:00:02',
      '10:00:04',
      '10:00:00',
    ];
    for (const [i, connection] of connections.entries()) {
      const reply = await service.post('/api/acs/events', [
        acsEvent(connection, `e${i}`, 'CallConnected', `2026-11-21T${times[i]}Z`),
      ]);
      expect(reply.status).toBe(202);
    }
    await service.settle();

    const seen: Json[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await unary(tracker, 'ListCalls', { page_size: 3, page_token: pageToken });
      expect(page.calls.length).toBeLessThanOrEqual(3);
      seen.push(...page.calls);
      pageToken = page.next_page_token;
      pages += 1;
    } while (pageToken && pages < 10);
    expect(pages).toBe(3);
    const ids = seen.map((c) => c.call_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...connections].sort());
    const keys = seen.map((c) => `${c.updated_at} ${c.call_id}`);
    expect(keys).toEqual([...keys].sort());

    const all = await unary(tracker, 'ListCalls', {});
    expect(all.calls).toHaveLength(7);
    expect(all.next_page_token).toBe('');
    const filtered = await unary(tracker, 'ListCalls', {
      source: 'acs',
      state: 'connected',
      updated_since: seen[4].updated_at,
    });
    expect(filtered.calls.map((c: Json) => c.call_id)).toEqual(ids.slice(4));
    expect((await unary(tracker, 'ListCalls', { source: 'graph' })).calls).toEqual([]);
    // any case: the README's `established` is `ESTABLISHED` is `Established`
    const shouted = await unary(tracker, 'ListCalls', { source: 'ACS', state: 'CONNECTED' });
    expect(shouted.calls.map((c: Json) => c.call_id)).toEqual(ids);
    expect((await unary(tracker, 'ListCalls', { state: 'Disconnected' })).calls).toEqual([]);
  });

  it('GetCallHistory returns the stream in revision order', async () => {
    await service.post('/api/calls', fixture('graph/playprompt-completed.json'));
    const rest = (await service.get(`/api/calls/${CALL}/history`)).body;
    const history = await unary(tracker, 'GetCallHistory', { call_id: CALL_RAW });
    expect(history.call_id).toBe(CALL);
    expect(history.events.map((e: Json) => e.revision)).toEqual(
      history.events.map((_: Json, i: number) => i),
    );
    expect(history.events[0].type).toBe('NotificationReceived');
    expect(history.events.map((e: Json) => e.type)).toContain('OperationCompleted');
    expect(
      history.events.map((e: Json) => ({
        revision: e.revision,
        position: e.position,
        eventId: e.event_id,
        type: e.type,
        storedAt: e.stored_at,
        data: JSON.parse(e.data_json),
        metadata: JSON.parse(e.metadata_json),
      })),
    ).toEqual(rest.events);
  });

  it('GetOperation by a raw ACS id in any case; ListOperations by context', async () => {
    const acsCall = '18dea47f-b081-4107-9a5c-4300819d2c6c';
    await service.post(
      `/api/calls/${acsCall}/operations?action=playAudio`,
      fixture('acs/playaudio-response-with-id.json'),
    );
    await service.post(
      `/api/calls/${acsCall}/operations?action=playAudio`,
      fixture('acs/playaudio-response.json'),
    );
    await service.settle();
    for (const operationId of ['dummyId', 'DUMMYID']) {
      const operation = await unary(tracker, 'GetOperation', { operation_id: operationId });
      expect(operation).toMatchObject({ call_id: acsCall, type: 'play', status: 'running' });
      expect(operation.raw_operation_ids).toEqual(['dummyId']);
    }
    const byContext = await unary(tracker, 'ListOperations', {
      call_id: acsCall,
      context: 'dummyOperationContext',
    });
    expect(byContext.operations.map((o: Json) => o.operation_context)).toEqual([
      'dummyOperationContext',
    ]);
    const all = await unary(tracker, 'ListOperations', { call_id: acsCall });
    expect(all.operations).toHaveLength(2);
    await service.post(
      `/api/calls/${acsCall}/operations?action=cancelAllMediaOperations`,
      fixture('acs/cancelallmediaoperations-response.json'),
    );
    await service.settle();
    expect(await codeOf(unary(tracker, 'GetOperation', { operation_id: 'dummyId' }))).toBe(
      grpc.status.FAILED_PRECONDITION,
    );
  });

  it('answers NOT_FOUND for unknown ids and INVALID_ARGUMENT for client mistakes', async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    expect(await codeOf(unary(tracker, 'GetCall', { call_id: unknown }))).toBe(
      grpc.status.NOT_FOUND,
    );
    expect(await codeOf(unary(tracker, 'GetOperation', { operation_id: 'nope' }))).toBe(
      grpc.status.NOT_FOUND,
    );
    expect(await codeOf(unary(tracker, 'ListOperations', { call_id: unknown }))).toBe(
      grpc.status.NOT_FOUND,
    );
    expect(await codeOf(unary(tracker, 'GetCallHistory', { call_id: unknown }))).toBe(
      grpc.status.NOT_FOUND,
    );

    const invalid = [
      unary(tracker, 'GetCall', {}),
      unary(tracker, 'GetCall', { call_id: 'has space' }),
      unary(tracker, 'GetOperation', { operation_id: '../etc' }),
      unary(tracker, 'GetCallHistory', { call_id: 'x'.repeat(201) }),
      unary(tracker, 'ListCalls', { page_size: 501 }),
      unary(tracker, 'ListCalls', { page_size: -1 }),
      unary(tracker, 'ListCalls', { page_token: 'not a token' }),
      unary(tracker, 'ListCalls', { page_token: Buffer.from('{"x":1}').toString('base64url') }),
      unary(tracker, 'ListCalls', { updated_since: 'yesterday' }),
    ];
    for (const attempt of invalid) {
      expect(await codeOf(attempt)).toBe(grpc.status.INVALID_ARGUMENT);
    }
    const stream = watch(tracker, unknown);
    await stream.end();
    expect(stream.ended()?.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(stream.messages).toEqual([]);
  });

  it('health Check says SERVING while the store answers, NOT_SERVING when it does not', async () => {
    expect(await unary(health, 'Check', {})).toEqual({ status: 'SERVING' });
    expect(await unary(health, 'Check', { service: 'comms.tracker.v1.CallTracker' })).toEqual({
      status: 'SERVING',
    });
    expect(await codeOf(unary(health, 'Check', { service: 'nope.Service' }))).toBe(
      grpc.status.NOT_FOUND,
    );
    await service.store.close();
    expect(await unary(health, 'Check', {})).toEqual({ status: 'NOT_SERVING' });
  });

  it('answers server reflection: lists the services', async () => {
    const reflectionDefinition = protoLoader.loadSync(
      require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto'),
      PROTO_LOADER_OPTIONS,
    );
    const reflection = grpc.loadPackageDefinition(reflectionDefinition) as Json;
    const client: Client = new reflection.grpc.reflection.v1alpha.ServerReflection(
      service.grpcAddress,
      grpc.credentials.createInsecure(),
    );
    try {
      const call = client.ServerReflectionInfo();
      const reply = new Promise<Json>((resolve, reject) => {
        call.on('data', resolve);
        call.on('error', reject);
      });
      call.write({ list_services: '' });
      const answer = await reply;
      call.end();
      const names = answer.list_services_response.service.map((s: Json) => s.name);
      expect(names).toEqual(
        expect.arrayContaining(['comms.tracker.v1.CallTracker', 'grpc.health.v1.Health']),
      );
    } finally {
      client.close();
    }
  });

  it('WatchCall sends the current state, then live changes, and ends when the call is final', async () => {
    await service.post('/api/calls', fixture('graph/answer-incoming.json'));
    await service.settle();
    const stream = watch(tracker, CALL_RAW);
    await stream.messagesAtLeast(1);
    expect(stream.messages[0]).toMatchObject({ call_id: CALL, state: 'incoming', final: false });

    await service.post('/api/calls', fixture('graph/answer-established.json'));
    await stream.messagesAtLeast(2);
    expect(stream.messages[1]).toMatchObject({ call_id: CALL, state: 'established' });
    expect(stream.messages[1].version).toBeGreaterThan(stream.messages[0].version);

    // another call's changes are not sent
    await service.post('/api/acs/events', [
      acsEvent(
        'a1b2c3d4-0000-4000-8000-000000000009',
        'o1',
        'CallConnected',
        '2026-11-21T10:00:00Z',
      ),
    ]);
    await service.post('/api/calls', graphState('terminated'));
    await stream.end();
    expect(stream.ended()?.error).toBeUndefined();
    expect(stream.messages.map((m) => m.call_id)).toEqual(stream.messages.map(() => CALL));
    expect(stream.messages[stream.messages.length - 1]).toMatchObject({
      state: 'terminated',
      final: true,
    });
  });

  it('WatchCall ends cleanly when the client cancels, leaving no listener behind', async () => {
    const projector = service.app.get(Projection);
    await service.post('/api/calls', fixture('graph/answer-incoming.json'));
    await service.settle();
    expect(projector.watchedCalls).toEqual([]);
    const stream = watch(tracker, CALL);
    await stream.messagesAtLeast(1);
    expect(projector.watchedCalls).toEqual([CALL]);
    stream.stream.cancel();
    await stream.end();
    expect(stream.ended()?.error?.code ?? grpc.status.CANCELLED).toBe(grpc.status.CANCELLED);
    const deadline = Date.now() + 5_000;
    while (projector.watchedCalls.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(projector.watchedCalls).toEqual([]);
    // the service keeps serving
    await service.post('/api/calls', fixture('graph/answer-established.json'));
    await service.settle();
    expect(await unary(tracker, 'GetCall', { call_id: CALL })).toMatchObject({
      state: 'established',
    });
  });
});
