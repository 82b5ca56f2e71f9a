import { fixture } from '../testing/fixtures';
import { given, history } from '../testing/decider-spec';
import { at, CALL, callNotification, graphCommand } from '../testing/inputs';
import { toCallView } from '../views/call-view';

const incoming = () => graphCommand(fixture('graph/answer-incoming.json'), at(0));
const establishing = (t = 2) => graphCommand(fixture('graph/answer-establishing.json'), at(t));
const established = (t = 3) => graphCommand(fixture('graph/answer-established.json'), at(t));

describe('call state', () => {
  it('records an incoming call: its state, direction, caller and when it rang', () => {
    given()
      .when(incoming())
      .then([
        {
          type: 'CallDetailsRecorded',
          data: {
            callId: CALL,
            details: {
              direction: 'incoming',
              caller: {
                kind: 'user',
                id: '8A34A46B-3D17-4ADC-8DCE-DC4E7D572698',
                displayName: 'Test User',
              },
              targets: [
                {
                  kind: 'application',
                  id: '8A34A46B-3D17-4ADC-8DCE-DC4E7D572698',
                  displayName: 'Test BOT',
                },
              ],
              requestedModalities: ['audio'],
              incomingAt: at(0),
            },
            recordedAt: at(0),
          },
        },
        {
          type: 'CallStateChanged',
          data: { callId: CALL, state: 'incoming', rawState: 'incoming', changedAt: at(0) },
        },
      ]);
  });

  it('moves incoming → establishing → established', () => {
    given(history(incoming()))
      .when(establishing())
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'incoming',
            state: 'establishing',
            rawState: 'establishing',
            changedAt: at(2),
          },
        },
      ]);
    given(history(incoming(), establishing()))
      .when(established())
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'establishing',
            state: 'established',
            rawState: 'established',
            changedAt: at(3),
          },
        },
        { type: 'CallAnswered', data: { callId: CALL, state: 'established', answeredAt: at(3) } },
      ]);
  });

  it('never moves back when establishing arrives after established (out of order)', () => {
    const state = given(history(incoming(), established(2)))
      .when(establishing(3))
      .thenOnlyReceipt();
    expect(state.state).toBe('established');
  });

  it('records the details of an incoming notification delivered after established, without moving back', () => {
    const state = given(history(established(1)))
      .when(incoming())
      .thenTypes(['NotificationReceived', 'CallDetailsRecorded']);
    expect(state.state).toBe('established');
    expect(state.details.direction).toBe('incoming');
    expect(state.details.incomingAt).toBe(at(0));
  });

  it('normalizes enum case: "Established" is established', () => {
    given(history(incoming()))
      .when(graphCommand(callNotification('Established'), at(1)))
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'incoming',
            state: 'established',
            rawState: 'Established',
            changedAt: at(1),
          },
        },
        { type: 'CallAnswered', data: { callId: CALL, state: 'established', answeredAt: at(1) } },
      ]);
  });

  it('records when the call was answered even from a stale or late notification', () => {
    const terminated = graphCommand(callNotification('terminated'), at(9));
    const state = given(history(incoming(), terminated))
      .when(established())
      .then([
        { type: 'CallAnswered', data: { callId: CALL, state: 'established', answeredAt: at(3) } },
      ]);
    expect(state.state).toBe('terminated');
    expect(state.answeredAt).toBe(at(3));
    // a later sighting of an answered state changes nothing
    given(history(incoming(), established()))
      .when(graphCommand(callNotification('hold'), at(5)))
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'established',
            state: 'hold',
            rawState: 'hold',
            changedAt: at(5),
          },
        },
      ]);
  });

  it('keeps an unknown state as given (unknownFutureValue) without ranking it', () => {
    const state = given(history(incoming(), established()))
      .when(graphCommand(callNotification('unknownFutureValue'), at(4)))
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'established',
            state: 'unknownFutureValue',
            rawState: 'unknownFutureValue',
            changedAt: at(4),
          },
        },
      ]);
    expect(state.stateRank).toBe(2);
    // The call can still go on from the unknown state, but not back below established.
    given(
      history(
        incoming(),
        established(),
        graphCommand(callNotification('unknownFutureValue'), at(4)),
      ),
    )
      .when(establishing(5))
      .thenOnlyReceipt();
  });

  it('moves laterally between states of the same rank (hold and back)', () => {
    const events = history(
      incoming(),
      established(),
      graphCommand(callNotification('hold'), at(4)),
    );
    given(events)
      .when(
        graphCommand(callNotification('established', { extra: { '@odata.etag': 'W/"6"' } }), at(5)),
      )
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'hold',
            state: 'established',
            rawState: 'established',
            changedAt: at(5),
          },
        },
      ]);
  });

  it('returns a call whose transfer failed to established, saying so', () => {
    const transferring = graphCommand(callNotification('transferring'), at(4));
    const backToEstablished = graphCommand(
      callNotification('established', {
        extra: { resultInfo: { code: '500', subCode: 7000, message: 'Transfer failed' } },
      }),
      at(9),
    );
    given(history(incoming(), established(), transferring))
      .when(backToEstablished)
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'transferring',
            state: 'established',
            rawState: 'established',
            changedAt: at(9),
            reason: 'transferFailed',
            resultInfo: {
              code: 500,
              subcode: 7000,
              message: 'Transfer failed',
              rawCode: '500',
              rawSubcode: 7000,
            },
          },
        },
      ]);
  });

  it('terminates a call on "terminated" and keeps the result', () => {
    const terminated = graphCommand(
      callNotification('terminated', {
        changeType: 'deleted',
        extra: { resultInfo: { code: 200, subcode: 5001, message: 'Call ended by peer' } },
      }),
      at(60),
    );
    const state = given(history(incoming(), established()))
      .when(terminated)
      .then([
        {
          type: 'CallTerminated',
          data: {
            callId: CALL,
            previousState: 'established',
            state: 'terminated',
            rawState: 'terminated',
            terminatedAt: at(60),
            resultInfo: {
              code: 200,
              subcode: 5001,
              message: 'Call ended by peer',
              rawCode: 200,
              rawSubcode: 5001,
            },
          },
        },
      ]);
    expect(toCallView(state)).toMatchObject({
      state: 'terminated',
      final: true,
      terminatedAt: at(60),
    });
  });

  it('terminates a call that Graph deletes without a state', () => {
    const deleted = graphCommand(
      {
        value: [
          {
            changeType: 'deleted',
            resourceUrl: '/communications/calls/57DAB8B1894C409AB240BD8BEAE78896',
          },
        ],
      },
      at(30),
    );
    given(history(incoming(), established()))
      .when(deleted)
      .then([
        {
          type: 'CallTerminated',
          data: {
            callId: CALL,
            previousState: 'established',
            state: 'terminated',
            terminatedAt: at(30),
          },
        },
      ]);
  });

  it('treats terminated as final: nothing after it reopens the call', () => {
    const terminated = graphCommand(
      callNotification('terminated', { changeType: 'deleted' }),
      at(60),
    );
    const events = history(incoming(), established(), terminated);
    for (const later of [
      graphCommand(callNotification('established', { extra: { n: 2 } }), at(61)),
      graphCommand(callNotification('incoming', { extra: { n: 3 } }), at(62)),
      graphCommand(callNotification('unknownFutureValue'), at(63)),
      graphCommand(callNotification('terminating'), at(64)),
    ]) {
      const state = given(events).when(later).thenTypes(['NotificationReceived']);
      expect(state.state).toBe('terminated');
    }
  });

  it('ranks terminating below terminated', () => {
    const terminated = graphCommand(callNotification('terminated'), at(60));
    const state = given(history(incoming(), established(), terminated))
      .when(graphCommand(callNotification('terminating'), at(59)))
      .thenOnlyReceipt();
    expect(state.state).toBe('terminated');
  });

  it('decides nothing for a duplicate notification', () => {
    given(history(incoming(), established())).when(established(10)).thenNothing();
  });

  it('records policy-based recording metadata from the incoming notification (old /app/calls resource kept)', () => {
    const command = graphCommand(fixture('graph/policy-recording-incoming.json'), at(0));
    const state = given()
      .when(command)
      .thenTypes([
        'NotificationReceived',
        'CallDetailsRecorded',
        'CallStateChanged',
        'PolicyRecordingMetadataRecorded',
      ]);
    expect(state.callId).toBe('e71f0300-9c1f-4d99-b5f4-2722e877d497');
    expect(state.policyRecording).toEqual({
      policyIdentifier: 'Test Policy',
      inviteReasons: ['PolicyBasedRecording'],
      sourceParticipantId: '30fad2ce-8989-41a1-8a66-f6636e629a2a',
      observedParticipantId: '30fad2ce-8989-41a1-8a66-f6636e629a2a',
      mediaHostedRegion: 'USEA',
      user: { participationMethod: 'callee', clientLocation: 'US' },
      otherSideUser: {
        id: '971f0300-9c1f-4d99-b5f4-2722e877d490',
        participantId: '3520a1a5-5394-4a41-aa72-9ee6fa18cfc8',
        tenantId: '1540a1a5-2394-4a41-aa72-9ee6fa18cfc8',
        participationMethod: 'caller',
        clientLocation: 'EUNO',
      },
      pairedRecorders: [
        {
          id: '471f0300-5c1f-4d99-b5f4-2722e877d490',
          participantId: '371f0300-2c1f-4d99-b5f4-2722e877d490',
        },
      ],
      otherRecorders: [
        {
          id: '671f0300-9c1f-4d99-b5f4-2722e877d490',
          participantId: 'a71f0300-ec1f-4d99-b5f4-2722e877d490',
        },
      ],
    });
    expect(state.details).toMatchObject({
      tenantId: '932899f8-2ea1-4604-8413-27bd2892079f',
      callChainId: '05f2f70f-3a9c-47c1-80a9-cc79e91d8cec',
      myParticipantId: '1520a1a5-5394-4a41-aa72-9ee6fa18cfc8',
    });
  });

  it('files a call whose URL spells the id without dashes under the canonical id, keeping the raw one', () => {
    const state = given()
      .when(incoming())
      .thenTypes(['NotificationReceived', 'CallDetailsRecorded', 'CallStateChanged']);
    expect(state.callId).toBe(CALL);
    expect(state.rawCallIds).toEqual(['57DAB8B1894C409AB240BD8BEAE78896']);
  });

  it('files a notification that only has the deprecated "resource": "/app/calls/…" under its call', () => {
    const old = graphCommand(
      {
        value: [
          {
            changeType: 'updated',
            resource: '/app/calls/57DAB8B1894C409AB240BD8BEAE78896',
            resourceData: { state: 'Established' },
          },
        ],
      },
      at(3),
    );
    given(history(incoming()))
      .when(old)
      .then([
        {
          type: 'CallStateChanged',
          data: {
            callId: CALL,
            previousState: 'incoming',
            state: 'established',
            rawState: 'Established',
            changedAt: at(3),
          },
        },
        { type: 'CallAnswered', data: { callId: CALL, state: 'established', answeredAt: at(3) } },
      ]);
  });
});
