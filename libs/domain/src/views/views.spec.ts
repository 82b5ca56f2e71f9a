import { checkDeadlines } from '../commands/build-commands';
import { callStateFromJson } from '../state/call-state';
import { foldCall } from '../decider/evolve';
import { fixture } from '../testing/fixtures';
import { history } from '../testing/decider-spec';
import { at, botCommand, CALL, graphCommand, participant, roster } from '../testing/inputs';
import { toCallView } from './call-view';
import { findOperation, toOperationView, toOperationViews } from './operation-view';

const callHistory = () =>
  history(
    graphCommand(fixture('graph/answer-incoming.json'), at(0)),
    graphCommand(fixture('graph/answer-established.json'), at(2)),
    graphCommand(
      roster([participant('a', { isMuted: true }), participant('b', { isOnHold: true })]),
      at(3),
    ),
    botCommand(CALL, fixture('graph/recordresponse-response.json'), at(4)),
    graphCommand(fixture('graph/recordresponse-completed.json'), at(9)),
  );

describe('views', () => {
  it('gives the call as plain JSON: what is serialised is what is read back', () => {
    const state = foldCall(callHistory());
    const view = toCallView(state);
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
    // A state is JSON but for its notification keys, which callStateFromJson reads back.
    expect(callStateFromJson(JSON.parse(JSON.stringify(state)))).toStrictEqual(state);
    expect(view).toEqual({
      callId: CALL,
      rawCallIds: ['57DAB8B1894C409AB240BD8BEAE78896', CALL],
      streamName: `call-${CALL}`,
      source: 'graph',
      state: 'established',
      rawState: 'established',
      final: false,
      direction: 'incoming',
      details: expect.objectContaining({ direction: 'incoming', incomingAt: at(0) }),
      participants: [
        expect.objectContaining({
          participantId: 'a',
          present: true,
          isMuted: true,
          joinedAt: at(3),
        }),
        expect.objectContaining({ participantId: 'b', present: true, isOnHold: true }),
      ],
      onHoldParticipantId: 'b',
      contentSharingSessions: [],
      recording: {
        files: [
          {
            operationId: '0fe0623f-d628-42ed-b4bd-8ac290072cc5',
            location: 'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
            hasAccessToken: true,
            availableAt: at(9),
          },
        ],
        callRecording: null,
      },
      policyRecording: null,
      marks: { missedAt: null, staleAt: null, missed: false },
      operationIds: ['0fe0623f-d628-42ed-b4bd-8ac290072cc5'],
      createdAt: at(0),
      updatedAt: at(9),
      lastActivityAt: at(9),
      stateChangedAt: at(2),
      answeredAt: at(2),
      terminatedAt: null,
      terminationResult: null,
      version: callHistory().length,
    });
  });

  it('gives an operation as plain JSON, without the recording token', () => {
    const state = foldCall(callHistory());
    const view = toOperationView(
      findOperation(state, '0FE0623FD62842EDB4BD8AC290072CC5')!,
      state.callId,
    );
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
    expect(view).toEqual({
      operationId: '0fe0623f-d628-42ed-b4bd-8ac290072cc5',
      rawOperationIds: ['0FE0623FD62842EDB4BD8AC290072CC5', '0fe0623f-d628-42ed-b4bd-8ac290072cc5'],
      operationIdSource: 'platform',
      callId: CALL,
      platform: 'graph',
      type: 'recordResponse',
      rawType: '#microsoft.graph.recordOperation',
      status: 'completed',
      finished: true,
      outcome: 'completed',
      completionReason: 'stopToneDetected',
      resultInfo: null,
      clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
      operationContext: null,
      participantId: null,
      firstSeenAt: at(4),
      startedAt: at(4),
      startedAtSource: 'received',
      startedReceivedAt: at(4),
      completedAt: at(9),
      completedAtSource: 'received',
      completedReceivedAt: at(9),
      durationMs: 5000,
      recording: {
        location: 'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
        hasAccessToken: true,
        availableAt: at(9),
      },
      staleMarkedAt: null,
      typeConflicts: [],
      updatedAt: at(9),
    });
    const everything = JSON.stringify([
      callHistory(),
      state,
      toCallView(state),
      toOperationViews(state),
    ]);
    expect(everything).not.toContain('<access-token>');
  });

  it('shows the marks a deadline check put on the call', () => {
    const events = history(
      graphCommand(fixture('graph/answer-incoming.json'), at(0)),
      checkDeadlines(at(20)),
    );
    expect(toCallView(foldCall(events)).marks).toEqual({
      missedAt: at(20),
      staleAt: null,
      missed: true,
    });
  });

  it('has a view for an empty stream', () => {
    expect(toCallView(foldCall([]))).toMatchObject({
      callId: '',
      state: null,
      version: 0,
      participants: [],
    });
  });
});
