import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { DeadlineBounds } from '@tracker/domain';
import { EmbeddedEventStore, startThread, StorePosition } from '@tracker/event-store';
import { CALLS_PROJECTION, ReadModelStore } from '@tracker/read-model';
import { CliError } from '../args';
import { FoldThreadData, FromFoldThread, ToFoldThread } from './rebuild-protocol';

export interface RebuildThreadsOptions {
  readonly store: EmbeddedEventStore;
  readonly storePath: string;
  readonly target: ReadModelStore;
  readonly bounds: DeadlineBounds;
  /** The store's head when the rebuild began. */
  readonly upTo: StorePosition;
  readonly threads: number;
  /** Told of the events each written message covered (progress). */
  readonly onEvents: (events: number) => void;
  readonly callsPerMessage?: number;
  /** See `FoldThreadData`. */
  readonly maxStreamBytes?: number;
}

/**
 * The rebuild of an embedded store on `threads` fold threads, with this thread as the one writer
 * of the new read model. The streams are dealt out in the order of their first event, so each
 * thread walks the file front to back and each has about as many calls; each call is read, folded
 * and written once. Resolves with the events read; rejects on the first thread that fails (the
 * others are stopped). An operation id that two calls share (only if a platform reuses one) ends up
 * with whichever call was written last: in store order in the in-order fold, in commit order here.
 */
export const rebuildInThreads = async (options: RebuildThreadsOptions): Promise<number> => {
  const { store, target, upTo, threads } = options;
  const streams = store.streamIdsByFirstEvent(upTo);
  const shares = Array.from({ length: threads }, (_, k) =>
    streams.filter((_, i) => i % threads === k),
  );
  const workers: Worker[] = [];
  let events = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = shares.length;
      let failed = false;
      const fail = (error: Error) => {
        failed = true;
        reject(error);
      };
      for (const streamIds of shares) {
        const data: FoldThreadData = {
          storePath: options.storePath,
          upTo: upTo.commit.toString(),
          streamIds,
          bounds: options.bounds,
          callsPerMessage: options.callsPerMessage ?? 500,
          maxStreamBytes: options.maxStreamBytes,
        };
        const worker = startThread(join(__dirname, 'rebuild-worker'), data);
        workers.push(worker);
        let done = false;
        worker.on('message', (message: FromFoldThread) => {
          if (failed) return;
          switch (message.type) {
            case 'rows':
              try {
                // Each message's rows commit together; the checkpoint only counts once the file
                // replaces the old read model, and by then every thread has finished.
                target.commitRows(CALLS_PROJECTION, message.calls, upTo);
              } catch (error) {
                fail(error as Error);
                return;
              }
              events += message.events;
              options.onEvents(message.events);
              worker.postMessage({ type: 'written' } satisfies ToFoldThread);
              return;
            case 'done':
              done = true;
              if (--running === 0) resolve();
              return;
            case 'failed':
              fail(new CliError(`a rebuild thread failed: ${message.message}`));
              return;
            default: {
              const unknown: never = message;
              fail(new Error(`unknown message from a rebuild thread: ${JSON.stringify(unknown)}`));
            }
          }
        });
        worker.on('error', (error) =>
          fail(new CliError(`a rebuild thread failed: ${error.message}`)),
        );
        worker.on('exit', (code) => {
          if (!done && !failed)
            fail(new CliError(`a rebuild thread exited (code ${code}) before it finished`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  // Also when no thread had a call to write (a store of other streams only).
  target.commitRows(CALLS_PROJECTION, [], upTo);
  return events;
};
