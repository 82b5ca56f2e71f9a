import { EmbeddedEventStore, EventStore } from '@tracker/event-store';

/**
 * Tells a worker thread that reads the store (projection, publisher) that this process committed
 * appends, with at most one message in flight. A busy reader takes its messages only between
 * batches, and one wake-up makes it read everything committed until then, so the commits that
 * land meanwhile need no message of their own.
 *
 * The flag lives in shared memory: the parent sets it when it posts, the reader clears it when the
 * message arrives, before it reads. A commit that finds the flag set is covered by that read.
 */
export class AppendWake {
  readonly shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  private readonly flag = new Int32Array(this.shared);

  /**
   * Posts a wake-up (`post`) after each commit of `store` in this process, unless one is in
   * flight; returns how to stop. Only the embedded store commits in this process: with another
   * store the reader finds appends by itself, and this does nothing.
   */
  follow(store: EventStore, post: () => void): () => void {
    if (!(store instanceof EmbeddedEventStore)) return () => undefined;
    return store.onAppended(() => this.notify(post));
  }

  /** After a commit: `post` runs only when no wake-up is in flight. */
  notify(post: () => void): void {
    if (Atomics.exchange(this.flag, 0, 1) === 0) post();
  }

  /** A new reader thread starts by reading the store: nothing is in flight for it. */
  reset(): void {
    Atomics.store(this.flag, 0, 0);
  }
}

/**
 * The reader's side, when a wake-up arrives: clear the flag, then wake the reader's subscriptions,
 * so that a commit after the clear posts again and one before it is seen by their read.
 */
export const wakeTaken = (shared: SharedArrayBuffer, store: EventStore): void => {
  Atomics.store(new Int32Array(shared), 0, 0);
  if (store instanceof EmbeddedEventStore) store.notifyAppended();
};
