import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import type { EventStore } from '../port/event-store.port';
import { startThread } from '../threads/start-thread';
import { EmbeddedEventStore } from './embedded-event-store';

/**
 * A reader thread's line from the embedded store's writer thread (the projection's, the
 * publisher's): the writer posts on `port` right after each commit that wrote events, so a reader
 * hears of a commit without waiting for the appending thread's event loop to take the writer's
 * answer and pass it on. At most one wake-up is in flight (the flag in `shared`): a busy reader
 * takes its messages only between batches, and one wake-up makes it read everything committed
 * until then. Structured-cloneable once `port` is in the transfer list.
 */
export interface CommitWake {
  readonly port: MessagePort;
  readonly shared: SharedArrayBuffer;
}

/**
 * The appending side: a new line from `store`'s writer thread, to hand to one reader thread (put
 * `port` in `transferList`). Undefined for another store: its readers find appends by themselves.
 */
export const commitWakeFor = (store: EventStore): CommitWake | undefined => {
  if (!(store instanceof EmbeddedEventStore)) return undefined;
  const { port1, port2 } = new MessageChannel();
  const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  if (!store.wakeOnCommit(port1, shared)) {
    port1.close();
    return undefined;
  }
  return { port: port2, shared };
};

/**
 * Starts a worker thread that reads `store` (see `startThread`), with a line from its writer thread
 * as `workerData.wake` (undefined for another store), for the thread to pass to `followCommits`.
 */
export const startReaderThread = <T extends { readonly wake?: CommitWake }>(
  entry: string,
  workerData: Omit<T, 'wake'>,
  store: EventStore,
): Worker => {
  const wake = commitWakeFor(store);
  return startThread(entry, { ...workerData, wake }, wake && [wake.port]);
};

/**
 * The reader thread's side: on each wake-up clear the flag, then wake `store`'s subscriptions, so
 * a commit after the clear posts again and one before it is seen by their read. Returns what stops
 * listening (it closes the port: the writer forgets a closed line).
 */
export const followCommits = (wake: CommitWake | undefined, store: EventStore): (() => void) => {
  if (!wake || !(store instanceof EmbeddedEventStore)) return () => undefined;
  const flag = new Int32Array(wake.shared);
  wake.port.on('message', () => {
    Atomics.store(flag, 0, 0);
    store.notifyAppended();
  });
  return () => wake.port.close();
};
