/**
 * Tells a worker thread that reads the store (projection, publisher) that this process committed
 * appends, with at most one message in flight. A busy reader takes its messages only between
 * batches, and one wake-up makes it read everything committed until then, so the commits that
 * land meanwhile need no message of their own: under load most commits post nothing, where each
 * used to cost the event loop a `postMessage` and the reader a wake-up.
 *
 * The flag lives in shared memory: the parent sets it when it posts, the reader clears it when the
 * message arrives, before it reads. A commit that finds the flag set is covered by that read.
 */
export class AppendWake {
  readonly shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  private readonly flag = new Int32Array(this.shared);

  /** After a commit: `post` runs only when no wake-up is in flight. */
  notify(post: () => void): void {
    if (Atomics.exchange(this.flag, 0, 1) === 0) post();
  }

  /** A new reader thread starts by reading the store: nothing is in flight for it. */
  reset(): void {
    Atomics.store(this.flag, 0, 0);
  }
}

/** The reader's side: a wake-up arrived; clear the flag before reading what it announces. */
export const wakeTaken = (shared: SharedArrayBuffer): void => {
  Atomics.store(new Int32Array(shared), 0, 0);
};
