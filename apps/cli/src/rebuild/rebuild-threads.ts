import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { DeadlineBounds } from '@tracker/domain';
import { EmbeddedEventStore, startThread, stopThread, StorePosition } from '@tracker/event-store';
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
  /** Told each fold thread's exit code: 0 when it stopped by itself (tests). */
  readonly onThreadExit?: (code: number) => void;
}

/** How long the fold threads get to stop by themselves before they are terminated. */
const STOP_TIMEOUT_MS = 10_000;

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
  const exits: Promise<number>[] = [];
  const stop = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
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
          stop,
        };
        const worker = startThread(join(__dirname, 'rebuild-worker'), data);
        workers.push(worker);
        exits.push(
          new Promise<number>((exited) => worker.once('exit', exited)).then((code) => {
            options.onThreadExit?.(code);
            return code;
          }),
        );
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
    await stopThreads(workers, exits, stop);
  }
  // Also when no thread had a call to write (a store of other streams only).
  target.commitRows(CALLS_PROJECTION, [], upTo);
  return events;
};

/**
 * Raises the shared stop flag (the fold threads' read loop checks it between reads: it does not
 * yield to messages) and stops each thread with `stopThread`: one that was terminated mid-read in
 * libsql once ended a failed rebuild with exit code 134 instead of its message.
 */
const stopThreads = async (
  workers: readonly Worker[],
  exits: readonly Promise<number>[],
  stop: SharedArrayBuffer,
): Promise<void> => {
  Atomics.store(new Int32Array(stop), 0, 1);
  await Promise.all(
    workers.map((worker, i) =>
      stopThread({
        worker,
        exited: exits[i],
        ask: () => worker.postMessage({ type: 'stop' } satisfies ToFoldThread),
        timeoutMs: STOP_TIMEOUT_MS,
        name: `rebuild fold thread ${i + 1}`,
        // Errors and progress go to stderr (stdout stays pipeable), as everywhere in the CLI.
        warn: (message) => process.stderr.write(`${message}\n`),
      }),
    ),
  );
};
