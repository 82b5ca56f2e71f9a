import { checkDeadlines } from '../commands/build-commands';
import { decide } from '../decider/decide';
import { evolveAll } from '../decider/evolve';
import { eventIdFor } from '../keys/event-id';
import { deadlineKey } from '../keys/notification-key';
import { fixture } from '../testing/fixtures';
import { given, history } from '../testing/decider-spec';
import { at, botCommand, CALL, callNotification, graphCommand, OPERATION } from '../testing/inputs';
import { toCallView } from '../views/call-view';
import { findOperation } from '../views/operation-view';
import { DEFAULT_DEADLINE_BOUNDS, deadlineBounds } from './deadline-bounds';
import { nextDeadline } from './pending-deadlines';

const incoming = () => graphCommand(fixture('graph/answer-incoming.json'), at(0));
const established = (t: number) => graphCommand(fixture('graph/answer-established.json'), at(t));
const pbrIncoming = () => graphCommand(fixture('graph/policy-recording-incoming.json'), at(0));
const PBR_CALL = 'e71f0300-9c1f-4d99-b5f4-2722e877d497';
const recordResponse = (t: number) =>
  botCommand(CALL, fixture('graph/recordresponse-response.json'), at(t));

describe('deadlines', () => {
  it('marks a call still incoming 15 s after it rang as missed, and only then', () => {
    given(history(incoming()))
      .when(checkDeadlines(at(14.999)))
      .thenNothing();
    const state = given(history(incoming()))
      .when(checkDeadlines(at(15)))
      .then([
        {
          type: 'CallMarkedMissed',
          data: {
            callId: CALL,
            incomingAt: at(0),
            answerTimeoutMs: 15_000,
            policyRecording: false,
            deadline: at(15),
            markedAt: at(15),
          },
        },
      ]);
    expect(toCallView(state).marks).toEqual({ missedAt: at(15), staleAt: null, missed: true });
    expect(toCallView(state).answeredAt).toBeNull();
  });

  it('keeps missedAt as history when a missed call is answered later, but it no longer stands missed', () => {
    const events = history(incoming(), checkDeadlines(at(15)), established(20));
    const view = toCallView(evolveAll(events));
    expect(view.state).toBe('established');
    expect(view.marks).toEqual({ missedAt: at(15), staleAt: null, missed: false });
    expect(view.answeredAt).toBe(at(20));
  });

  it('a missed call that ends without an answer stays missed', () => {
    const hangUp = fixture('graph/answer-established.json') as {
      value: Array<{ resourceData: { state: string } }>;
    };
    hangUp.value[0].resourceData.state = 'terminated';
    const events = history(incoming(), checkDeadlines(at(15)), graphCommand(hangUp, at(30)));
    const view = toCallView(evolveAll(events));
    expect(view).toMatchObject({ state: 'terminated', final: true, answeredAt: null });
    expect(view.marks).toEqual({ missedAt: at(15), staleAt: null, missed: true });
  });

  it('gives a policy-based recording call 5 s', () => {
    given(history(pbrIncoming()))
      .when(checkDeadlines(at(4)))
      .thenNothing();
    given(history(pbrIncoming()))
      .when(checkDeadlines(at(5)))
      .then([
        {
          type: 'CallMarkedMissed',
          data: {
            callId: PBR_CALL,
            incomingAt: at(0),
            answerTimeoutMs: 5_000,
            policyRecording: true,
            deadline: at(5),
            markedAt: at(5),
          },
        },
      ]);
  });

  it('does not mark an answered call missed', () => {
    given(history(incoming(), established(3)))
      .when(checkDeadlines(at(60)))
      .thenNothing();
  });

  it('marks a recordResponse running past 150 s stale', () => {
    const events = history(incoming(), established(1), recordResponse(10));
    given(events)
      .when(checkDeadlines(at(159)))
      .thenNothing();
    const state = given(events)
      .when(checkDeadlines(at(160)))
      .then([
        {
          type: 'OperationMarkedStale',
          data: {
            callId: CALL,
            operationId: OPERATION,
            operationType: 'recordResponse',
            status: 'running',
            since: at(10),
            boundMs: 150_000,
            deadline: at(160),
            markedAt: at(160),
          },
        },
      ]);
    expect(findOperation(state, OPERATION)?.staleMarkedAt).toBe(at(160));
  });

  it('takes the per-type bounds from the command', () => {
    const bounds = deadlineBounds({ operationTimeoutsMs: { recordResponse: 30_000 } });
    expect(bounds.operationTimeoutsMs.playPrompt).toBe(
      DEFAULT_DEADLINE_BOUNDS.operationTimeoutsMs.playPrompt,
    );
    given(history(incoming(), established(1), recordResponse(10)))
      .when(checkDeadlines(at(40), bounds))
      .thenTypes(['OperationMarkedStale']);
  });

  it('does not mark a finished operation stale', () => {
    const completed = graphCommand(fixture('graph/recordresponse-completed.json'), at(20));
    given(history(incoming(), established(1), recordResponse(10), completed))
      .when(checkDeadlines(at(1000)))
      .thenNothing();
  });

  it('marks a call silent for more than 45 minutes stale, unless it ended', () => {
    const events = history(incoming(), established(1));
    given(events)
      .when(checkDeadlines(at(1 + 45 * 60 - 1)))
      .thenNothing();
    given(events)
      .when(checkDeadlines(at(1 + 45 * 60)))
      .then([
        {
          type: 'CallMarkedStale',
          data: {
            callId: CALL,
            state: 'established',
            lastActivityAt: at(1),
            keepAliveMs: 2_700_000,
            deadline: at(2701),
            markedAt: at(2701),
          },
        },
      ]);
    const terminated = graphCommand(callNotification('terminated'), at(5));
    given(history(incoming(), established(1), terminated))
      .when(checkDeadlines(at(99_999)))
      .thenNothing();
  });

  it('decides each mark once: a second check decides nothing new', () => {
    const events = history(incoming(), recordResponse(1));
    const first = given(events).when(checkDeadlines(at(10_000)));
    first.thenTypes(['CallMarkedMissed', 'OperationMarkedStale', 'CallMarkedStale']);
    given([...events, ...first.decided])
      .when(checkDeadlines(at(20_000)))
      .thenNothing();
  });

  it('gives a mark an id derived from what it marks, whoever decides it and when', () => {
    const state = evolveAll(history(incoming()));
    const [early] = decide(checkDeadlines(at(15)), state);
    const [late] = decide(checkDeadlines(at(99)), state);
    expect(early.metadata.eventId).toBe(late.metadata.eventId);
    expect(early.metadata.eventId).toBe(eventIdFor(deadlineKey(CALL, 'callMissed'), 0));
  });

  it('tells a scheduler when the next check is due', () => {
    const bounds = DEFAULT_DEADLINE_BOUNDS;
    expect(nextDeadline(evolveAll([]), bounds)).toBeUndefined();
    expect(nextDeadline(evolveAll(history(incoming())), bounds)).toBe(at(15));
    expect(nextDeadline(evolveAll(history(pbrIncoming())), bounds)).toBe(at(5));
    expect(
      nextDeadline(evolveAll(history(incoming(), established(1), recordResponse(10))), bounds),
    ).toBe(at(160));
    expect(nextDeadline(evolveAll(history(incoming(), established(1))), bounds)).toBe(at(2701));
    const ended = history(
      incoming(),
      established(1),
      graphCommand(callNotification('terminated'), at(5)),
    );
    expect(nextDeadline(evolveAll(ended), bounds)).toBeUndefined();
    const marked = history(incoming());
    const state = evolveAll(marked);
    const afterMarks = evolveAll(decide(checkDeadlines(at(10_000)), state), state);
    expect(nextDeadline(afterMarks, bounds)).toBeUndefined();
  });
});
