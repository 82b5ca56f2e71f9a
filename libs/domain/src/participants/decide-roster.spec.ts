import { given, history } from '../testing/decider-spec';
import { at, botCommand, CALL, graphCommand, participant, roster } from '../testing/inputs';
import { toCallView } from '../views/call-view';

const rosterAt = (t: number, ...participants: unknown[]) =>
  graphCommand(roster(participants), at(t));

describe('participants', () => {
  it('joins every participant of a first roster', () => {
    given()
      .when(rosterAt(1, participant('a', { isMuted: true }), participant('b')))
      .then([
        {
          type: 'ParticipantJoined',
          data: {
            callId: CALL,
            participantId: 'a',
            rawParticipantId: 'a',
            identity: { kind: 'user', id: 'user-a', displayName: 'User a' },
            displayName: 'User a',
            isMuted: true,
            joinedAt: at(1),
          },
        },
        {
          type: 'ParticipantJoined',
          data: {
            callId: CALL,
            participantId: 'b',
            rawParticipantId: 'b',
            identity: { kind: 'user', id: 'user-b', displayName: 'User b' },
            displayName: 'User b',
            isMuted: false,
            joinedAt: at(1),
          },
        },
      ]);
  });

  it('updates a muted participant and lets one missing from the full roster leave', () => {
    given(history(rosterAt(1, participant('a'), participant('b'))))
      .when(rosterAt(2, participant('a', { isMuted: true })))
      .then([
        {
          type: 'ParticipantUpdated',
          data: { callId: CALL, participantId: 'a', changes: { isMuted: true }, updatedAt: at(2) },
        },
        {
          type: 'ParticipantLeft',
          data: { callId: CALL, participantId: 'b', leftAt: at(2), reason: 'removedFromRoster' },
        },
      ]);
  });

  it('lets participants leave on a deleted roster notification', () => {
    const deleted = graphCommand(roster([participant('b')], { changeType: 'deleted' }), at(3));
    const state = given(history(rosterAt(1, participant('a'), participant('b'))))
      .when(deleted)
      .then([
        {
          type: 'ParticipantLeft',
          data: { callId: CALL, participantId: 'b', leftAt: at(3), reason: 'deleted' },
        },
      ]);
    expect(toCallView(state).participants.map((p) => [p.participantId, p.present])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('lets a participant who left join again', () => {
    const rejoined = { ...participant('b'), '@odata.etag': 'W/"3"' };
    const state = given(
      history(rosterAt(1, participant('a'), participant('b')), rosterAt(2, participant('a'))),
    )
      .when(rosterAt(3, participant('a'), rejoined))
      .thenTypes(['NotificationReceived', 'ParticipantJoined']);
    expect(state.participants.b).toMatchObject({ present: true, joinedAt: at(3) });
    expect(state.participants.b.leftAt).toBeUndefined();
  });

  it('takes a roster identical in content to an earlier one for a redelivery (keys are content hashes)', () => {
    // Graph versions resources (etags), so a real roster that returns to an earlier membership
    // differs from it; a byte-identical one cannot be told from a redelivery.
    given(history(rosterAt(1, participant('a'), participant('b')), rosterAt(2, participant('a'))))
      .when(rosterAt(3, participant('a'), participant('b')))
      .thenNothing();
  });

  it('decides nothing but the receipt for an unchanged roster', () => {
    given(history(rosterAt(1, participant('a'))))
      .when(graphCommand(roster([participant('a')], { changeType: 'updated' }), at(9)))
      .thenNothing();
    given(history(rosterAt(1, participant('a'))))
      .when(rosterAt(9, { ...participant('a'), '@odata.etag': 'W/"2"' }))
      .thenOnlyReceipt();
  });

  it('puts one participant on hold and releases the previous one (only one at a time)', () => {
    const events = history(
      rosterAt(1, participant('a', { isOnHold: true }), participant('b', { isOnHold: false })),
    );
    const state = given(events)
      .when(rosterAt(2, participant('a', { isOnHold: true }), participant('b', { isOnHold: true })))
      .then([
        {
          type: 'ParticipantUpdated',
          data: {
            callId: CALL,
            participantId: 'a',
            changes: { isOnHold: false },
            updatedAt: at(2),
            reason: 'anotherParticipantOnHold',
          },
        },
        {
          type: 'ParticipantUpdated',
          data: { callId: CALL, participantId: 'b', changes: { isOnHold: true }, updatedAt: at(2) },
        },
      ]);
    expect(state.onHoldParticipantId).toBe('b');
    expect(Object.values(state.participants).filter((p) => p.isOnHold)).toHaveLength(1);
  });

  it('releases the previous holder missing from an additive roster when a new one goes on hold', () => {
    const created = graphCommand(
      roster([participant('c', { isOnHold: true })], { changeType: 'created' }),
      at(2),
    );
    const state = given(history(rosterAt(1, participant('a', { isOnHold: true }))))
      .when(created)
      .thenTypes(['NotificationReceived', 'ParticipantJoined', 'ParticipantUpdated']);
    expect(state.participants.a.isOnHold).toBe(false);
    expect(state.onHoldParticipantId).toBe('c');
  });

  it('lets only the last of several newcomers to hold in one roster be on hold', () => {
    const state = given()
      .when(rosterAt(1, participant('a', { isOnHold: true }), participant('b', { isOnHold: true })))
      .thenTypes(['NotificationReceived', 'ParticipantJoined', 'ParticipantJoined']);
    expect(state.participants.a.isOnHold).toBe(false);
    expect(state.participants.b.isOnHold).toBe(true);
    expect(state.onHoldParticipantId).toBe('b');
  });

  it('puts the participant named in a completed startHoldMusic on hold, releasing the previous one', () => {
    const holdCall = 'e141b67c-90fd-455d-858b-b48a40b9cc8d';
    const rosterOf = (t: number, ...people: unknown[]) =>
      graphCommand(roster(people, { callId: holdCall }), at(t));
    const response = (participantId: string, operationId: string, t: number) =>
      botCommandFor(
        holdCall,
        {
          '@odata.type': '#microsoft.graph.startHoldMusicOperation',
          id: operationId,
          status: 'running',
          participantId,
        },
        t,
      );
    const completed = (operationId: string, t: number) =>
      graphCommand(
        {
          value: [
            {
              changeType: 'deleted',
              resourceUrl: `communications/calls/${holdCall}/operations/${operationId}`,
              resourceData: {
                '@odata.type': '#microsoft.graph.startHoldMusicOperation',
                status: 'completed',
              },
            },
          ],
        },
        at(t),
      );
    const events = history(
      rosterOf(1, participant('a'), participant('b')),
      response('a', 'op-1', 2),
      completed('op-1', 3),
      response('b', 'op-2', 4),
    );
    expect(events.filter((e) => e.type === 'ParticipantUpdated').map((e) => e.data)).toEqual([
      {
        callId: holdCall,
        participantId: 'a',
        changes: { isOnHold: true },
        updatedAt: at(3),
        reason: 'holdMusicStarted',
      },
    ]);
    const state = given(events)
      .when(completed('op-2', 5))
      .then([
        expect.objectContaining({ type: 'OperationCompleted' }),
        {
          type: 'ParticipantUpdated',
          data: {
            callId: holdCall,
            participantId: 'a',
            changes: { isOnHold: false },
            updatedAt: at(5),
            reason: 'anotherParticipantOnHold',
          },
        },
        {
          type: 'ParticipantUpdated',
          data: {
            callId: holdCall,
            participantId: 'b',
            changes: { isOnHold: true },
            updatedAt: at(5),
            reason: 'holdMusicStarted',
          },
        },
      ]);
    expect(state.onHoldParticipantId).toBe('b');
  });

  it('lets a participant leave when Graph deletes their own resource (no leading slash)', () => {
    const deleted = graphCommand(
      {
        value: [
          { changeType: 'deleted', resourceUrl: `communications/calls/${CALL}/participants/b` },
        ],
      },
      at(4),
    );
    given(history(rosterAt(1, participant('a'), participant('b'))))
      .when(deleted)
      .then([
        {
          type: 'ParticipantLeft',
          data: { callId: CALL, participantId: 'b', leftAt: at(4), reason: 'deleted' },
        },
      ]);
  });
});

const botCommandFor = (callId: string, body: unknown, t: number) => botCommand(callId, body, at(t));
