import type { CallCommand } from '../commands/commands';
import type { CallEvent } from '../events/call-event';
import { initialCallState, type CallState } from '../state/call-state';
import { decide } from './decide';
import { evolve } from './evolve';

/** The decider as one value, in Emmett's shape, for command handlers that take one. */
export interface Decider<State, Command, Event> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export const callDecider: Decider<CallState, CallCommand, CallEvent> = {
  decide,
  evolve,
  initialState: initialCallState,
};
