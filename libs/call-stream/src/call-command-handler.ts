import {
  CallCommand,
  CallEvent,
  callStreamName,
  decide,
  evolve,
  isDuplicate,
} from '@tracker/domain';
import { EventStore, NO_STREAM, WrongExpectedRevisionError } from '@tracker/event-store';
import type { CallStateFolder, FoldStep } from './call-state-folder';
import { backoffDelayMs, CONFLICT_BACKOFF, type BackoffPolicy } from './retry-backoff';
import { StreamContendedError } from './stream-contended.error';
import { toEventData } from './stored-call-event';

export interface CommandOutcome {
  readonly accepted: number;
  readonly duplicates: number;
  /** The events stored for these commands (none when all were duplicates). */
  readonly events: readonly CallEvent[];
}

export interface CallCommandHandlerOptions {
  readonly backoff?: BackoffPolicy;
  /** Told of each revision conflict, and of each retry that follows one (metrics). */
  readonly onConflict?: () => void;
  readonly onRetry?: () => void;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The write side of a call stream: take the call's state (cached, else folded from the store),
 * decide, append with the state's revision as the expected one, and on a conflict (another
 * instance wrote first, or the cached state was behind) read what is new and decide again after a
 * jittered backoff. A stream still contended after every attempt is a
 * StreamContendedError.
 *
 * All commands for one call are decided in order and appended together: one append per call.
 *
 * Within this process, commands for the same call take turns. Otherwise a redelivery racing its
 * original would decide against the same state, produce the same event ids and be answered
 * "accepted" by the store's idempotent append instead of "duplicate". Across processes the store
 * says when an append was idempotent (`alreadyStored`), and those notifications count as duplicates.
 */
export class CallCommandHandler {
  private readonly turns = new Map<string, Promise<unknown>>();
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly folder: CallStateFolder,
    private readonly options: CallCommandHandlerOptions = {},
  ) {
    this.backoff = options.backoff ?? CONFLICT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
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

  private async decideAndAppend(
    callId: string,
    commands: readonly CallCommand[],
  ): Promise<CommandOutcome> {
    const stream = callStreamName(callId);
    for (let attempt = 1; ; attempt++) {
      // After a conflict, what the other writer appended is read before deciding again.
      const { state, revision } = await this.folder.latest(stream, attempt > 1);
      let next = state;
      let duplicates = 0;
      // Each event is folded once, here: the states are kept for the Kafka record mapper.
      const steps: FoldStep[] = [];
      for (const command of commands) {
        if (isDuplicate(command, next)) {
          duplicates += 1;
          continue;
        }
        for (const event of decide(command, next)) {
          next = evolve(next, event);
          steps.push({ event, state: next });
        }
      }
      const events = steps.map((step) => step.event);
      if (events.length === 0) return { accepted: 0, duplicates, events };
      try {
        const result = await this.store.appendToStream(
          stream,
          events.map(toEventData),
          revision ?? NO_STREAM,
        );
        // Another process stored these very events first (a redelivery racing its original).
        if (result.alreadyStored) {
          this.folder.forget(stream);
          return { accepted: 0, duplicates: commands.length, events: [] };
        }
        this.folder.appended(stream, steps, result.nextExpectedRevision);
        return { accepted: commands.length - duplicates, duplicates, events };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.options.onConflict?.();
        if (attempt >= this.backoff.maxAttempts) throw new StreamContendedError(callId, attempt);
        this.options.onRetry?.();
        await this.sleep(backoffDelayMs(this.backoff, attempt, this.random()));
      }
    }
  }
}
