import { fixture } from '../../testing/fixtures';
import { batch, CALL, CALL_IN_URL } from '../../testing/inputs';
import { parseAcsEvents } from '../acs/parse-acs-events';
import { parseOperationResponse } from '../bot/parse-operation-response';
import { parseGraphNotifications } from '../graph/parse-graph-notifications';
import type { ParseResult } from '../parse-result';
import {
  ID_RULE,
  isValidId,
  MAX_CONTEXT_LENGTH,
  MAX_NOTIFICATIONS_PER_BATCH,
  quoted,
  stringProblem,
  UNSAFE_CHARACTERS_RULE,
} from './input-limits';
import { checkJsonShape, findInJson, RESERVED_MEMBER_RULE, toPointer } from './json-shape';

const errorsOf = (result: ParseResult) => {
  if (result.ok) throw new Error('expected the input to be refused');
  return result.errors;
};
const ok = (result: ParseResult) => {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.notifications;
};
const long = (n: number, char = 'x') => char.repeat(n);

const graphOperation = (resourceData: Record<string, unknown>, url = CALL_IN_URL) =>
  batch({
    changeType: 'deleted',
    resourceUrl: `/communications/calls/${url}/operations/0FE0623FD62842EDB4BD8AC290072CC5`,
    resourceData: {
      '@odata.type': '#microsoft.graph.playPromptOperation',
      status: 'completed',
      ...resourceData,
    },
  });
const acsEvent = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => [
  {
    id: 'e1',
    type: 'Microsoft.Communication.PlayCompleted',
    data: { callConnectionId: 'conn-1', ...data },
    ...extra,
  },
];
const botResponse = (extra: Record<string, unknown>) =>
  parseOperationResponse(CALL, {
    '@odata.type': '#microsoft.graph.playPromptOperation',
    id: 'op-1',
    status: 'running',
    ...extra,
  });

describe('the id rule', () => {
  it.each([
    CALL,
    CALL_IN_URL,
    '8:acs:1234abcd-0000-4000-8000-000000000000_00000012-3456-7890-abcd-ef0123456789',
    '4:+14255550123',
    '+14255550123',
    'a',
    long(200, 'a'),
  ])('accepts %s', (id) => expect(isValidId(id)).toBe(true));

  it.each(['', long(201, 'a'), '-x', '.', '..', 'a b', 'a/b', 'a\u0000', 'a\ud800', 'é', 'a?b'])(
    'refuses %j',
    (id) => expect(isValidId(id)).toBe(false),
  );

  it('is not fooled by non-strings', () => {
    expect(isValidId(12)).toBe(false);
    expect(isValidId(undefined)).toBe(false);
  });
});

describe('string rules', () => {
  it('bound lengths and refuse NUL and unpaired surrogates', () => {
    expect(stringProblem(long(256), 'context')).toBeUndefined();
    expect(stringProblem(long(257), 'context')).toBe('must be at most 256 characters (got 257)');
    expect(stringProblem(long(2048), 'text')).toBeUndefined();
    expect(stringProblem(long(2049), 'text')).toBe('must be at most 2048 characters (got 2049)');
    expect(stringProblem(long(257), 'name')).toMatch(/at most 256/);
    expect(stringProblem('a\u0000b', 'name')).toBe(UNSAFE_CHARACTERS_RULE);
    expect(stringProblem('a\ud800b', 'name')).toBe(UNSAFE_CHARACTERS_RULE);
    expect(stringProblem('a\udc00', 'name')).toBe(UNSAFE_CHARACTERS_RULE);
    expect(stringProblem('emoji 😀 and ü', 'name')).toBeUndefined();
    expect(stringProblem('line\nbreak', 'text')).toBeUndefined();
  });

  it('quotes huge values cut short', () => {
    expect(quoted(long(1000))).toHaveLength(83);
    expect(quoted('ab')).toBe('"ab"');
  });
});

describe('json shape', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('refuses nesting past the limit, without recursion, and names where', () => {
    expect(checkJsonShape(nested(32))).toBeUndefined();
    expect(checkJsonShape(nested(33))).toMatchObject({
      problem: 'must not nest deeper than 32 levels',
    });
    expect(checkJsonShape(nested(200_000))?.path).toHaveLength(32);
  });

  it('refuses objects with too many members', () => {
    const wide = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i]));
    expect(checkJsonShape({ a: [wide] })).toEqual({
      path: ['a', 0],
      problem: 'must have at most 1000 members (got 1001)',
    });
    expect(checkJsonShape({ a: Array.from({ length: 5000 }, () => 0) })).toBeUndefined();
  });

  it('refuses prototype-pollution member names anywhere', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const body = JSON.parse(`{"value":[{"resourceData":{"${name}":"x"}}]}`);
      expect(checkJsonShape(body)).toEqual({
        path: ['value', 0, 'resourceData', name],
        problem: RESERVED_MEMBER_RULE,
      });
    }
    expect(errorsOf(botResponse({ x: { constructor: 1 } }))).toEqual([
      { path: '/x/constructor', message: RESERVED_MEMBER_RULE, envelope: true },
    ]);
    expect(checkJsonShape({ Constructor: 1, toString: 'x', hasOwnProperty: 1 })).toBeUndefined();
  });

  it('finds the first value (in document order) a test holds for, at any depth', () => {
    const isTwo = (value: unknown) => value === 2;
    expect(findInJson({ a: [1, { b: 2 }], c: 2 }, isTwo)).toEqual(['a', 1, 'b']);
    expect(findInJson(2, isTwo)).toEqual([]);
    expect(findInJson({ a: [1] }, isTwo)).toBeUndefined();
    expect(findInJson({ a: 1, 'x/y': 1 }, (_, key) => key === 'x/y')).toEqual(['x/y']);
    expect(findInJson(nested(200_000), (value) => value === 1)).toHaveLength(200_000);
  });

  it('writes JSON pointers', () => {
    expect(toPointer(['value', 0, 'a/b~c'])).toBe('/value/0/a~1b~0c');
  });

  it('is applied to every body', () => {
    const deep = nested(40);
    expect(errorsOf(parseGraphNotifications({ value: [deep] }))[0].message).toMatch(/nest/);
    expect(errorsOf(parseAcsEvents([deep]))[0].message).toMatch(/nest/);
    expect(errorsOf(botResponse({ extra: deep }))[0]).toMatchObject({
      path: expect.stringMatching(/^\/extra\/0\/a\//),
      message: 'must not nest deeper than 32 levels',
    });
  });
});

describe('batch size', () => {
  it('is at most 1000 notifications, Graph and ACS alike', () => {
    const item = {
      changeType: 'updated',
      resourceUrl: '/communications/calls/x',
      resourceData: { state: 'established' },
    };
    const graph = (n: number) =>
      parseGraphNotifications(batch(...Array.from({ length: n }, () => item)));
    expect(ok(graph(MAX_NOTIFICATIONS_PER_BATCH))).toHaveLength(1000);
    expect(errorsOf(graph(1001))).toEqual([
      { path: '/value', message: 'must hold 1 to 1000 notifications (got 1001)', envelope: true },
    ]);
    const acs = (n: number) =>
      parseAcsEvents(
        Array.from({ length: n }, (_, i) => ({
          id: `e${i}`,
          type: 'Microsoft.Communication.CallConnected',
          data: { callConnectionId: 'c' },
        })),
      );
    expect(ok(acs(1000))).toHaveLength(1000);
    expect(errorsOf(acs(1001))).toEqual([
      { path: '', message: 'must hold 1 to 1000 events (got 1001)', envelope: true },
    ]);
  });
});

describe('clientContext and operationContext: at most 256 characters wherever they appear', () => {
  const ctx = long(MAX_CONTEXT_LENGTH);
  const tooLong = long(MAX_CONTEXT_LENGTH + 1);

  it('in Graph notifications', () => {
    expect(ok(parseGraphNotifications(graphOperation({ clientContext: ctx })))).toHaveLength(1);
    expect(errorsOf(parseGraphNotifications(graphOperation({ clientContext: tooLong })))).toEqual([
      {
        path: '/value/0/resourceData/clientContext',
        message: 'clientContext must be at most 256 characters (got 257)',
      },
    ]);
    // read case-insensitively, so bounded case-insensitively
    expect(
      errorsOf(parseGraphNotifications(graphOperation({ ClientContext: tooLong })))[0].path,
    ).toBe('/value/0/resourceData/ClientContext');
  });

  it('in ACS event data, read or not', () => {
    expect(ok(parseAcsEvents(acsEvent({ operationContext: ctx })))).toHaveLength(1);
    expect(errorsOf(parseAcsEvents(acsEvent({ operationContext: tooLong })))).toEqual([
      {
        path: '/0/data/operationContext',
        message: 'operationContext must be at most 256 characters (got 257)',
      },
    ]);
    expect(errorsOf(parseAcsEvents(acsEvent({ clientContext: tooLong })))[0].path).toBe(
      '/0/data/clientContext',
    );
    expect(
      errorsOf(
        parseAcsEvents({
          status: 'running',
          operationContext: tooLong,
          callConnectionId: 'c',
        }),
      )[0].path,
    ).toBe('/operationContext');
  });

  it('in operation responses', () => {
    expect(ok(botResponse({ clientContext: ctx }))).toHaveLength(1);
    expect(errorsOf(botResponse({ clientContext: tooLong }))).toEqual([
      {
        path: '/clientContext',
        message: 'clientContext must be at most 256 characters (got 257)',
        envelope: true,
      },
    ]);
    expect(
      errorsOf(parseOperationResponse(CALL, { status: 'running', operationContext: tooLong }))[0]
        .path,
    ).toBe('/operationContext');
  });

  it('must be well-formed text', () => {
    expect(errorsOf(botResponse({ clientContext: 'a\u0000' }))[0].message).toBe(
      `clientContext ${UNSAFE_CHARACTERS_RULE}`,
    );
    expect(errorsOf(parseAcsEvents(acsEvent({ operationContext: '\udfff' })))).toHaveLength(1);
  });
});

describe('ids in bodies follow the id rule', () => {
  it('Graph: ids in the resource path', () => {
    expect(errorsOf(parseGraphNotifications(graphOperation({}, 'a%20b')))).toEqual([
      {
        path: '/value/0/resourceUrl',
        message: `call id "a b" in the resource path ${ID_RULE}`,
      },
    ]);
    const participant = batch({
      changeType: 'deleted',
      resourceUrl: `/communications/calls/x/participants/${long(201, 'p')}`,
    });
    expect(errorsOf(parseGraphNotifications(participant))[0].message).toMatch(
      /^participant id ".*…" in the resource path must be 1-200/,
    );
  });

  it('Graph: participant ids in rosters and operation bodies', () => {
    const roster = batch({
      changeType: 'updated',
      resourceUrl: '/communications/calls/x/participants',
      resourceData: [{ id: 'p1' }, { id: 'bad id' }],
    });
    expect(errorsOf(parseGraphNotifications(roster))).toEqual([
      { path: '/value/0/resourceData/1/id', message: `participant id ${ID_RULE}` },
    ]);
    expect(
      errorsOf(parseGraphNotifications(graphOperation({ participantId: 'p/1' })))[0].path,
    ).toBe('/value/0/resourceData/participantId');
  });

  it('Graph: correlation ids of a call', () => {
    const call = (resourceData: Record<string, unknown>) =>
      parseGraphNotifications(
        batch({ changeType: 'created', resourceUrl: '/communications/calls/x', resourceData }),
      );
    expect(ok(call({ state: 'incoming', callChainId: CALL, tenantId: CALL }))).toHaveLength(1);
    expect(errorsOf(call({ callChainId: 'a b' }))).toEqual([
      { path: '/value/0/resourceData/callChainId', message: `callChainId ${ID_RULE}` },
    ]);
    expect(errorsOf(call({ myParticipantId: long(300) }))[0].path).toBe(
      '/value/0/resourceData/myParticipantId',
    );
  });

  it('ACS: event, call connection, correlation, operation and participant ids', () => {
    expect(errorsOf(parseAcsEvents(acsEvent({}, { id: 'a b' })))).toEqual([
      { path: '/0/id', message: `event id ${ID_RULE}`, envelope: true },
    ]);
    expect(errorsOf(parseAcsEvents(acsEvent({ callConnectionId: 'a\u0000' })))).toEqual([
      { path: '/0/data/callConnectionId', message: `call id ${ID_RULE}` },
    ]);
    expect(errorsOf(parseAcsEvents(acsEvent({ correlationId: 'x'.repeat(201) })))[0].path).toBe(
      '/0/data/correlationId',
    );
    expect(errorsOf(parseAcsEvents(acsEvent({ operationId: '../x' })))[0].path).toBe(
      '/0/data/operationId',
    );
    const roster = [
      {
        id: 'e2',
        type: 'Microsoft.Communication.ParticipantsUpdated',
        data: {
          callConnectionId: 'conn-1',
          participants: [{ identifier: { rawId: '8:acs:ok' } }, { identifier: { rawId: '8 acs' } }],
        },
      },
    ];
    expect(errorsOf(parseAcsEvents(roster))[0]).toEqual({
      path: '/0/data/participants/1/identifier/rawId',
      message: `participant id ${ID_RULE}`,
    });
    // a call connection id found only in the subject
    const fromSubject = [
      {
        id: 'e3',
        type: 'Microsoft.Communication.CallConnected',
        subject: 'callConnections/a b',
        data: {},
      },
    ];
    expect(errorsOf(parseAcsEvents(fromSubject))).toEqual([
      { path: '/0/subject', message: `call id ${ID_RULE}` },
    ]);
  });

  it('bot responses: the operation id and the participant id', () => {
    expect(errorsOf(botResponse({ id: 'a b' }))).toEqual([
      { path: '/id', message: `operation id ${ID_RULE}`, envelope: true },
    ]);
    expect(errorsOf(botResponse({ participantId: '' + long(250) }))[0].path).toBe('/participantId');
    expect(errorsOf(parseOperationResponse('a b', { id: 'x', status: 'running' }))).toEqual([
      { path: '', message: `the call id of the request URL ${ID_RULE}` },
    ]);
  });
});

describe('other free strings and numbers', () => {
  it('bounds resultInfo.message to 2048 characters', () => {
    const result = (message: string) =>
      parseGraphNotifications(graphOperation({ resultInfo: { code: 200, message } }));
    expect(ok(result(long(2048)))).toHaveLength(1);
    expect(errorsOf(result(long(2049)))).toEqual([
      {
        path: '/value/0/resourceData/resultInfo/message',
        message: 'message must be at most 2048 characters (got 2049)',
      },
    ]);
    expect(
      errorsOf(parseAcsEvents(acsEvent({ resultInformation: { message: long(5000) } })))[0].path,
    ).toBe('/0/data/resultInformation/message');
  });

  it('bounds display names, types and states to 256 characters', () => {
    const roster = (displayName: string) =>
      parseGraphNotifications(
        batch({
          changeType: 'updated',
          resourceUrl: '/communications/calls/x/participants',
          resourceData: [{ id: 'p1', info: { identity: { user: { id: 'u1', displayName } } } }],
        }),
      );
    expect(ok(roster(long(256)))).toHaveLength(1);
    expect(errorsOf(roster(long(257)))[0]).toEqual({
      path: '/value/0/resourceData/0/info/identity/user/displayName',
      message: 'displayName must be at most 256 characters (got 257)',
    });
    expect(errorsOf(botResponse({ '@odata.type': long(300) }))[0].path).toBe('/@odata.type');
    expect(errorsOf(botResponse({ completionReason: long(300) }))[0].path).toBe(
      '/completionReason',
    );
    const state = parseGraphNotifications(
      batch({
        changeType: 'updated',
        resourceUrl: '/communications/calls/x',
        resourceData: { state: long(300) },
      }),
    );
    expect(errorsOf(state)[0].path).toBe('/value/0/resourceData/state');
  });

  it('refuses result codes out of the range of JSON numbers (1e400 parses as Infinity)', () => {
    expect(
      errorsOf(parseGraphNotifications(graphOperation({ resultInfo: { code: Infinity } }))),
    ).toEqual([
      { path: '/value/0/resourceData/resultInfo/code', message: 'rawCode must be a finite number' },
    ]);
  });

  it('keeps accepting the fixtures and payloads with unread huge members', () => {
    for (const name of [
      'graph/answer-incoming.json',
      'graph/policy-recording-incoming.json',
      'graph/recordresponse-completed.json',
      'graph/contentsharing-started.json',
    ]) {
      expect(ok(parseGraphNotifications(fixture(name)))).toHaveLength(1);
    }
    expect(ok(parseAcsEvents(fixture('acs/playaudio-response.json')))).toBeDefined();
    expect(ok(botResponse({ somethingNew: long(100_000) }))).toHaveLength(1);
  });
});
