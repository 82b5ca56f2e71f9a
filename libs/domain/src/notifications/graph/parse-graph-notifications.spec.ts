import { fixture } from '../../testing/fixtures';
import { batch, CALL, OPERATION, participant } from '../../testing/inputs';
import { parseGraphNotifications } from './parse-graph-notifications';

const parse = (body: unknown) => {
  const result = parseGraphNotifications(body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.notifications;
};

describe('parseGraphNotifications', () => {
  it('reads the incoming-call fixture', () => {
    const [parsed] = parse(fixture('graph/answer-incoming.json'));
    expect(parsed.notification).toMatchObject({
      type: 'call',
      source: 'graph',
      platform: 'graph',
      callId: CALL,
      rawCallId: '57DAB8B1894C409AB240BD8BEAE78896',
      changeType: 'created',
      rawType: '#microsoft.graph.call',
      state: 'incoming',
      ended: false,
      details: { direction: 'incoming', requestedModalities: ['audio'] },
    });
    expect(parsed.notification.key).toMatch(/^graph:[0-9a-f]{64}$/);
    expect(parsed.redactedPaths).toEqual([]);
  });

  it('reads an operation completion, with ids in URL spelling', () => {
    const [parsed] = parse(fixture('graph/playprompt-completed.json'));
    expect(parsed.notification).toMatchObject({
      type: 'operation',
      callId: CALL,
      operationId: OPERATION,
      rawOperationId: '0FE0623FD62842EDB4BD8AC290072CC5',
      operationType: 'playPrompt',
      phase: 'finished',
      status: 'completed',
      outcome: 'completed',
    });
  });

  it('reads a recordResponse completion: location kept, token removed and reported', () => {
    const [parsed] = parse(fixture('graph/recordresponse-completed.json'));
    expect(parsed.notification).toMatchObject({
      operationType: 'recordResponse',
      completionReason: 'stopToneDetected',
      recording: {
        location: 'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
        hasAccessToken: true,
      },
    });
    expect(parsed.redactedPaths).toEqual(['/resourceData/recordingAccessToken']);
    expect(parsed.secrets).toEqual({ '/resourceData/recordingAccessToken': '<access-token>' });
    expect(JSON.stringify(parsed.payload)).not.toContain('<access-token>');
    expect(JSON.stringify(parsed.notification)).not.toContain('<access-token>');
  });

  it('keys a notification by its secret-free content: equal with keys in another order', () => {
    const [a] = parse(
      batch({
        changeType: 'updated',
        resourceUrl: '/communications/calls/x',
        resourceData: { state: 'established', '@odata.type': '#microsoft.graph.call' },
      }),
    );
    const [b] = parse(
      batch({
        resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established' },
        resourceUrl: '/communications/calls/x',
        changeType: 'updated',
      }),
    );
    const [c] = parse(
      batch({
        changeType: 'updated',
        resourceUrl: '/communications/calls/x',
        resourceData: { state: 'establishing' },
      }),
    );
    expect(a.notification.key).toBe(b.notification.key);
    expect(c.notification.key).not.toBe(a.notification.key);
  });

  it('prefers resourceUrl over the old "resource", and accepts "resource" alone', () => {
    const [both] = parse(fixture('graph/policy-recording-incoming.json'));
    expect(both.notification.callId).toBe('e71f0300-9c1f-4d99-b5f4-2722e877d497');
    const [old] = parse(
      batch({
        changeType: 'updated',
        resource: '/app/calls/ABC',
        resourceData: { state: 'established' },
      }),
    );
    expect(old.notification).toMatchObject({ type: 'call', callId: 'ABC', state: 'established' });
  });

  it('reads a roster array: a full roster on updated, additions on created, removals on deleted', () => {
    const participants = [
      participant('P1', { isMuted: true }),
      participant('p2'),
      { id: undefined },
    ];
    const modes = (['updated', 'created', 'deleted'] as const).map(
      (changeType) =>
        parse(
          batch({
            changeType,
            resourceUrl: `/communications/calls/${CALL}/participants`,
            resourceData: participants,
          }),
        )[0].notification,
    );
    expect(modes.map((n) => n.type === 'roster' && n.mode)).toEqual([
      'snapshot',
      'upsert',
      'removal',
    ]);
    expect(modes[0]).toMatchObject({
      participants: [
        {
          participantId: 'P1',
          rawParticipantId: 'P1',
          displayName: 'User P1',
          isMuted: true,
          identity: { kind: 'user', id: 'user-P1' },
        },
        { participantId: 'p2', isMuted: false },
      ],
    });
  });

  it('reads content sharing sessions', () => {
    const [started] = parse(fixture('graph/contentsharing-started.json'));
    const [ended] = parse(fixture('graph/contentsharing-ended.json'));
    expect(started.notification).toMatchObject({
      type: 'contentSharing',
      callId: '421f4c00-4436-4c3a-9d9a-c4924cf98e67',
      sessionId: '2765eb15-01f8-47c6-b12b-c32111a4a86f',
      phase: 'started',
    });
    expect(ended.notification).toMatchObject({ type: 'contentSharing', phase: 'ended' });
  });

  it('keeps notifications about untracked resources of a call', () => {
    const [parsed] = parse(
      batch({ changeType: 'created', resourceUrl: '/communications/calls/x/audioRoutingGroups/g' }),
    );
    expect(parsed.notification).toMatchObject({ type: 'unrecognized', callId: 'x' });
  });

  it('refuses a bare array of items, a single item and an empty batch: Graph always sends value[]', () => {
    const item = {
      changeType: 'updated',
      resourceUrl: '/communications/calls/x',
      resourceData: { state: 'hold' },
    };
    expect(parseGraphNotifications([item])).toMatchObject({ ok: false, errors: [{ path: '' }] });
    expect(parseGraphNotifications(item)).toMatchObject({
      ok: false,
      errors: [{ path: '/value' }],
    });
    expect(parseGraphNotifications({ value: [] })).toMatchObject({
      ok: false,
      errors: [{ path: '/value', message: 'must hold 1 to 1000 notifications (got 0)' }],
    });
  });

  it("checks each item's envelope: member types, lengths, and resourceUrl unless resource", () => {
    const item = { changeType: 'updated', resourceUrl: '/communications/calls/x' };
    const errorOf = (changed: object) => {
      const result = parseGraphNotifications(batch({ ...item, ...changed }));
      return result.ok ? undefined : result.errors;
    };
    expect(errorOf({ changeType: 7 })).toEqual([
      { path: '/value/0/changeType', message: 'changeType must be a string', envelope: true },
    ]);
    expect(errorOf({ changeType: '' })).toMatchObject([
      { message: 'changeType must not be empty' },
    ]);
    expect(errorOf({ changeType: 'x'.repeat(65) })).toMatchObject([
      { message: 'changeType must be at most 64 characters (got 65)' },
    ]);
    expect(errorOf({ resourceUrl: undefined })).toMatchObject([
      { path: '/value/0/resourceUrl', message: 'resourceUrl is required unless resource is given' },
    ]);
    expect(
      errorOf({ resourceUrl: undefined, resource: '/communications/calls/x' }),
    ).toBeUndefined();
    expect(errorOf({ resourceData: 'x' })).toMatchObject([
      { path: '/value/0/resourceData', message: 'resourceData must be an object or an array' },
    ]);
    expect(errorOf({ resourceData: null })).toBeUndefined();
  });

  it('refuses malformed input, all or nothing, saying where and what', () => {
    expect(parseGraphNotifications({ value: 'x' })).toEqual({
      ok: false,
      errors: [
        {
          path: '/value',
          message: 'a commsNotifications body needs a "value" array',
          envelope: true,
        },
      ],
    });
    expect(
      parseGraphNotifications(
        batch(
          { changeType: 'updated', resourceUrl: '/communications/calls/x' },
          'oops',
          { resourceUrl: '/communications/calls/x' },
          { changeType: 'updated' },
          { changeType: 'updated', resourceUrl: '/users/me' },
        ),
      ),
    ).toEqual({
      ok: false,
      errors: [
        { path: '/value/1', message: 'a commsNotification must be an object', envelope: true },
        { path: '/value/2/changeType', message: 'changeType is required', envelope: true },
        {
          path: '/value/3/resourceUrl',
          message: 'resourceUrl is required unless resource is given',
          envelope: true,
        },
        {
          path: '/value/4/resourceUrl',
          message: '"/users/me" is not a call resource (expected /communications/calls/{id}/…)',
        },
      ],
    });
    expect(parseGraphNotifications(null)).toMatchObject({ ok: false });
  });
});
