import { recordCommand } from '../../commands/build-commands';
import type { RecordNotification } from '../../commands/commands';
import { commandFromHistory } from '../../commands/replay-command';
import { foldCall } from '../../decider/evolve';
import type { NotificationReceived } from '../../events/notification-received';
import { factsOf, history } from '../../testing/decider-spec';
import { fixture } from '../../testing/fixtures';
import { acsCommand, at } from '../../testing/inputs';
import { toCallView } from '../../views/call-view';
import { forIncomingCallRecord, incomingCallRecordOf } from './incoming-call-record';
import { parseAcsEvents } from './parse-acs-events';

const CORRELATION = 'd732db64-4803-462d-be9c-518943ea2b7a';
const LEG = '531f3600-481f-41c8-8a75-3e8b2e8e6200';

describe('Event Grid deliveries on the ACS endpoint', () => {
  it('hands the subscription validation code to the edge, storing nothing', () => {
    expect(parseAcsEvents(fixture('acs/eventgrid-subscription-validation.json'))).toEqual({
      ok: true,
      notifications: [],
      skipped: [
        {
          path: '/0',
          reason: 'Event Grid subscription validation',
          rawType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
        },
      ],
    });
    expect(
      parseAcsEvents([
        { id: 'v1', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: {} },
      ]),
    ).toEqual({
      ok: false,
      errors: [
        {
          path: '/0/data/validationCode',
          message: 'a subscription validation event must carry a validationCode',
        },
      ],
    });
  });

  it('starts the call record from IncomingCall, under its correlation id, without the context', () => {
    const result = parseAcsEvents(fixture('acs/eventgrid-incoming-call.json'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [parsed] = result.notifications;
    expect(parsed.notification).toMatchObject({
      type: 'call',
      callId: CORRELATION,
      state: 'incoming',
      rawState: 'IncomingCall',
      details: {
        direction: 'incoming',
        correlationId: CORRELATION,
        serverCallId: expect.stringMatching(/^tob2JIV0/),
        caller: {
          kind: 'communicationUser',
          id: '8:acs:98e4cbef-70e7-4733-8594-063c4a72d711_00000014-2033-438d-1000-343a0d006e10',
          displayName: 'John Doe',
        },
        targets: [
          {
            kind: 'communicationUser',
            id: '8:acs:98e4cbef-70e7-4733-8594-063c4a72d711_00000014-1889-f3a7-6a0b-343a0d0061f3',
          },
        ],
      },
    });
    expect(parsed.redactedPaths).toEqual(['/data/incomingCallContext']);
    expect(JSON.stringify(parsed.payload)).not.toContain('incomingCallContext');
    expect(Object.values(parsed.secrets)[0]).toMatch(/^eyJhbGciOiJub25l/);

    const call = toCallView(
      foldCall(history(acsCommand(fixture('acs/eventgrid-incoming-call.json'), at(0)))),
    );
    expect(call).toMatchObject({
      callId: CORRELATION,
      state: 'incoming',
      direction: 'incoming',
      details: { incomingAt: at(0), correlationId: CORRELATION },
    });
    expect(JSON.stringify(call)).not.toContain('eyJhbGciOiJub25l');
  });

  it('sets the call state from the 2021 private preview CallLegStateChanged', () => {
    const leg = (state: string, t: number) =>
      acsCommand(fixture(`acs/callleg-state-${state}.json`), at(t));
    const events = history(leg('establishing', 0), leg('established', 20));
    expect(toCallView(foldCall(events))).toMatchObject({
      callId: LEG,
      state: 'established',
      rawState: 'Established',
      final: false,
    });
    const ended = history(
      leg('establishing', 0),
      leg('established', 20),
      leg('terminating', 300),
      leg('terminated', 301),
    );
    expect(factsOf(ended).map((e) => e.type)).toEqual([
      'CallStateChanged',
      'CallStateChanged',
      'CallAnswered',
      'CallStateChanged',
      'CallTerminated',
    ]);
    expect(toCallView(foldCall(ended))).toMatchObject({ state: 'terminated', final: true });
  });

  it('moves the incoming record along with the connection that answered it, replayably', () => {
    const [connected] = fixture('acs/play-call-timeline.json') as Array<Record<string, unknown>>;
    const answering = {
      ...connected,
      data: { ...(connected.data as object), correlationId: CORRELATION },
    };
    const parsed = parseAcsEvents([answering]);
    if (!parsed.ok) throw new Error('must parse');
    const notification = parsed.notifications[0].notification;
    if (notification.type !== 'call') throw new Error('a call notification');
    expect(incomingCallRecordOf(notification)).toBe(CORRELATION);
    const linked = forIncomingCallRecord(notification, CORRELATION);
    const events = history(
      acsCommand(fixture('acs/eventgrid-incoming-call.json'), at(0)),
      recordCommand({ ...parsed.notifications[0], notification: linked }, at(2)),
    );
    expect(toCallView(foldCall(events))).toMatchObject({
      callId: CORRELATION,
      state: 'connected',
      details: { callConnectionId: '401f3500-62bd-46a9-8c09-9e1b06caca01' },
    });
    const replayed = events
      .filter((e) => e.type === 'NotificationReceived')
      .map((e) => commandFromHistory(e as NotificationReceived));
    expect(history(...(replayed as RecordNotification[]))).toEqual(events);
  });
});
