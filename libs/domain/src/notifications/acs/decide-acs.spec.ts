import { foldCall } from '../../decider/evolve';
import { deriveAcsOperationId } from '../../operations/acs-operation-id';
import { fixture } from '../../testing/fixtures';
import { factsOf, given, history } from '../../testing/decider-spec';
import { ACS_CALL, acsCommand, acsCommands, acsEvent, at, botCommand } from '../../testing/inputs';
import { findOperation, toOperationViews } from '../../views/operation-view';

const connected = () => acsCommand([acsEvent('CallConnected', {}, 'c1')], at(0));

describe('ACS calls', () => {
  it('decides every event of a POST carrying several events', () => {
    const commands = acsCommands(
      [
        acsEvent('CallConnected', {}, 'c1'),
        acsEvent('PlayStarted', { operationContext: 'welcome' }, 'p1'),
        acsEvent(
          'PlayCompleted',
          { operationContext: 'welcome', resultInformation: { code: 200, subCode: 0 } },
          'p2',
        ),
      ],
      at(1),
    );
    const events = history(...commands);
    expect(events.map((e) => e.type)).toEqual([
      'NotificationReceived',
      'CallDetailsRecorded',
      'CallStateChanged',
      'CallAnswered',
      'NotificationReceived',
      'OperationStarted',
      'NotificationReceived',
      'OperationCompleted',
    ]);
  });

  it('connects and disconnects; disconnected is final', () => {
    const disconnected = acsCommand([acsEvent('CallDisconnected', {}, 'd1')], at(30));
    given(history(connected()))
      .when(disconnected)
      .then([
        {
          type: 'CallTerminated',
          data: {
            callId: ACS_CALL,
            previousState: 'connected',
            state: 'disconnected',
            rawState: 'CallDisconnected',
            terminatedAt: at(30),
          },
        },
      ]);
    given(history(connected(), disconnected))
      .when(acsCommand([acsEvent('CallConnected', {}, 'c2')], at(31)))
      .thenOnlyReceipt();
  });

  it('moves the call to transferAccepted on CallTransferAccepted, completing the transfer', () => {
    const accepted = acsCommand(
      [
        acsEvent(
          'CallTransferAccepted',
          { operationContext: 't1', resultInformation: { code: 200, subCode: 7015 } },
          't',
        ),
      ],
      at(5),
    );
    const [completed, changed] = factsOf(given(history(connected())).when(accepted).decided);
    expect(completed).toMatchObject({
      type: 'OperationCompleted',
      data: { operationType: 'transfer', operationContext: 't1' },
    });
    expect(changed).toEqual({
      type: 'CallStateChanged',
      data: {
        callId: ACS_CALL,
        previousState: 'connected',
        state: 'transferAccepted',
        changedAt: at(5),
        resultInfo: { code: 200, subcode: 7015, rawCode: 200, rawSubcode: 7015 },
      },
    });
  });

  it('returns a call being transferred to connected when the transfer fails', () => {
    const transferring = acsCommand(
      [acsEvent('CallConnectionStateChanged', { callConnectionState: 'transferring' }, 's')],
      at(4),
    );
    const failed = acsCommand(
      [
        acsEvent(
          'CallTransferFailed',
          {
            operationContext: 't1',
            resultInformation: { code: 500, subCode: 7000, message: 'Transfer failed' },
          },
          'f',
        ),
      ],
      at(6),
    );
    const state = given(history(connected(), transferring))
      .when(failed)
      .thenTypes(['NotificationReceived', 'OperationFailed', 'CallStateChanged']);
    expect(state.state).toBe('connected');
    expect(
      factsOf(given(history(connected(), transferring)).when(failed).decided)[1],
    ).toMatchObject({
      data: { previousState: 'transferring', state: 'connected', reason: 'transferFailed' },
    });
  });

  it('ties the bot-reported :playAudio response and the preview PlayAudioResult to one operation', () => {
    const callId = '18dea47f-b081-4107-9a5c-4300819d2c6c';
    const response = botCommand(callId, fixture('acs/playaudio-response.json'), at(1));
    const result = acsCommand(
      {
        operationId: 'a1b2c3d4-0000-4000-8000-000000000001',
        status: 'completed',
        operationContext: '31130c66-2f86-41b5-af61-23850243e093',
        resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
        callConnectionId: callId,
      },
      at(6),
    );
    for (const order of [
      [response, result],
      [result, response],
    ]) {
      const views = toOperationViews(foldCall(history(...order)));
      expect(views).toHaveLength(1);
      expect(views[0]).toMatchObject({
        operationId: deriveAcsOperationId(callId, 'play', '31130c66-2f86-41b5-af61-23850243e093'),
        operationIdSource: 'derived',
        rawOperationIds: ['a1b2c3d4-0000-4000-8000-000000000001'],
        type: 'play',
        status: 'completed',
        operationContext: '31130c66-2f86-41b5-af61-23850243e093',
        startedAt: at(1),
        completedAt: at(6),
        durationMs: 5000,
      });
    }
  });

  it('fails a hold and a recording start as operations', () => {
    const state = given(history(connected()))
      .when(
        acsCommand(
          [
            acsEvent(
              'HoldFailed',
              { operationContext: 'h', resultInformation: { code: 400, subCode: 8523 } },
              'h',
            ),
          ],
          at(2),
        ),
      )
      .thenTypes(['NotificationReceived', 'OperationFailed']);
    expect(findOperation(state, deriveAcsOperationId(ACS_CALL, 'hold', 'h'))).toMatchObject({
      operationType: 'hold',
      status: 'failed',
      outcome: 'failed',
    });
  });

  it('tracks the recording state', () => {
    given(history(connected()))
      .when(
        acsCommand(
          [
            acsEvent(
              'RecordingStateChanged',
              {
                recordingId: 'rec-1',
                state: 'Active',
                startDateTime: '2024-05-01T10:00:02Z',
                recordingKind: 'AzureCommunicationServices',
              },
              'r',
            ),
          ],
          at(2),
        ),
      )
      .then([
        {
          type: 'CallRecordingStateChanged',
          data: {
            callId: ACS_CALL,
            recordingId: 'rec-1',
            state: 'active',
            recordingStartedAt: '2024-05-01T10:00:02Z',
            recordingKind: 'AzureCommunicationServices',
            changedAt: at(2),
          },
        },
      ]);
  });

  it('ignores a roster older than the newest one seen (sequence numbers)', () => {
    const user = (id: string) => ({
      identifier: { rawId: id, kind: 'communicationUser' },
      isMuted: false,
    });
    const newer = acsCommand(
      [
        acsEvent(
          'ParticipantsUpdated',
          { sequenceNumber: 5, participants: [user('8:acs:a')] },
          'r5',
        ),
      ],
      at(3),
    );
    const older = acsCommand(
      [
        acsEvent(
          'ParticipantsUpdated',
          { sequenceNumber: 4, participants: [user('8:acs:a'), user('8:acs:b')] },
          'r4',
        ),
      ],
      at(4),
    );
    const state = given(history(connected(), newer)).when(older).thenOnlyReceipt();
    expect(Object.keys(state.participants)).toEqual(['8:acs:a']);
  });
});
