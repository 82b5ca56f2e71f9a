import { recordCommand } from '../commands/build-commands';
import { eventIdFor } from '../keys/event-id';
import { parseGraphNotifications } from '../notifications/graph/parse-graph-notifications';
import { fixture } from '../testing/fixtures';
import { given, history } from '../testing/decider-spec';
import { at, CALL, callNotification, graphCommand, participant, roster } from '../testing/inputs';
import { initialCallState } from '../state/call-state';
import { decide } from './decide';
import { evolveAll, foldCall } from './evolve';
import { isDuplicate } from './is-duplicate';

const incoming = (t = 0) => graphCommand(fixture('graph/answer-incoming.json'), at(t));

describe('decide', () => {
  it('records the notification as received first, then the facts drawn from it', () => {
    const command = incoming();
    const [received, ...facts] = decide(command, initialCallState());
    expect(received).toEqual({
      type: 'NotificationReceived',
      data: {
        callId: CALL,
        rawCallId: '57DAB8B1894C409AB240BD8BEAE78896',
        source: 'graph',
        platform: 'graph',
        notificationKey: command.data.notification.key,
        notificationType: 'call',
        rawType: '#microsoft.graph.call',
        receivedAt: at(0),
        payload: (fixture('graph/answer-incoming.json') as { value: unknown[] }).value[0],
        redactedPaths: [],
      },
      metadata: {
        eventId: eventIdFor(command.data.notification.key, 0),
        callId: CALL,
        notificationKey: command.data.notification.key,
        recordedAt: at(0),
      },
    });
    expect(facts.map((e) => e.metadata.eventId)).toEqual([
      eventIdFor(command.data.notification.key, 1),
      eventIdFor(command.data.notification.key, 2),
    ]);
  });

  it('decides the same ids for a redelivery (idempotent append), whenever it arrives', () => {
    const first = decide(incoming(0), initialCallState());
    const again = decide(incoming(7), initialCallState());
    expect(again.map((e) => e.metadata.eventId)).toEqual(first.map((e) => e.metadata.eventId));
    expect(new Set(first.map((e) => e.metadata.eventId)).size).toBe(first.length);
  });

  it('tells a duplicate from an accepted notification', () => {
    const state = foldCall(history(incoming()));
    expect(isDuplicate(incoming(5), state)).toBe(true);
    expect(decide(incoming(5), state)).toEqual([]);
    const established = graphCommand(fixture('graph/answer-established.json'), at(5));
    expect(isDuplicate(established, state)).toBe(false);
    expect(decide(established, state).length).toBeGreaterThan(0);
  });

  it('still knows every notification of a long call, each state as it was', () => {
    const rosters = Array.from({ length: 600 }, (_, i) =>
      graphCommand(roster([participant(`p${i}`)]), at(i + 1)),
    );
    const states = [foldCall(history(incoming()))];
    for (const command of rosters) {
      const before = states[states.length - 1];
      expect(isDuplicate(command, before)).toBe(false);
      states.push(evolveAll(decide(command, before), before));
    }
    const last = states[states.length - 1];
    expect(last.seenNotificationKeys.size).toBe(601);
    for (const command of [incoming(700), ...rosters])
      expect(isDuplicate(command, last)).toBe(true);
    // The state after the 300th roster knows it and none after it.
    expect(isDuplicate(rosters[299], states[300])).toBe(true);
    expect(isDuplicate(rosters[300], states[300])).toBe(false);
  });

  it('copies the protected secrets into the receipt untouched, keeping the payload redacted', () => {
    const result = parseGraphNotifications(fixture('graph/recordresponse-completed.json'));
    if (!result.ok) throw new Error('fixture must parse');
    const protectedSecrets = { alg: 'A256GCM', ciphertext: 'opaque' };
    const command = recordCommand(result.notifications[0], at(3), { protectedSecrets });
    const [received] = decide(command, initialCallState());
    expect(received.data).toMatchObject({
      protectedSecrets,
      redactedPaths: ['/resourceData/recordingAccessToken'],
    });
    expect(JSON.stringify(received)).not.toContain('<access-token>');
  });

  it('refuses to decide a notification against another call', () => {
    const other = foldCall(
      history(graphCommand(callNotification('incoming', { callId: 'other-call' }), at(0))),
    );
    expect(() => decide(incoming(), other)).toThrow(
      'notification for call "57dab8b1-894c-409a-b240-bd8beae78896" decided against call "other-call"',
    );
  });

  it('folds a history into the state it describes', () => {
    const events = history(
      incoming(),
      graphCommand(fixture('graph/answer-established.json'), at(2)),
    );
    const state = evolveAll(events);
    expect(state).toMatchObject({
      callId: CALL,
      state: 'established',
      version: events.length,
      createdAt: at(0),
      lastActivityAt: at(2),
      updatedAt: at(2),
    });
    expect(state.seenNotificationKeys.size).toBe(2);
  });

  it('starts an empty stream from the first notification', () => {
    given()
      .when(incoming())
      .thenTypes(['NotificationReceived', 'CallDetailsRecorded', 'CallStateChanged']);
  });
});
