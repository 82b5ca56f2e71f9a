import { deadlineBounds } from '@tracker/domain';
import { availableParallelism } from 'node:os';
import { EmbeddedEventStore, EventStore } from '@tracker/event-store';
import {
  CALLS_PROJECTION,
  CallProjector,
  ReadModelLock,
  ReadModelLocked,
  RebuildTarget,
} from '@tracker/read-model';
import type { AppConfig } from '@tracker/config';
import { UsageError } from '../args';
import { chunks, headTotal } from '../context';
import { progressBar } from '../progress';
import { rebuildInThreads } from './rebuild-threads';

export interface RebuildSummary {
  readonly projection: string;
  readonly events: number;
  readonly calls: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Fold threads used; 0 when `$all` was folded in order on the main thread. */
  readonly foldThreads: number;
}

const quiet = { log: () => undefined, warn: () => undefined };

/**
 * The read model, alone, for a rebuild (a service starting meanwhile refuses to). While a running
 * service holds it the rebuild is refused (exit code 2); `force` goes on without the lock, after
 * saying so, for the SRE who knows the holder is gone or wrong.
 */
export const lockForRebuild = (
  readModelPath: string,
  force: boolean,
  warn: (text: string) => void,
): ReadModelLock | undefined => {
  try {
    return ReadModelLock.takeAlone(readModelPath);
  } catch (error) {
    if (!(error instanceof ReadModelLocked)) throw error;
    if (!force) {
      throw new UsageError(`${error.message}: stop it first, or pass --force to rebuild anyway`);
    }
    warn(`warning: ${error.message}; rebuilding anyway (--force)`);
    return undefined;
  }
};

export interface RebuildOptions {
  /**
   * Fold threads for an embedded store (0: fold in this thread, as for EventStoreDB, whose
   * rebuild always reads `$all` in order here).
   */
  readonly threads: number;
  /**
   * The in-order fold's batch of events and the folded states it keeps between batches (5,000
   * each: batches of 500 and 25,000 were slower). Tests make them small, so that calls span
   * batches and their states are evicted and read back.
   */
  readonly inOrder?: { readonly batchSize: number; readonly cachedCalls: number };
}

/**
 * One fold thread per core: on 2 cores the 1.7 M-event bench store took 50,421 events/s on one,
 * 60,050 on two and 47,272 on three (41,172 in order), back to back. Up to 4, unmeasured: past
 * some number the one writer (this thread) is the bottleneck; writing took about a fifth of the
 * in-order rebuild's time.
 */
export const defaultRebuildThreads = (): number => Math.min(4, Math.max(1, availableParallelism()));

/**
 * Folds the whole store into a new read model beside the old one and puts it in the old one's
 * place when complete (`RebuildTarget`): a rebuild that fails or is interrupted leaves the old read
 * model untouched. An embedded store is folded call by call on fold threads (`rebuildInThreads`);
 * otherwise, and with `threads: 0`, `$all` is folded here in large batches (a call whose events are
 * spread over a batch is written once for all of them, and there are fewer transactions).
 */
export const rebuild = async (
  config: AppConfig,
  store: EventStore,
  options: RebuildOptions,
): Promise<RebuildSummary> => {
  const target = new RebuildTarget(config.readModelPath);
  const bounds = deadlineBounds(config.deadlines.bounds);
  let finished = false;
  try {
    const started = process.hrtime.bigint();
    const bar = progressBar('rebuild calls', await headTotal(store));
    let events = 0;
    let foldThreads = 0;
    try {
      const inThreads =
        options.threads > 0 &&
        store instanceof EmbeddedEventStore &&
        config.store.kind === 'embedded';
      if (inThreads) {
        foldThreads = options.threads;
        const head = await store.headPosition(); // none: an empty store, an empty read model
        if (head !== undefined)
          events = await rebuildInThreads({
            store,
            storePath: config.store.path,
            target: target.store,
            bounds,
            upTo: head,
            threads: options.threads,
            onEvents: (n) => bar.increment(n),
          });
      } else {
        const { batchSize, cachedCalls } = options.inOrder ?? {
          batchSize: 5000,
          cachedCalls: 5000,
        };
        // ~4 KB per folded state: more than the calls going on at once in a busy store.
        const projector = new CallProjector(store, target.store, bounds, quiet, { cachedCalls });
        projector.reset();
        for await (const batch of chunks(store.readAll(), batchSize)) {
          projector.apply(batch);
          events += batch.length;
          bar.increment(batch.length);
        }
      }
    } finally {
      bar.stop();
    }
    const calls = target.store.callCount();
    target.finish();
    finished = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      projection: CALLS_PROJECTION,
      events,
      calls,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
      foldThreads,
    };
  } finally {
    if (!finished) target.abandon();
  }
};
