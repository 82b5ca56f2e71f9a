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
    expect(parseOperationResponse(CALL, { error: { code: '400', message: 'bad' } })).toEqual({
      ok: false,
      errors: [{ path: '/id', message: 'an error response names no operation to track' }],
    });
    expect(parseOperationResponse('', {})).toMatchObject({ ok: false });
    expect(parseOperationResponse(CALL, [])).toMatchObject({ ok: false });
  });
});
