import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CallCommand,
  CallEvent,
  callStreamName,
  decide,
  evolveAll,
  isDuplicate,
} from '@tracker/domain';
import {
  EVENT_STORE,
  EventStore,
  NO_STREAM,
  WrongExpectedRevisionError,
} from '@tracker/event-store';
import { CallStateFolder, toEventData } from '@tracker/read-model';
import { IngestCounters } from '../ingest/ingest-counters';
import { backoffDelayMs, CONFLICT_BACKOFF } from './retry-backoff';
import { StreamContendedError } from './stream-contended.error';

export interface CommandOutcome {
  readonly accepted: number;
  readonly duplicates: number;
}

/**
 * The write side: load a call's state, decide, append with the stream's revision as the expected
 * one, and on a conflict (another request or instance wrote first) reload and decide again, after a
 * jittered backoff. A stream still contended after every attempt is a StreamContendedError.
 *
 * All commands for one call in one request are decided in order and appended together, so a batch
 * costs one append per call. The folded state is cached per call with its revision; a stale cache
 * only costs a conflict and a reload, never a wrong decision.
 *
 * Within this process, requests for the same call take turns. Otherwise a redelivery racing its
 * original would decide against the same state, produce the same event ids and be answered
 * "accepted" by the store's idempotent append instead of "duplicate". Across processes the store
 * says when an append was idempotent (`alreadyStored`), and those notifications count as duplicates.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
export class CallCommandService {
  private readonly folder: CallStateFolder;
  private readonly turns = new Map<string, Promise<unknown>>();
  private readonly logger = new Logger('Calls');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly counters: IngestCounters,
  ) {
    this.folder = new CallStateFolder(store);
  }

  async execute(callId: string, commands: readonly CallCommand[]): Promise<CommandOutcome> {
    const previous = this.turns.get(callId);
    const turn = (previous ?? Promise.resolve())
      .catch(() => undefined) // the previous request's failure is its own
      .then(() => this.decideAndAppend(callId, commands));
    this.turns.set(callId, turn);
    try {
      return await turn;
    } finally {
      if (this.turns.get(callId) === turn) this.turns.delete(callId);
    }
  }

  /** One id, two types is kept visible: a warning and a count per conflict (ids and types only). */
  private warnOfTypeConflicts(events: readonly CallEvent[]): void {
    for (const event of events) {
      if (event.type !== 'OperationTypeConflictSeen') continue;
      this.counters.typeConflict();
      const { callId, operationId, operationType, conflictingType, conflictingRawType } =
        event.data;
      this.logger.warn(
        `call ${callId}: operation ${operationId} is a ${operationType} but a notification ` +
          `calls it ${conflictingType} (${conflictingRawType ?? 'no raw type'}); kept ${operationType}`,
      );
    }
  }

  private async decideAndAppend(
    callId: string,
    commands: readonly CallCommand[],
  ): Promise<CommandOutcome> {
    const stream = callStreamName(callId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.folder.latest(stream);
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
        this.folder.remember(stream, next, result.nextExpectedRevision);
        // Another process stored these very events first (a redelivery racing its original).
        if (result.alreadyStored) return { accepted: 0, duplicates: commands.length };
        this.warnOfTypeConflicts(events);
        return { accepted: commands.length - duplicates, duplicates };
      } catch (error) {
        this.folder.forget(stream);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.counters.conflict();
        if (attempt >= CONFLICT_BACKOFF.maxAttempts)
          throw new StreamContendedError(callId, attempt);
        this.counters.retry();
        await sleep(backoffDelayMs(CONFLICT_BACKOFF, attempt, Math.random()));
      }
    }
  }
}
