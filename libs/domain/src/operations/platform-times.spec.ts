import { foldCall } from '../decider/evolve';
import { history } from '../testing/decider-spec';
import { fixture } from '../testing/fixtures';
import { acsCommands, at, botCommand } from '../testing/inputs';
import { toOperationViews } from '../views/operation-view';

type Events = Array<Record<string, unknown>>;
const CALL = '401f3500-62bd-46a9-8c09-9e1b06caca01';
const [connected, welcomeStarted, welcomeCompleted] = fixture(
  'acs/play-call-timeline.json',
) as Events;
const welcome = (events: ReturnType<typeof history>) =>
  toOperationViews(foldCall(events)).find((o) => o.operationContext === 'welcome-prompt');

describe('operation times from the platform', () => {
  it('dates a play by its events’ own times, not by one batched POST, keeping the receipt beside', () => {
    // All three events in one POST: received in the same millisecond, dated 4 s apart.
    const events = history(...acsCommands([connected, welcomeStarted, welcomeCompleted], at(30)));
    expect(welcome(events)).toMatchObject({
      startedAt: '2022-08-12T03:35:08.025Z',
      startedAtSource: 'platform',
      startedReceivedAt: at(30),
      completedAt: '2022-08-12T03:35:12.025Z',
      completedAtSource: 'platform',
      completedReceivedAt: at(30),
      durationMs: 4000,
      firstSeenAt: at(30),
    });
  });

  it('keeps the platform’s start over the bot’s receipt, whichever came first', () => {
    const report = () =>
      botCommand(CALL, { status: 'running', operationContext: 'welcome-prompt' }, at(1), 'play');
    const platformFirst = history(...acsCommands([welcomeStarted], at(2)), report());
    const reportFirst = history(report(), ...acsCommands([welcomeStarted], at(2)));
    for (const events of [platformFirst, reportFirst]) {
      expect(welcome(events)).toMatchObject({
        startedAt: '2022-08-12T03:35:08.025Z',
        startedAtSource: 'platform',
        startedReceivedAt: at(2),
      });
    }
  });

  it('measures by receive times when only one end has the platform’s time', () => {
    const events = history(
      botCommand(CALL, { status: 'running', operationContext: 'welcome-prompt' }, at(1), 'play'),
      ...acsCommands([welcomeCompleted], at(7)),
    );
    expect(welcome(events)).toMatchObject({
      startedAt: at(1),
      startedAtSource: 'received',
      completedAtSource: 'platform',
      durationMs: 6000,
    });
  });
});
