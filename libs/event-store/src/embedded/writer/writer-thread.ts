import { join } from 'node:path';
import { Transferable, Worker } from 'node:worker_threads';
import { profilingExecArgv } from '../../threads/thread-cpu';
import type { WriterReply, WriterRequest } from './writer-protocol';

/** Distributes the `Omit` over the request union, so each kind keeps its own fields. */
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The writer thread seen from the store: requests in, replies out, in order. The worker file sits
 * beside this one in the sources, and beside the bundle after `nest build` (a nest-cli asset).
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (reply: WriterReply) => void>();
  private nextId = 1;
  private exited: Error | undefined;

  constructor(path: string, busyTimeoutMs: number) {
    this.worker = new Worker(join(__dirname, 'embedded-writer.worker.js'), {
      workerData: { path, busyTimeoutMs },
      // The worker is plain JavaScript: it needs none of the parent's loaders (ts-node, swc).
      execArgv: profilingExecArgv(),
    });
    this.worker.on('message', (reply: WriterReply) => {
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      resolve?.(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`embedded writer thread exited (${code})`)),
    );
    // An idle writer must not keep the process alive; one with requests waiting must.
    this.worker.unref();
  }

  /** False once the thread has exited or failed: every request is then answered with an error. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  request(message: Unsent<WriterRequest>, transferList?: Transferable[]): Promise<WriterReply> {
    if (this.exited) {
      return Promise.resolve({ id: 0, ok: false, error: { message: this.exited.message } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...message, id }, transferList);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const [id, resolve] of this.waiting) {
      resolve({ id, ok: false, error: { message: error.message } });
    }
    this.waiting.clear();
  }
}
