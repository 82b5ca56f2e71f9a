import * as streams from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './event-log';

export interface CompiledFilter {
  readonly passes: (event: StoredEvent) => boolean;
  /** Send a checkpoint after this many events were looked at (subscriptions only). */
  readonly checkpointEvery: number;
}

/**
 * The default search window when the client asks for `count` instead of a maximum. EventStoreDB's
 * own default is 32; the checkpoint interval is that times the client's multiplier.
 */
const DEFAULT_WINDOW = 32;

/**
 * The server-side filter of a read or subscription to $all: a regex or a list of prefixes, on the
 * event type or on the stream name (the client's `excludeSystemEvents()` is the event-type regex
 * `^[^$].*`). Undefined when the request has no filter.
 */
export const compileFilter = (options: streams.ReadReq.Options): CompiledFilter | undefined => {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const onType =
    filter.getFilterCase() === streams.ReadReq.Options.FilterOptions.FilterCase.EVENT_TYPE;
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const prefixes = expression?.getPrefixList() ?? [];
  const matches = (text: string) =>
    regex ? regex.test(text) : prefixes.length === 0 || prefixes.some((p) => text.startsWith(p));
  const window = filter.getMax() > 0 ? filter.getMax() : DEFAULT_WINDOW;
  return {
    passes: (event) => matches(onType ? event.type : event.streamName),
    checkpointEvery: window * Math.max(1, filter.getCheckpointintervalmultiplier()),
  };
};
