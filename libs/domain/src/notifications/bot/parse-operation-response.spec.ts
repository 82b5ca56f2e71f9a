import { deriveAcsOperationId } from '../../operations/acs-operation-id';
import { fixture } from '../../testing/fixtures';
import { CALL, OPERATION } from '../../testing/inputs';
import { parseOperationResponse } from './parse-operation-response';

describe('parseOperationResponse', () => {
  it('reads a Graph playPromptOperation response', () => {
    const result = parseOperationResponse(CALL, fixture('graph/playprompt-response.json'));
    expect(result).toMatchObject({
      ok: true,
      notifications: [
        {
          notification: {
            type: 'operation',
            source: 'bot',
            platform: 'graph',
            callId: CALL,
            operationId: OPERATION,
            rawOperationId: OPERATION,
            operationType: 'playPrompt',
            phase: 'active',
            status: 'running',
            clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
          },
        },
      ],
    });
  });

  it('reads a recordOperation response whose result members are null', () => {
    const result = parseOperationResponse(CALL, fixture('graph/recordresponse-response.json'));
    if (!result.ok) throw new Error('expected ok');
    const { notification } = result.notifications[0];
    expect(notification).toMatchObject({ operationType: 'recordResponse', status: 'running' });
    expect(notification).not.toHaveProperty('recording');
    expect(notification).not.toHaveProperty('resultInfo');
  });

  it('reads the ACS :playAudio 202 body, landing on the id its result events derive', () => {
    const callId = '18dea47f-b081-4107-9a5c-4300819d2c6c';
    const result = parseOperationResponse(callId, fixture('acs/playaudio-response.json'));
    expect(result).toMatchObject({
      ok: true,
      notifications: [
        {
          notification: {
            platform: 'acs',
            operationType: 'play',
            operationIdSource: 'derived',
            operationId: deriveAcsOperationId(
              callId,
              'play',
              '31130c66-2f86-41b5-af61-23850243e093',
            ),
            status: 'running',
            phase: 'active',
          },
        },
      ],
    });
  });

  it('keys the response by call and body: the same body for another call is another notification', () => {
    const body = fixture('graph/playprompt-response.json');
    const keyOf = (callId: string) => {
      const result = parseOperationResponse(callId, body);
      return result.ok ? result.notifications[0].notification.key : undefined;
    };
    expect(keyOf(CALL)).toBe(keyOf('57DAB8B1894C409AB240BD8BEAE78896'));
    expect(keyOf(CALL)).not.toBe(keyOf('e141b67c-90fd-455d-858b-b48a40b9cc8d'));
  });

  it('refuses what names no operation', () => {
    expect(
      parseOperationResponse(CALL, { status: 'failed', error: { code: '400', message: 'bad' } }),
    ).toEqual({
      ok: false,
      errors: [{ path: '/id', message: 'an error response names no operation to track' }],
    });
    expect(parseOperationResponse('', {})).toMatchObject({ ok: false });
    expect(parseOperationResponse(CALL, [])).toMatchObject({ ok: false });
  });

  describe('?action= (ACS response bodies carry no type)', () => {
    const typeOf = (body: unknown, action?: string) => {
      const result = parseOperationResponse(CALL, body, action);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const { notification } = result.notifications[0];
      if (notification.type !== 'operation') throw new Error('operation expected');
      return notification;
    };
    const play = fixture('acs/playaudio-response-with-id.json');
    const cancel = fixture('acs/cancelallmediaoperations-response.json');

    it('names the type: a cancelAllMediaOperations response is not a completed play', () => {
      expect(typeOf(cancel, 'cancelAllMediaOperations')).toMatchObject({
        operationType: 'cancelAllMediaOperations',
        status: 'completed',
        phase: 'finished',
        rawOperationId: 'dummyId',
        operationContext: 'dummyOperationContext',
      });
      expect(typeOf(play, 'playAudio').operationType).toBe('play');
      expect(typeOf(cancel, 'cancelAllMediaOperations').operationId).not.toBe(
        typeOf(play, 'playAudio').operationId,
      );
    });

    it.each([
      ['playAudio', 'play'],
      ['PLAY', 'play'],
      ['startRecording', 'recording'],
      ['stopRecording', 'stopRecording'],
      ['startDialog', 'dialog'],
      ['startContinuousDtmfRecognition', 'continuousDtmfRecognition'],
      ['sendDtmfTones', 'sendDtmfTones'],
      ['cancelAddParticipant', 'cancelAddParticipant'],
      ['holdSomethingNew', 'holdSomethingNew'],
    ])('maps the action %s to the type %s (an unknown name is kept)', (action, type) => {
      expect(typeOf(cancel, action).operationType).toBe(type);
    });

    it('infers play as before without an action, and keeps old keys', () => {
      expect(typeOf(cancel).operationType).toBe('play');
      expect(typeOf(cancel).key).not.toBe(typeOf(cancel, 'play').key);
    });

    it('gives a Graph body without @odata.type the named type, and refuses a contradiction', () => {
      const untyped = { id: OPERATION, status: 'running' };
      expect(typeOf(untyped, 'recordResponse').operationType).toBe('recordResponse');
      expect(typeOf(fixture('graph/playprompt-response.json'), 'playPrompt').operationType).toBe(
        'playPrompt',
      );
      expect(
        parseOperationResponse(CALL, fixture('graph/playprompt-response.json'), 'recordResponse'),
      ).toEqual({
        ok: false,
        errors: [
          {
            path: '/@odata.type',
            message:
              '?action names a recordResponse operation but the body is a playPrompt operation',
          },
        ],
      });
      expect(
        parseOperationResponse(
          CALL,
          { status: 'running', operationContext: 'x', operationType: 'play' },
          'hold',
        ),
      ).toMatchObject({ ok: false, errors: [{ path: '/operationType' }] });
    });
  });
});
