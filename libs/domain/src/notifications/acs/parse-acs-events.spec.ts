import { deriveAcsOperationId } from '../../operations/acs-operation-id';
import { ACS_CALL, acsEvent } from '../../testing/inputs';
import type { OperationNotification } from '../notification';
import { parseAcsEvents } from './parse-acs-events';

const notificationsOf = (body: unknown) => {
  const result = parseAcsEvents(body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
};

describe('parseAcsEvents', () => {
  it('reads an array of several CloudEvents, one notification each', () => {
    const result = notificationsOf([
      acsEvent('CallConnected', {}, 'e1'),
      acsEvent(
        'PlayCompleted',
        {
          operationContext: 'welcome',
          resultInformation: { code: 200, subCode: 0, message: 'Action completed successfully.' },
        },
        'e2',
      ),
      acsEvent(
        'ParticipantsUpdated',
        {
          sequenceNumber: 4,
          participants: [
            {
              identifier: {
                rawId: '8:acs:user-1',
                kind: 'communicationUser',
                communicationUser: { id: '8:acs:user-1' },
              },
              isMuted: true,
              isOnHold: false,
            },
          ],
        },
        'e3',
      ),
    ]);
    expect(result.notifications.map((n) => n.notification.type)).toEqual([
      'call',
      'operation',
      'roster',
    ]);
    const [connected, played, roster] = result.notifications.map((n) => n.notification);
    expect(connected).toMatchObject({
      source: 'acs',
      platform: 'acs',
      callId: ACS_CALL,
      state: 'connected',
      ended: false,
      details: {
        serverCallId: expect.any(String),
        correlationId: 'c0ffee00-1111-4222-8333-444455556666',
      },
    });
    expect(played).toMatchObject({
      type: 'operation',
      operationType: 'play',
      operationId: deriveAcsOperationId(ACS_CALL, 'play', 'welcome'),
      operationIdSource: 'derived',
      operationContext: 'welcome',
      phase: 'finished',
      status: 'completed',
      outcome: 'completed',
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
    });
    expect(roster).toMatchObject({
      type: 'roster',
      mode: 'snapshot',
      sequenceNumber: 4,
      participants: [
        {
          participantId: '8:acs:user-1',
          rawParticipantId: '8:acs:user-1',
          identity: { kind: 'communicationUser', id: '8:acs:user-1' },
          isMuted: true,
          isOnHold: false,
        },
      ],
    });
  });

  it('keys a CloudEvent by its own id: a redelivery with another time is the same notification', () => {
    const [first] = notificationsOf([
      acsEvent('PlayStarted', { operationContext: 'x' }, 'same-id'),
    ]).notifications;
    const redelivered = {
      ...acsEvent('PlayStarted', { operationContext: 'x' }, 'same-id'),
      time: '2024-05-01T10:00:09Z',
    };
    const [second] = notificationsOf([redelivered]).notifications;
    const [other] = notificationsOf([
      acsEvent('PlayStarted', { operationContext: 'x' }, 'other-id'),
    ]).notifications;
    expect(second.notification.key).toBe(first.notification.key);
    expect(other.notification.key).not.toBe(first.notification.key);
    expect(first.notification.key).toMatch(/^acs:[0-9a-f]{64}$/);
  });

  it('derives one operation id for all events of one operation, and another per context or kind', () => {
    const ids = notificationsOf([
      acsEvent('PlayStarted', { operationContext: 'menu' }, 'a'),
      acsEvent('PlayCompleted', { operationContext: 'menu' }, 'b'),
      acsEvent('PlayFailed', { operationContext: 'goodbye' }, 'c'),
      acsEvent('RecognizeCompleted', { operationContext: 'menu' }, 'd'),
    ]).notifications.map((n) => (n.notification as OperationNotification).operationId);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reads canceled media operations as completed with reason "canceled"', () => {
    const [canceled] = notificationsOf([
      acsEvent('PlayCanceled', { operationContext: 'menu' }),
    ]).notifications;
    expect(canceled.notification).toMatchObject({
      status: 'completed',
      outcome: 'completed',
      completionReason: 'canceled',
    });
  });

  it('reads call-level ends and transfer results', () => {
    const result = notificationsOf([
      acsEvent('CallDisconnected', {}, 'a'),
      acsEvent(
        'CreateCallFailed',
        { resultInformation: { code: 408, subCode: 8528, message: 'Timeout' } },
        'b',
      ),
      acsEvent(
        'CallTransferFailed',
        { operationContext: 't1', resultInformation: { code: 500, subCode: 7000 } },
        'c',
      ),
    ]);
    expect(result.notifications.map((n) => n.notification)).toMatchObject([
      { type: 'call', state: 'disconnected', ended: true },
      {
        type: 'call',
        state: 'disconnected',
        ended: true,
        resultInfo: { code: 408, subcode: 8528 },
      },
      { type: 'operation', operationType: 'transfer', outcome: 'failed' },
    ]);
  });

  it('reads the 2021-08-30-preview PlayAudioResult, as a CloudEvent or as a bare object', () => {
    const preview = {
      operationId: 'a1b2c3d4-0000-4000-8000-000000000001',
      status: 'completed',
      operationContext: '31130c66-2f86-41b5-af61-23850243e093',
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
      callConnectionId: '18dea47f-b081-4107-9a5c-4300819d2c6c',
    };
    const [bare] = notificationsOf(preview).notifications;
    const [wrapped] = notificationsOf([
      {
        id: 'p1',
        source: 'calling',
        type: 'Microsoft.Communication.PlayAudioResult',
        specversion: '1.0',
        data: preview,
      },
    ]).notifications;
    for (const parsed of [bare, wrapped]) {
      expect(parsed.notification).toMatchObject({
        type: 'operation',
        callId: '18dea47f-b081-4107-9a5c-4300819d2c6c',
        operationType: 'play',
        operationId: deriveAcsOperationId(
          '18dea47f-b081-4107-9a5c-4300819d2c6c',
          'play',
          '31130c66-2f86-41b5-af61-23850243e093',
        ),
        rawOperationId: 'a1b2c3d4-0000-4000-8000-000000000001',
        phase: 'finished',
        status: 'completed',
        outcome: 'completed',
        resultInfo: { code: 200, subcode: 0 },
      });
    }
  });

  it('accepts callLegId (earliest preview) for the call', () => {
    const [parsed] = notificationsOf({
      status: 'Running',
      operationContext: 'c',
      callLegId: 'LEG-1',
    }).notifications;
    expect(parsed.notification).toMatchObject({
      callId: 'LEG-1',
      status: 'running',
      phase: 'active',
    });
  });

  it('reads the preview CallConnectionStateChanged, keeping unknown states', () => {
    const result = notificationsOf([
      acsEvent('CallConnectionStateChanged', { callConnectionState: 'TransferAccepted' }, 'a'),
      acsEvent('CallConnectionStateChanged', { callConnectionState: 'unknownFutureValue' }, 'b'),
    ]);
    expect(result.notifications.map((n) => n.notification)).toMatchObject([
      { type: 'call', state: 'transferAccepted', rawState: 'TransferAccepted' },
      { type: 'call', state: 'unknownFutureValue' },
    ]);
  });

  it('keeps unknown ACS events as unrecognized notifications', () => {
    const [parsed] = notificationsOf([
      acsEvent('ContinuousDtmfRecognitionToneReceived', {}),
    ]).notifications;
    expect(parsed.notification).toMatchObject({
      type: 'unrecognized',
      reason: 'ACS event "ContinuousDtmfRecognitionToneReceived" is not tracked',
    });
  });

  it('skips events that name no call connection, and Event Grid system events', () => {
    const result = notificationsOf([
      {
        id: 'v',
        type: 'Microsoft.EventGrid.SubscriptionDeletedEvent',
        data: { eventSubscriptionId: '1' },
      },
      {
        id: 'i',
        type: 'Microsoft.Communication.IncomingCall',
        data: { serverCallId: 's', incomingCallContext: 'x' },
      },
      acsEvent('CallConnected'),
    ]);
    expect(result.notifications).toHaveLength(1);
    expect(result.skipped).toEqual([
      {
        path: '/0',
        reason: 'Event Grid system event',
        rawType: 'Microsoft.EventGrid.SubscriptionDeletedEvent',
      },
      {
        path: '/1',
        reason: 'no correlationId: cannot be filed under a call',
        rawType: 'Microsoft.Communication.IncomingCall',
      },
    ]);
  });

  it('refuses malformed bodies, saying where', () => {
    expect(parseAcsEvents('nope')).toEqual({
      ok: false,
      errors: [
        { path: '', message: 'body must be a CloudEvent array or an event object', envelope: true },
      ],
    });
    expect(
      parseAcsEvents([
        acsEvent('CallConnected'),
        42,
        { id: 'e2', type: 'Microsoft.Communication.PlayCompleted', data: 'x' },
        { type: 'Microsoft.Communication.PlayCompleted', data: {} },
      ]),
    ).toEqual({
      ok: false,
      errors: [
        { path: '/1', message: 'an event must be an object', envelope: true },
        { path: '/2/data', message: 'data must be an object', envelope: true },
        { path: '/3/id', message: 'event id is required', envelope: true },
      ],
    });
    expect(parseAcsEvents([{ hello: 'world' }])).toEqual({
      ok: false,
      errors: [{ path: '/0/id', message: 'event id is required', envelope: true }],
    });
    // A single object may be a bare preview result: only the parser's own reading applies.
    expect(parseAcsEvents({ hello: 'world' })).toEqual({
      ok: false,
      errors: [
        {
          path: '/type',
          message: 'not a CloudEvent ("type" is missing) nor a 2021-08-30-preview operation result',
        },
      ],
    });
  });
});
