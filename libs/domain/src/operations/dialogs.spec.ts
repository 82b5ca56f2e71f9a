import { foldCall } from '../decider/evolve';
import { given, history } from '../testing/decider-spec';
import { fixture } from '../testing/fixtures';
import { acsCommand, at, botCommand } from '../testing/inputs';
import { toOperationViews } from '../views/operation-view';

type Events = Array<Record<string, unknown>>;
const CALL = '441fbf00-5b21-4beb-bd4d-fd665ca4b65f';
const DIALOG = '92e08834-b6ee-4ede-8956-9fefa27a691c';
const [started, completed] = fixture('acs/dialog-started-completed.json') as Events;
const [languageChange] = fixture('acs/dialog-language-change.json') as Events;
const failed = { ...completed, id: 'failed-1', type: 'Microsoft.Communication.DialogFailed' };

describe('ACS dialogs: one operation per dialogId', () => {
  it('starts, updates and completes one dialog operation, found by its dialogId', () => {
    const state = foldCall(
      history(
        acsCommand([started], at(0)),
        acsCommand([languageChange], at(1)),
        acsCommand([completed], at(2)),
      ),
    );
    const views = toOperationViews(state);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      type: 'dialog',
      status: 'completed',
      outcome: 'completed',
      rawOperationIds: [DIALOG],
      operationContext: 'context',
      callId: CALL,
    });
  });

  it('takes a language change for news about a running dialog, not a new one', () => {
    given(history(acsCommand([started], at(0))))
      .when(acsCommand([languageChange], at(1)))
      .thenOnlyReceipt();
  });

  it('fails the dialog on DialogFailed', () => {
    given(history(acsCommand([started], at(0))))
      .when(acsCommand([failed], at(1)))
      .thenTypes(['NotificationReceived', 'OperationFailed']);
  });

  it('ties the bot’s startDialog report to the dialog’s events by dialogId', () => {
    const state = foldCall(
      history(
        botCommand(
          CALL,
          { status: 'running', dialogId: DIALOG.toUpperCase() },
          at(0),
          'startDialog',
        ),
        acsCommand([completed], at(3)),
      ),
    );
    expect(toOperationViews(state).map((o) => [o.type, o.status, o.startedAt])).toEqual([
      ['dialog', 'completed', at(0)],
    ]);
  });
});
