import { decide } from '../decider/decide';
import { evolveAll, foldCall } from '../decider/evolve';
import type { CallEvent } from '../events/call-event';
import { initialCallState } from '../state/call-state';
import { fixture } from '../testing/fixtures';
import { history } from '../testing/decider-spec';
import {
  ACS_CALL,
  acsCommands,
  acsEvent,
  at,
  botCommand,
  CALL,
  graphCommand,
} from '../testing/inputs';
import { commandFromHistory } from './replay-command';

const redecide = (events: readonly CallEvent[]): CallEvent[] => {
  const replayed: CallEvent[] = [];
  let state = initialCallState();
  for (const event of events) {
    if (event.type !== 'NotificationReceived') continue;
    const command = commandFromHistory(event);
    if (command === undefined) throw new Error('payload no longer parses');
    const decided = decide(command, state);
    replayed.push(...decided);
    state = evolveAll(decided, state);
  }
  return replayed;
};

describe('commandFromHistory', () => {
  it('re-decides a Graph call from its receipts alone: same events, same ids', () => {
    const events = history(
      graphCommand(fixture('graph/answer-incoming.json'), at(0)),
      graphCommand(fixture('graph/answer-established.json'), at(2)),
      botCommand(CALL, fixture('graph/recordresponse-response.json'), at(4)),
      graphCommand(fixture('graph/recordresponse-completed.json'), at(9)),
    );
    expect(redecide(events)).toEqual(events);
  });

  it('re-decides an ACS call, preview results included', () => {
    const events = history(
      ...acsCommands(
        [
          acsEvent('CallConnected', {}, 'a'),
          acsEvent('PlayStarted', { operationContext: 'x' }, 'b'),
        ],
        at(0),
      ),
      ...acsCommands(
        { status: 'completed', operationContext: 'x', callConnectionId: ACS_CALL },
        at(3),
      ),
    );
    expect(foldCall(redecide(events))).toEqual(foldCall(events));
  });

  it('reads a response again with the action it was reported with', () => {
    const events = history(
      botCommand(ACS_CALL, fixture('acs/playaudio-response-with-id.json'), at(0), 'playAudio'),
      botCommand(
        ACS_CALL,
        fixture('acs/cancelallmediaoperations-response.json'),
        at(1),
        'cancelAllMediaOperations',
      ),
    );
    expect(redecide(events)).toEqual(events);
    expect(
      Object.values(foldCall(events).operations)
        .map((op) => op.operationType)
        .sort(),
    ).toEqual(['cancelAllMediaOperations', 'play']);
  });

  it('carries the protected secrets over to the rebuilt command', () => {
    const [received] = history(graphCommand(fixture('graph/recordresponse-completed.json'), at(9)));
    if (received.type !== 'NotificationReceived') throw new Error('receipt first');
    const command = commandFromHistory({ data: { ...received.data, protectedSecrets: 'sealed' } });
    expect(command?.data.protectedSecrets).toBe('sealed');
    expect(command?.data.notification.key).toBe(received.data.notificationKey);
  });
});
