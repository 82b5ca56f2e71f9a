import type { DeadlineBounds } from '@tracker/domain';
import type { CallRows } from '@tracker/read-model';

/** What a fold thread of a rebuild is given: its share of the streams, all up to one position. */
export interface FoldThreadData {
  readonly storePath: string;
  /** The store's head when the rebuild began (`commit` as a decimal string): nothing after it. */
  readonly upTo: string;
  readonly streamIds: readonly string[];
  readonly bounds: DeadlineBounds;
  /** Calls per message to the writer. */
  readonly callsPerMessage: number;
  /** A stream larger than this is read event by event (`readStreamsWhole`); tests make it small. */
  readonly maxStreamBytes?: number;
  /**
   * One Int32 the writer sets to 1 to stop every thread between two reads (a thread's read loop
   * does not yield to its messages). A thread stops itself, closing the store first: terminating
   * a thread while it is in libsql can abort the whole process (libsql's binding panics).
   */
  readonly stop: SharedArrayBuffer;
}

export type FromFoldThread =
  | { readonly type: 'rows'; readonly calls: readonly CallRows[]; readonly events: number }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };

/**
 * `written`: the writer has committed one message's rows, so the thread may have one more in
 * flight. `stop`: wakes a thread that waits for room to send, to see the stop flag.
 */
export interface ToFoldThread {
  readonly type: 'written' | 'stop';
}

/**
 * Messages a fold thread may have sent and not yet seen written: enough to keep the writer busy
 * while the thread folds the next calls, few enough that a slow disk does not fill the memory.
 */
export const MESSAGES_IN_FLIGHT = 2;
