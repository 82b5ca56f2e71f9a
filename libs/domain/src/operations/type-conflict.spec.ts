import { foldCall } from '../decider/evolve';
import { given, history } from '../testing/decider-spec';
import { fixture } from '../testing/fixtures';
import { at, botCommand, CALL, graphCommand, OPERATION } from '../testing/inputs';
import { toOperationViews } from '../views/operation-view';

// The seed documents give one operation id to a playPrompt and to a recordResponse.
const playPromptResponse = () => botCommand(CALL, fixture('graph/playprompt-response.json'), at(1));
const recordCompleted = () => graphCommand(fixture('graph/recordresponse-completed.json'), at(9));

describe('one id, two types', () => {
  it('keeps the first type and records the other one, raw type included, once', () => {
    given(history(playPromptResponse()))
      .when(recordCompleted())
      .then([
        {
          type: 'OperationTypeConflictSeen',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: '0FE0623FD62842EDB4BD8AC290072CC5',
            operationType: 'playPrompt',
            conflictingType: 'recordResponse',
            conflictingRawType: '#microsoft.graph.recordOperation',
            seenAt: at(9),
          },
        },
        expect.objectContaining({ type: 'OperationCompleted' }),
        expect.objectContaining({ type: 'RecordingLocationAvailable' }),
      ]);
    const events = history(playPromptResponse(), recordCompleted());
    const [view] = toOperationViews(foldCall(events));
    expect(view).toMatchObject({
      type: 'playPrompt',
      rawType: '#microsoft.graph.playPromptOperation',
      typeConflicts: [{ type: 'recordResponse', rawType: '#microsoft.graph.recordOperation' }],
    });
  });

  it('does not repeat a conflict already recorded, nor see one in an untyped fact', () => {
    const events = history(playPromptResponse(), recordCompleted());
    given(events)
      .when(
        botCommand(
          CALL,
          {
            '@odata.type': '#microsoft.graph.recordOperation',
            id: OPERATION,
            status: 'running',
            clientContext: 'again',
          },
          at(12),
        ),
      )
      .thenTypes(['NotificationReceived']);
    given(history(playPromptResponse()))
      .when(botCommand(CALL, { id: OPERATION, status: 'running', clientContext: 'x' }, at(2)))
      .thenOnlyReceipt();
  });
});
