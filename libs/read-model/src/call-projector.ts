import { EventEmitter } from 'node:events';
import {
  callIdFromStreamName,
  CallView,
  DeadlineBounds,
  evolve,
  initialCallState,
} from '@tracker/domain';
import {
  batches,
  EventStore,
  formatPosition,
  RecordedEvent,
  StorePosition,
  StoreSubscription,
} from '@tracker/event-store';
import { CALLS_PROJECTION, CallWrite, ReadModelStore } from './read-model.store';
import { CachedState, StateCache, toCallEvent } from '@tracker/call-stream';
import { Projection, ProjectionStatus } from './projection';
import { toCallWrite } from './call-rows';

export interface ProjectorLogger {
  log(message: string): void;
  warn(message: string): void;
}

type Folded = CachedState;

const RETRY_MS = 1000;

export interface CallProjectorOptions {
  /**
   * How many folded call states stay in memory between batches, least recently used first out.
   * A call's next events usually arrive soon after its last ones, and reading its state back
   * from SQLite and parsing it cost more than folding the events themselves. About 4 KB each;
   * 2,000 by default.
   */
  readonly cachedCalls?: number;
  /** Told of each batch once it is committed to the read model (metrics). Must not throw. */
  readonly onCommitted?: (batch: readonly RecordedEvent[]) => void;
}

/**
 * Keeps the read model up to date from a store subscription that starts after the stored
 * checkpoint. Each batch of events is folded in memory and committed with its checkpoint in one
 * transaction; an event at or below a call's stored revision is skipped, so a replayed batch
 * changes nothing. It must be the only writer of its read model: it keeps the states it committed.
 */
/** The revision of a call the read model has no row for. */
const NO_ROW = -1n;

export class CallProjector extends Projection {
  /** Emits `batch` with the last position of each committed batch (its thread reports then). */
  readonly changes = new EventEmitter();
  private subscription: StoreSubscription | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private position: StorePosition | undefined;
  private projected = 0;
  private calls: number | undefined;
  /** Committed states only (see `apply`), in least to most recently used order. */
  private readonly cache: StateCache;
  /**
   * The calls written since `reset`, when it was called: any other call has no row, so a rebuild
   * does not ask SQLite for each new call.
   */
  private written: Set<string> | undefined;
  private readonly onCommitted: CallProjectorOptions['onCommitted'];

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ReadModelStore,
    private readonly bounds: DeadlineBounds,
    private readonly logger: ProjectorLogger,
    options: CallProjectorOptions = {},
  ) {
    super();
    this.changes.setMaxListeners(0);
    this.cache = new StateCache(options.cachedCalls ?? 2000);
    this.onCommitted = options.onCommitted;
  }

  get status(): ProjectionStatus {
    return { position: this.position, projectedEvents: this.projected, calls: this.calls };
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    // The one full count; from here on each commit adds the calls it created.
    this.calls = this.readModel.callCount();
    this.running = this.runWithRetries();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.running;
    this.running = undefined;
  }

  /** Empties the read model, for a rebuild from the start of the store. */
  reset(): void {
    this.readModel.reset();
    this.cache.clear();
    this.written = new Set();
    this.position = undefined;
    this.calls = 0;
  }

  private async runWithRetries(): Promise<void> {
    while (!this.stopping) {
      try {
        this.position = this.readModel.checkpoint(CALLS_PROJECTION);
        this.logger.log(
          `projecting calls from ${this.position ? formatPosition(this.position) : 'the start of the store'}`,
        );
        this.subscription = this.store.subscribeToAll({ after: this.position });
        for await (const batch of batches(this.subscription, 1000, 2)) this.apply(batch);
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(
          `projection failed (${(error as Error).message}); retrying from the checkpoint`,
        );
        await this.subscription?.close();
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Folds one batch and commits it with its checkpoint. Public for the rebuild command. */
  apply(batch: readonly RecordedEvent[]): void {
    const touched = new Map<string, Folded>();
    /** Each touched call's state as the read model holds it, before this batch. */
    const before = new Map<string, Folded['state']>();
    let created = 0;
    for (const event of batch) {
      const callId = callIdFromStreamName(event.streamId);
      if (!callId) continue;
      let current = touched.get(callId);
      if (!current) {
        current = this.load(callId);
        before.set(callId, current.state);
      }
      if (event.revision <= current.revision) continue;
      if (current.revision === NO_ROW) created += 1;
      touched.set(callId, {
        state: evolve(current.state, toCallEvent(event)),
        revision: event.revision,
      });
    }
    const writes: CallWrite[] = [...touched].map(([callId, { state, revision }]) =>
      toCallWrite(state, revision, this.bounds, before.get(callId)),
    );
    const last = batch[batch.length - 1].position;
    this.readModel.commit(CALLS_PROJECTION, writes, last);
    // Only now: a failed commit is retried from the checkpoint, against the states it left.
    for (const [callId, folded] of touched) {
      this.cache.set(callId, folded);
      this.written?.add(callId);
    }
    this.position = last;
    this.projected += batch.length;
    if (this.calls !== undefined) this.calls += created;
    this.onCommitted?.(batch);
    this.deliver(writes.map((write) => write.view satisfies CallView));
    this.changes.emit('batch', last);
  }

  private load(callId: string): Folded {
    const cached = this.cache.get(callId);
    if (cached) return cached;
    if (this.written && !this.written.has(callId)) return this.fresh();
    const row = this.readModel.folded(callId);
    return row ? { state: row.folded, revision: row.revision } : this.fresh();
  }

  private fresh(): Folded {
    return { state: initialCallState(), revision: NO_ROW };
  }
}
