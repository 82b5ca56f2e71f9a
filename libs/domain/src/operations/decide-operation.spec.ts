import { fixture, fixtureCopy } from '../testing/fixtures';
import { factsOf, given, history } from '../testing/decider-spec';
import {
  at,
  botCommand,
  CALL,
  graphCommand,
  operationNotification,
  OPERATION,
  OPERATION_IN_URL,
} from '../testing/inputs';
import { findOperation, toOperationView } from '../views/operation-view';

const CONTEXT = 'd45324c1-fcb5-430a-902c-f20af696537c';
const playResponse = (t: number) =>
  botCommand(CALL, fixture('graph/playprompt-response.json'), at(t));
const playCompleted = (t: number) =>
  graphCommand(fixture('graph/playprompt-completed.json'), at(t));

describe('operations', () => {
  it("starts an operation from the bot's response: running, with its start time and client context", () => {
    given()
      .when(playResponse(1))
      .then([
        {
          type: 'OperationStarted',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION,
            operationIdSource: 'platform',
            platform: 'graph',
            operationType: 'playPrompt',
            rawOperationType: '#microsoft.graph.playPromptOperation',
            clientContext: CONTEXT,
            status: 'running',
            startedAt: at(1),
            startedAtSource: 'received',
            startedReceivedAt: at(1),
            firstSeenAt: at(1),
          },
        },
      ]);
  });

  it('completes it on the deleted notification, whose URL spells the ids without dashes', () => {
    const state = given(history(playResponse(1)))
      .when(playCompleted(4))
      .then([
        {
          type: 'OperationCompleted',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION_IN_URL,
            operationIdSource: 'platform',
            platform: 'graph',
            operationType: 'playPrompt',
            rawOperationType: '#microsoft.graph.playPromptOperation',
            clientContext: CONTEXT,
            status: 'completed',
            resultInfo: {
              code: 200,
              subcode: 0,
              message: 'Action completed successfully.',
              rawCode: 200,
              rawSubcode: 0,
            },
            startedAt: at(1),
            startedAtSource: 'received',
            startedReceivedAt: at(1),
            completedAt: at(4),
            completedAtSource: 'received',
            completedReceivedAt: at(4),
            durationMs: 3000,
          },
        },
      ]);
    expect(Object.keys(state.operations)).toEqual([OPERATION]);
    expect(findOperation(state, OPERATION_IN_URL)).toBe(findOperation(state, OPERATION));
    expect(toOperationView(findOperation(state, OPERATION)!, CALL)).toMatchObject({
      rawOperationIds: [OPERATION_IN_URL, OPERATION],
      status: 'completed',
      finished: true,
      outcome: 'completed',
      startedAt: at(1),
      startedAtSource: 'received',
      startedReceivedAt: at(1),
      completedAt: at(4),
      completedAtSource: 'received',
      completedReceivedAt: at(4),
      durationMs: 3000,
    });
  });

  it('keeps a completion that arrives before the response; the response only fills in the start', () => {
    const state = given(history(playCompleted(4)))
      .when(playResponse(1))
      .then([
        {
          type: 'OperationDetailsRecorded',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION,
            startedAt: at(1),
            startedAtSource: 'received',
            startedReceivedAt: at(1),
            firstSeenAt: at(1),
            recordedAt: at(1),
          },
        },
      ]);
    expect(toOperationView(findOperation(state, OPERATION)!, CALL)).toMatchObject({
      status: 'completed',
      finished: true,
      clientContext: CONTEXT,
      startedAt: at(1),
      startedAtSource: 'received',
      startedReceivedAt: at(1),
      completedAt: at(4),
      completedAtSource: 'received',
      completedReceivedAt: at(4),
      durationMs: 3000,
    });
  });

  it('fills in the client context and type from a late response when the completion lacked them', () => {
    const bareCompletion = graphCommand(operationNotification({ status: 'completed' }), at(4));
    const state = given(history(bareCompletion))
      .when(playResponse(5))
      .then([
        {
          type: 'OperationDetailsRecorded',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION,
            operationType: 'playPrompt',
            rawOperationType: '#microsoft.graph.playPromptOperation',
            clientContext: CONTEXT,
            startedAt: at(5),
            startedAtSource: 'received',
            startedReceivedAt: at(5),
            recordedAt: at(5),
          },
        },
      ]);
    expect(findOperation(state, OPERATION)).toMatchObject({
      operationType: 'playPrompt',
      status: 'completed',
    });
  });

  it('never reopens a finished operation on a late "running" notification', () => {
    const running = graphCommand(
      operationNotification(
        {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          status: 'Running',
          clientContext: CONTEXT,
        },
        { changeType: 'updated' },
      ),
      at(2),
    );
    const state = given(history(playResponse(1), playCompleted(4)))
      .when(running)
      .thenOnlyReceipt();
    expect(findOperation(state, OPERATION)?.status).toBe('completed');
  });

  it('normalizes "Running" and moves notStarted → running forward only', () => {
    const notStarted = graphCommand(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'NotStarted' },
        { changeType: 'created' },
      ),
      at(1),
    );
    const running = graphCommand(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'Running' },
        { changeType: 'updated' },
      ),
      at(2),
    );
    given(history(notStarted))
      .when(running)
      .then([
        {
          type: 'OperationStatusChanged',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION_IN_URL,
            previousStatus: 'notStarted',
            status: 'running',
            startedAt: at(2),
            startedAtSource: 'received',
            startedReceivedAt: at(2),
            changedAt: at(2),
          },
        },
      ]);
    const state = given(history(running))
      .when(notStarted)
      .then([
        {
          type: 'OperationDetailsRecorded',
          data: { callId: CALL, operationId: OPERATION, firstSeenAt: at(1), recordedAt: at(1) },
        },
      ]);
    expect(findOperation(state, OPERATION)?.status).toBe('running');
  });

  it('fails an operation, with a string result code normalized and subCode accepted', () => {
    const failed = graphCommand(
      operationNotification({
        '@odata.type': '#microsoft.graph.playPromptOperation',
        status: 'Failed',
        clientContext: CONTEXT,
        resultInfo: { code: '404', subCode: '8522', message: 'Media not found' },
      }),
      at(3),
    );
    const [fact] = factsOf(given(history(playResponse(1))).when(failed).decided);
    expect(fact).toEqual({
      type: 'OperationFailed',
      data: expect.objectContaining({
        status: 'failed',
        resultInfo: {
          code: 404,
          subcode: 8522,
          message: 'Media not found',
          rawCode: '404',
          rawSubcode: '8522',
        },
        completedAt: at(3),
        completedAtSource: 'received',
        completedReceivedAt: at(3),
        durationMs: 2000,
      }),
    });
  });

  it('keeps an unknown status on a deletion, classed by its result code', () => {
    const deleted = graphCommand(
      operationNotification({
        '@odata.type': '#microsoft.graph.playPromptOperation',
        status: 'unknownFutureValue',
        resultInfo: { code: 500, subcode: 9001, message: 'Internal' },
      }),
      at(3),
    );
    const state = given(history(playResponse(1)))
      .when(deleted)
      .thenTypes(['NotificationReceived', 'OperationFailed']);
    expect(toOperationView(findOperation(state, OPERATION)!, CALL)).toMatchObject({
      status: 'unknownFutureValue',
      outcome: 'failed',
      finished: true,
    });
  });

  it('keeps an unknown operation type under its own name', () => {
    const state = given()
      .when(
        graphCommand(
          operationNotification(
            { '@odata.type': '#microsoft.graph.startTranscriptionOperation', status: 'running' },
            { changeType: 'created' },
          ),
          at(1),
        ),
      )
      .thenTypes(['NotificationReceived', 'OperationStarted']);
    expect(findOperation(state, OPERATION)?.operationType).toBe('startTranscription');
  });

  it('decides nothing for a redelivered completion', () => {
    given(history(playResponse(1), playCompleted(4)))
      .when(playCompleted(9))
      .thenNothing();
  });

  it('completes startHoldMusic when its URL lacks the leading slash', () => {
    const holdCall = 'e141b67c-90fd-455d-858b-b48a40b9cc8d';
    const response = botCommand(holdCall, fixture('graph/startholdmusic-response.json'), at(1));
    const completed = graphCommand(fixture('graph/startholdmusic-completed.json'), at(2));
    const state = given(history(response))
      .when(completed)
      .thenTypes(['NotificationReceived', 'OperationCompleted']);
    expect(state.callId).toBe(holdCall);
    expect(findOperation(state, OPERATION)).toMatchObject({
      operationType: 'startHoldMusic',
      status: 'completed',
      startedAt: at(1),
      startedAtSource: 'received',
      startedReceivedAt: at(1),
      completedAt: at(2),
      completedAtSource: 'received',
      completedReceivedAt: at(2),
    });
  });

  describe('recordResponse', () => {
    const recordResponse = (t: number) =>
      botCommand(CALL, fixture('graph/recordresponse-response.json'), at(t));
    const recordCompleted = (t: number) =>
      graphCommand(fixture('graph/recordresponse-completed.json'), at(t));

    it('records the location of the recording and that a token was given, never the token', () => {
      const when = given(history(recordResponse(1))).when(recordCompleted(8));
      when.then([
        {
          type: 'OperationCompleted',
          data: {
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION_IN_URL,
            operationIdSource: 'platform',
            platform: 'graph',
            operationType: 'recordResponse',
            rawOperationType: '#microsoft.graph.recordOperation',
            clientContext: CONTEXT,
            status: 'completed',
            completionReason: 'stopToneDetected',
            startedAt: at(1),
            startedAtSource: 'received',
            startedReceivedAt: at(1),
            completedAt: at(8),
            completedAtSource: 'received',
            completedReceivedAt: at(8),
            durationMs: 7000,
          },
        },
        {
          type: 'RecordingLocationAvailable',
          data: {
            callId: CALL,
            operationId: OPERATION,
            location: 'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
            hasAccessToken: true,
            availableAt: at(8),
          },
        },
      ]);
      const [received] = when.decided;
      expect(received.type).toBe('NotificationReceived');
      expect(received.data).toMatchObject({
        redactedPaths: ['/resourceData/recordingAccessToken'],
      });
      expect(JSON.stringify(when.decided)).not.toContain('<access-token>');
      expect(JSON.stringify(when.state)).not.toContain('<access-token>');
    });

    it('accepts the recordResourceLocation / recordResourceAccessToken variant', () => {
      const variant = fixtureCopy<{ value: { resourceData: Record<string, unknown> }[] }>(
        'graph/recordresponse-completed.json',
      );
      const data = variant.value[0].resourceData;
      data.recordResourceLocation = data.recordingLocation;
      data.RecordResourceAccessToken = 'secret-token-2';
      delete data.recordingLocation;
      delete data.recordingAccessToken;
      const when = given(history(recordResponse(1))).when(graphCommand(variant, at(8)));
      expect(factsOf(when.decided)[1]).toEqual({
        type: 'RecordingLocationAvailable',
        data: expect.objectContaining({
          location: 'https://file.location/17e3b46c-f61d-4f4d-9635-c626ef18e6ad',
          hasAccessToken: true,
        }),
      });
      expect(when.decided[0].data).toMatchObject({
        redactedPaths: ['/resourceData/RecordResourceAccessToken'],
      });
      expect(JSON.stringify(when.decided)).not.toContain('secret-token-2');
    });
  });
});
