import { fixture } from '../testing/fixtures';
import { given, history } from '../testing/decider-spec';
import { at, graphCommand } from '../testing/inputs';
import { toCallView } from '../views/call-view';

const CALL = '421f4c00-4436-4c3a-9d9a-c4924cf98e67';
const SESSION = '2765eb15-01f8-47c6-b12b-c32111a4a86f';
const started = (t: number) => graphCommand(fixture('graph/contentsharing-started.json'), at(t));
const ended = (t: number) => graphCommand(fixture('graph/contentsharing-ended.json'), at(t));

describe('content sharing', () => {
  it('starts and ends a session', () => {
    given()
      .when(started(1))
      .then([
        {
          type: 'ContentSharingStarted',
          data: { callId: CALL, sessionId: SESSION, rawSessionId: SESSION, startedAt: at(1) },
        },
      ]);
    const state = given(history(started(1)))
      .when(ended(9))
      .then([
        {
          type: 'ContentSharingEnded',
          data: { callId: CALL, sessionId: SESSION, rawSessionId: SESSION, endedAt: at(9) },
        },
      ]);
    expect(toCallView(state).contentSharingSessions).toEqual([
      {
        sessionId: SESSION,
        rawSessionIds: [SESSION],
        active: false,
        startedAt: at(1),
        endedAt: at(9),
      },
    ]);
  });

  it('does not reopen a session whose start is learnt after its end', () => {
    const state = given(history(ended(9)))
      .when(started(1))
      .thenTypes(['NotificationReceived', 'ContentSharingStarted']);
    expect(toCallView(state).contentSharingSessions).toEqual([
      {
        sessionId: SESSION,
        rawSessionIds: [SESSION],
        active: false,
        startedAt: at(1),
        endedAt: at(9),
      },
    ]);
  });
});
