import { deadlineBounds } from '@tracker/domain';
import { EventStore } from '@tracker/event-store';
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

export interface RebuildSummary {
  readonly projection: string;
  readonly events: number;
  readonly calls: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
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

/**
 * Folds the whole store into a new read model beside the old one, in batches of `batchSize`, and
 * puts it in the old one's place when complete (`RebuildTarget`): a rebuild that fails or is
 * interrupted leaves the old read model untouched. Large batches: a call whose events are spread
 * over a batch is written once for all of them, and there are fewer transactions.
 */
export const rebuild = async (
  config: AppConfig,
  store: EventStore,
  batchSize = 5000,
): Promise<RebuildSummary> => {
  const target = new RebuildTarget(config.readModelPath);
  let finished = false;
  try {
    const projector = new CallProjector(
      store,
      target.store,
      deadlineBounds(config.deadlines.bounds),
      quiet,
      // ~4 KB each: more than the calls going on at once in a busy store; more only costs memory.
      { cachedCalls: 5000 },
    );
    const started = process.hrtime.bigint();
    const bar = progressBar('rebuild calls', await headTotal(store));
    let events = 0;
    try {
      projector.reset();
      for await (const batch of chunks(store.readAll(), batchSize)) {
        projector.apply(batch);
        events += batch.length;
        bar.increment(batch.length);
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
    };
  } finally {
    if (!finished) target.abandon();
  }
};
