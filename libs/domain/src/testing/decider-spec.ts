// Spec-only helper: given (events) / when (command) / then (events), Emmett style.
import type { CallCommand } from '../commands/commands';
import { decide } from '../decider/decide';
import { evolve, evolveAll } from '../decider/evolve';
import type { CallEvent, CallEventDraft, CallEventType } from '../events/call-event';
import type { CallState } from '../state/call-state';
import { initialCallState } from '../state/call-state';

/** The events of deciding each command in turn, each against the state the previous ones left. */
export const history = (...commands: CallCommand[]): CallEvent[] => {
  const events: CallEvent[] = [];
  let state: CallState = initialCallState();
  for (const command of commands) {
    const decided = decide(command, state);
    events.push(...decided);
    state = decided.reduce(evolve, state);
  }
  return events;
};

/** The decided facts without the `NotificationReceived` receipt and without metadata. */
export const factsOf = (events: readonly CallEvent[]): CallEventDraft[] =>
  events
    .filter((event) => event.type !== 'NotificationReceived')
    .map(({ type, data }) => ({ type, data }) as CallEventDraft);

export const given = (events: readonly CallEvent[] = []) => ({
  when: (command: CallCommand) => {
    const before = evolveAll(events);
    const decided = decide(command, before);
    const after = evolveAll(decided, before);
    return {
      decided,
      state: after,
      /** The facts decided after the receipt, exactly. */
      then: (expected: readonly CallEventDraft[]) => {
        expect(factsOf(decided)).toEqual(expected);
        return after;
      },
      thenTypes: (expected: readonly CallEventType[]) => {
        expect(decided.map((event) => event.type)).toEqual(expected);
        return after;
      },
      /** A duplicate, or a check with nothing due: no event at all. */
      thenNothing: () => {
        expect(decided).toEqual([]);
        return after;
      },
      /** Recorded as received, but it changes nothing. */
      thenOnlyReceipt: () => {
        expect(decided.map((event) => event.type)).toEqual(['NotificationReceived']);
        return after;
      },
    };
  },
});
