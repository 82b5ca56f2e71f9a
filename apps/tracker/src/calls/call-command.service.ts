import { Inject, Injectable } from '@nestjs/common';
import {
  CallCommand,
  CallState,
  callStreamName,
  decide,
  evolveAll,
  initialCallState,
  isDuplicate,
} from '@tracker/domain';
import {
  EVENT_STORE,
  EventStore,
  NO_STREAM,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '@tracker/event-store';
import { toCallEvent, toEventData } from '@tracker/read-model';
import { StateCache } from './state-cache';

export interface CommandOutcome {
  readonly accepted: number;
  readonly duplicates: number;
}

const MAX_ATTEMPTS = 8;

/**
 * The write side: load a call's state, decide, append with the stream's revision as the expected
 * one, and on a conflict (another request or instance wrote first) reload and decide again.
 *
 * All commands for one call in one request are decided in order and appended together, so a batch
 * costs one append per call. The folded state is cached per call with its revision; a stale cache
 * only costs a conflict and a reload, never a wrong decision.
 */
@Injectable()
export class CallCommandService {
  private readonly cache = new StateCache(10_000);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(callId: string, commands: readonly CallCommand[]): Promise<CommandOutcome> {
    const stream = callStreamName(callId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream);
      let next = state;
      let duplicates = 0;
      const events = [];
      for (const command of commands) {
        if (isDuplicate(command, next)) {
          duplicates += 1;
          continue;
        }
        const decided = decide(command, next);
        next = evolveAll(decided, next);
        events.push(...decided);
      }
      if (events.length === 0) return { accepted: 0, duplicates };
      try {
        const result = await this.store.appendToStream(
          stream,
          events.map(toEventData),
          revision ?? NO_STREAM,
        );
        this.cache.set(stream, { state: next, revision: result.nextExpectedRevision });
        return { accepted: commands.length - duplicates, duplicates };
      } catch (error) {
        this.cache.delete(stream);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new StoreUnavailableError(
            `call ${callId}: still conflicting after ${attempt} attempts`,
          );
        }
      }
    }
  }

  private async load(stream: string): Promise<{ state: CallState; revision?: bigint }> {
    const cached = this.cache.get(stream);
    // A cached state is only a guess at the newest revision: read what came after it.
    const from = cached ? cached.revision + 1n : 0n;
    const newer = await this.store.readStream(stream, { fromRevision: from });
    if (!cached && newer.length === 0) return { state: initialCallState() };
    const state = evolveAll(newer.map(toCallEvent), cached?.state ?? initialCallState());
    const revision = newer.length > 0 ? newer[newer.length - 1].revision : cached!.revision;
    this.cache.set(stream, { state, revision });
    return { state, revision };
  }
}
