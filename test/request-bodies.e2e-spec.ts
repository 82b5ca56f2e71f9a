import { AsyncResource } from 'node:async_hooks';
import { fixture, RunningService, startService } from './support/running-service';

/**
 * What the body parser lets through is stored as received, so it refuses what it could not keep
 * byte for byte (not UTF-8, numbers past ±1.8e308) and whatever is not JSON in UTF-8.
 */
describe('request bodies: JSON in UTF-8, stored as sent', () => {
  let service: RunningService;
  beforeAll(async () => (service = await startService()));
  afterAll(async () => service.stop());

  const storedCount = () => service.storedCount();

  /** A Graph batch of one call-state notification whose resourceData carries `extra` (raw JSON). */
  const graphBody = (callId: string, extra: string): string =>
    `{"value":[{"changeType":"updated","resourceUrl":"/communications/calls/${callId}",` +
    `"resourceData":{"@odata.type":"#microsoft.graph.call","state":"established","x":${extra}}}]}`;

  const acsEvent = (id: string) => ({
    id,
    source: 'calling/callConnections/bodies-acs-1',
    type: 'Microsoft.Communication.CallConnected',
    subject: 'calling/callConnections/bodies-acs-1',
    time: '2026-11-21T10:00:00Z',
    specversion: '1.0',
    data: { callConnectionId: 'bodies-acs-1', serverCallId: 'server-1', correlationId: 'corr-1' },
  });

  const refused = async (
    body: string | Uint8Array,
    headers: Record<string, string> = {},
    path = '/api/calls',
  ) => {
    const before = await storedCount();
    const reply = await service.post(path, body, headers);
    expect(await storedCount()).toBe(before);
    return reply;
  };

  /** `text` as UTF-8 with raw `bytes` in place of its `__`. */
  const withBytes = (text: string, bytes: number[]): Buffer => {
    const [head, tail] = text.split('__');
    return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
  };

  it("binds each body's parse without Node 20's deprecated accessor", () => {
    // The service (createApp) installs the lean bind; Fastify binds one function per body.
    const bound = new AsyncResource('probe').bind(() => 1);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8 inside a string, naming the member (JSON Pointer)', async () => {
    const text = graphBody('bodies-utf8', '"ab__"');
    expect(await refused(withBytes(text, [0xc3, 0x28]))).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        details: [
          {
            field: '/value/0/resourceData/x',
            problem: `must be valid UTF-8 (byte 0x28 at offset ${text.indexOf('__') + 1} is not)`,
          },
        ],
      },
    });
    // An encoded surrogate, in a member name of an ACS event: the member as decoding spells it.
    const acs = JSON.stringify([acsEvent('e-bytes')]).replace('"serverCallId"', '"server__"');
    expect(await refused(withBytes(acs, [0xed, 0xa0, 0x80]), {}, '/api/acs/events')).toMatchObject({
      status: 400,
      body: {
        details: [
          {
            field: expect.stringMatching(/^\/0\/data\/server/),
            problem: expect.stringMatching(/UTF-8/),
          },
        ],
      },
    });
    // Cut in the middle of a character at the very end: not inside a complete string.
    expect(await refused(withBytes('{"a":"__', [0xe2, 0x82]))).toMatchObject({
      status: 400,
      body: { details: [{ field: 'body', problem: expect.stringMatching(/UTF-8/) }] },
    });
  });

  it('refuses a number beyond ±1.8e308 even where the tracker does not read', async () => {
    for (const [extra, field] of [
      ['1e400', '/value/0/resourceData/x'],
      ['[1, -2.5E+400]', '/value/0/resourceData/x/1'],
      [`{"a/b":${'9'.repeat(400)}}`, '/value/0/resourceData/x/a~1b'],
    ]) {
      expect(await refused(graphBody('bodies-number', extra))).toMatchObject({
        status: 400,
        body: {
          error: 'invalid_request',
          details: [{ field, problem: expect.stringMatching(/^must be a finite number/) }],
        },
      });
    }
  });

  it('stores what it accepts as sent: U+FFFD sent as such, the largest finite numbers', async () => {
    const extra = '{"replacement":"\uFFFD","big":1.7976931348623157e308,"tiny":-5e-324}';
    const reply = await service.post('/api/calls', Buffer.from(graphBody('bodies-kept', extra)));
    expect(reply).toMatchObject({ status: 202, body: { accepted: 1 } });
    const payloads: unknown[] = [];
    for await (const event of service.store.readAll()) {
      const { callId, payload } = event.data as { callId: string; payload?: unknown };
      if (callId === 'bodies-kept' && payload) payloads.push(payload);
    }
    expect(payloads).toEqual([
      expect.objectContaining({ resourceData: expect.objectContaining({ x: JSON.parse(extra) }) }),
    ]);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['JSON in UTF-16', 'application/json; charset=utf-16'],
    ['JSON in Latin-1', 'application/json;charset="ISO-8859-1"'],
  ])('answers 415 to %s, and stores nothing', async (_name, contentType) => {
    const body = JSON.stringify(fixture('graph/answer-incoming.json'));
    expect(await refused(body, { 'content-type': contentType })).toMatchObject({
      status: 415,
      body: {
        error: 'unsupported_media_type',
        message: expect.stringMatching(/application\/json/),
      },
    });
  });

  it('takes JSON with charset=UTF-8 and CloudEvents media types (Event Grid, ACS)', async () => {
    const graph = JSON.stringify(fixture('graph/answer-incoming.json'));
    expect(
      await service.post('/api/calls', graph, {
        'content-type': 'Application/JSON; Charset="UTF-8"',
      }),
    ).toMatchObject({ status: 202 });
    expect(
      await service.post('/api/acs/events', JSON.stringify([acsEvent('ce-batch')]), {
        'content-type': 'application/cloudevents-batch+json; charset=utf-8',
      }),
    ).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(
      await service.post('/api/acs/events', JSON.stringify(acsEvent('ce-single')), {
        'content-type': 'application/cloudevents+json',
      }),
    ).toMatchObject({ status: 202, body: { accepted: 1 } });
  });
});
