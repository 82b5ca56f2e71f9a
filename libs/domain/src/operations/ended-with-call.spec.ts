import { factsOf, given, history } from '../testing/decider-spec';
import { fixture } from '../testing/fixtures';
import { acsCommand, at, botCommand } from '../testing/inputs';
import { toOperationViews } from '../views/operation-view';
import { deriveAcsOperationId } from './acs-operation-id';

type Events = Array<Record<string, unknown>>;
const CALL = '401f3500-62bd-46a9-8c09-9e1b06caca01';
const [connected, welcomeStarted, welcomeCompleted, menuStarted, disconnected] = fixture(
  'acs/play-call-timeline.json',
) as Events;
const MENU = deriveAcsOperationId(CALL, 'play', 'menu-prompt');
const WELCOME = deriveAcsOperationId(CALL, 'play', 'welcome-prompt');
const menuCompleted = {
  ...welcomeCompleted,
  id: 'menu-completed',
  data: { ...(welcomeCompleted.data as object), operationContext: 'menu-prompt' },
};
const menuFailed = {
  ...menuCompleted,
  id: 'menu-failed',
  type: 'Microsoft.Communication.PlayFailed',
  data: {
    ...(menuCompleted.data as object),
    resultInformation: { code: 500, subCode: 8572, message: 'Action failed' },
  },
};

const callSoFar = () =>
  history(
    acsCommand([connected], at(0)),
    acsCommand([welcomeStarted], at(1)),
    acsCommand([welcomeCompleted], at(5)),
    acsCommand([menuStarted], at(6)),
  );

describe('operations end with their call', () => {
  it('ends every operation in flight when the call ends, with outcome callEnded', () => {
    given(callSoFar())
      .when(acsCommand([disconnected], at(9)))
      .then([
        {
          type: 'CallTerminated',
          data: {
            callId: CALL,
            previousState: 'connected',
            state: 'disconnected',
            rawState: 'CallDisconnected',
            terminatedAt: at(9),
          },
        },
        {
          type: 'OperationEndedWithCall',
          data: {
            callId: CALL,
            operationId: MENU,
            operationType: 'play',
            previousStatus: 'running',
            callState: 'disconnected',
            endedAt: at(9),
          },
        },
      ]);
  });

  it('tells callEnded apart from a failure, and leaves finished operations as they were', () => {
    const views = toOperationViews(
      given(callSoFar()).when(acsCommand([disconnected], at(9))).state,
    );
    expect(views.find((o) => o.operationId === MENU)).toMatchObject({
      status: 'callEnded',
      finished: true,
      outcome: 'callEnded',
      completedAt: at(9),
      resultInfo: null,
    });
    expect(views.find((o) => o.operationId === WELCOME)).toMatchObject({
      status: 'completed',
      outcome: 'completed',
      completedAt: '2022-08-12T03:35:12.025Z',
      completedReceivedAt: at(5),
    });
  });

  it('still records a completion the platform sends later, and lets it win', () => {
    const ended = [
      ...callSoFar(),
      ...given(callSoFar()).when(acsCommand([disconnected], at(9))).decided,
    ];
    const state = given(ended)
      .when(acsCommand([menuCompleted], at(12)))
      .thenTypes(['NotificationReceived', 'OperationCompleted']);
    expect(toOperationViews(state).find((o) => o.operationId === MENU)).toMatchObject({
      status: 'completed',
      outcome: 'completed',
      completedAt: '2022-08-12T03:35:12.025Z',
      completedAtSource: 'platform',
      completedReceivedAt: at(12),
    });
    const failed = given(ended).when(acsCommand([menuFailed], at(12))).state;
    expect(toOperationViews(failed).find((o) => o.operationId === MENU)).toMatchObject({
      status: 'failed',
      outcome: 'failed',
      resultInfo: { code: 500, subcode: 8572 },
    });
  });

  it('ends at once, at the call’s end, an operation first reported after the call ended', () => {
    const ended = history(acsCommand([connected], at(0)), acsCommand([disconnected], at(9)));
    const late = given(ended).when(
      botCommand(CALL, { status: 'running', operationContext: 'menu-prompt' }, at(11), 'playAudio'),
    );
    expect(factsOf(late.decided).map((e) => e.type)).toEqual([
      'OperationStarted',
      'OperationEndedWithCall',
    ]);
    expect(toOperationViews(late.state)[0]).toMatchObject({
      outcome: 'callEnded',
      completedAt: at(9),
    });
  });
});
