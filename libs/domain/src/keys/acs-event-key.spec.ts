import type { RecordNotification } from '../commands/commands';
import { foldCall } from '../decider/evolve';
import { stampEvents } from '../decider/stamp-events';
import { given, history } from '../testing/decider-spec';
import { fixture } from '../testing/fixtures';
import { acsCommand, acsCommands, at } from '../testing/inputs';
import { acsEventKey } from './acs-event-key';
import { notificationKey } from './notification-key';

type Events = Array<Record<string, unknown>>;
const dialog = () => fixture('acs/dialog-started-completed.json') as Events;

describe('ACS dedupe: source + id + type, or the content when there is no id', () => {
  it('takes DialogStarted and DialogCompleted sharing one CloudEvent id for two facts', () => {
    const [started, completed] = dialog();
    expect(started.id).toBe(completed.id);
    expect(acsEventKey(started)).not.toBe(acsEventKey(completed));
    given(history(acsCommand([started], at(0))))
      .when(acsCommand([completed], at(1)))
      .thenTypes(['NotificationReceived', 'OperationCompleted']);
  });

  it('still takes a redelivery for the same event, whatever its members order', () => {
    const [started] = dialog();
    const reordered = Object.fromEntries(Object.entries(started).reverse());
    expect(acsEventKey(reordered)).toBe(acsEventKey(started));
    given(history(acsCommand([started], at(0))))
      .when(acsCommand([reordered], at(5)))
      .thenNothing();
  });

  it('reads an Event Grid schema envelope (topic, eventType) the same way', () => {
    const [incoming] = fixture('acs/eventgrid-incoming-call.json') as Events;
    expect(acsEventKey(incoming)).toBe(
      notificationKey('acs', { id: incoming.id, source: incoming.topic, type: incoming.eventType }),
    );
  });

  it('keys an event with a null id by its content', () => {
    const establishing = fixture('acs/callleg-state-establishing.json') as Record<string, unknown>;
    const established = fixture('acs/callleg-state-established.json') as Record<string, unknown>;
    expect(acsEventKey(establishing)).toBe(notificationKey('acs', establishing));
    expect(acsEventKey(establishing)).not.toBe(acsEventKey(established));
  });

  it('recognises the redelivery of an event recorded under the old id+source key', () => {
    const [started] = dialog();
    const legacyKey = notificationKey('acs', { id: started.id, source: started.source });
    // A receipt as an earlier version stored it: same payload, keyed by id and source alone.
    const [command] = acsCommands([started], at(0)) as [RecordNotification];
    const [receipt] = history(command);
    const legacy = stampEvents(
      [{ type: receipt.type, data: { ...receipt.data, notificationKey: legacyKey } } as never],
      legacyKey,
      receipt.metadata.callId,
      at(0),
    );
    expect(foldCall(legacy).seenNotificationKeys.has(acsEventKey(started))).toBe(true);
    given(legacy)
      .when(acsCommand([started], at(9)))
      .thenNothing();
  });
});
