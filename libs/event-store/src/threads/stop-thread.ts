import type { Worker } from 'node:worker_threads';

export interface ThreadToStop {
  readonly worker: Worker;
  /** Settles when the thread has ended (taken from its `exit` event when it was started). */
  readonly exited: Promise<unknown>;
  /** Asks it to stop: it should finish its work, close what it opened and end by itself. */
  readonly ask: () => void;
  readonly timeoutMs: number;
  /** Told, with the thread's `name`, when it had to be terminated. */
  readonly warn?: (message: string) => void;
  readonly name?: string;
}

/**
 * Asks a worker thread to stop and waits until it has ended by itself; only a thread still running
 * after `timeoutMs` is terminated. Every thread that reads the store stops this way, because
 * terminating a thread while it is in libsql can abort the whole process (libsql 0.5's binding
 * panics with "PendingException" and the process ends with SIGABRT, exit 134; reproduced, see the
 * README's CLI rebuild). Says whether it had to terminate the thread.
 */
export const stopThread = async ({
  worker,
  exited,
  ask,
  timeoutMs,
  warn,
  name = 'a thread',
}: ThreadToStop): Promise<'ended' | 'terminated'> => {
  ask();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'late')));
  try {
    if ((await Promise.race([exited, late])) !== 'late') return 'ended';
    warn?.(`${name} did not stop in ${timeoutMs} ms; terminated`);
    await worker.terminate();
    return 'terminated';
  } finally {
    clearTimeout(timer);
  }
};
