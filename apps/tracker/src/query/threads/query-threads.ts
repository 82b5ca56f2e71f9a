import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import {
  ReadModelBusyError,
  ReadModelQueries,
  ReadModelUnavailableError,
  ViewQuery,
} from '@tracker/read-model';
import { startThread, stopThread } from '@tracker/event-store';
import type {
  FromQueryThread,
  NumberedQuery,
  QueryAnswer,
  QueryWorkerData,
  ToQueryThread,
} from './query-protocol';

/** A thread that ended is started again on a later query, but not sooner than this after it ended. */
const RESTART_AFTER_MS = 1_000;
const STOP_TIMEOUT_MS = 5_000;
/** Refused queries are logged at most once in this long (each one is counted). */
const REFUSALS_LOGGED_EVERY_MS = 10_000;

export interface QueryThreadsLogger {
  error(message: string): void;
  warn(message: string): void;
}

export interface QueryThreadsOptions {
  readonly threads: number;
  /**
   * Queries waiting for their answers (asked of a thread, or answered but not yet taken in by this
   * event loop) past which a query is refused at once with ReadModelBusyError (QUERY_QUEUE_LIMIT).
   */
  readonly queueLimit: number;
  /** Told of each refused query (its metric). */
  readonly onRefused?: () => void;
}

interface Waiting {
  resolve(views: string[]): void;
  reject(error: unknown): void;
}

/** One query thread (query-worker.ts) and the queries it has not answered yet. */
class QueryThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  /** Asked in this turn of the event loop, sent together when it ends. */
  private outbox: NumberedQuery[] = [];
  private nextId = 0;
  private endedAt = -Infinity;
  private stopping = false;
  /** The thread's Linux id once it is ready (for its CPU metric). */
  osThreadId: number | undefined;

  constructor(
    readonly name: string,
    private readonly data: QueryWorkerData,
    private readonly logger: QueryThreadsLogger,
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  get unanswered(): number {
    return this.waiting.size;
  }

  /** Whether it is running or may be started again now. */
  get available(): boolean {
    return this.running || (!this.stopping && Date.now() - this.endedAt >= RESTART_AFTER_MS);
  }

  ask(query: ViewQuery): Promise<string[]> {
    if (!this.worker) this.start();
    const id = this.nextId++;
    if (this.outbox.length === 0) setImmediate(() => this.flush());
    this.outbox.push({ id, query });
    return new Promise<string[]>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  private flush(): void {
    const queries = this.outbox;
    this.outbox = [];
    if (queries.length > 0 && this.worker) {
      this.worker.postMessage({ kind: 'queries', queries } satisfies ToQueryThread);
    }
  }

  start(): Worker {
    const worker = startThread(join(__dirname, 'query-worker'), this.data);
    this.worker = worker;
    worker.on('message', (message: FromQueryThread) => this.receive(message));
    worker.on('error', (error) => this.logger.error(`${this.name}: ${error.stack ?? error}`));
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.endedAt = Date.now();
      this.osThreadId = undefined;
      if (!this.stopping) this.logger.error(`${this.name} ended (exit code ${code})`);
      this.outbox = []; // failed with the rest
      this.failWaiting(`${this.name} ended`);
    });
    return worker;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    await stopThread({
      name: this.name,
      worker,
      exited: new Promise((resolve) => worker.once('exit', resolve)),
      ask: () => worker.postMessage({ kind: 'stop' } satisfies ToQueryThread),
      timeoutMs: STOP_TIMEOUT_MS,
      warn: (message) => this.logger.warn(message),
    });
  }

  private receive(message: FromQueryThread): void {
    switch (message.kind) {
      case 'ready':
        this.osThreadId = message.osThreadId;
        return;
      case 'answers':
        for (const answer of message.answers) this.settle(answer);
        return;
      case 'fatal':
        this.logger.error(`${this.name}: ${message.message}`);
        return;
      default: {
        const unknown: never = message;
        this.logger.error(`${this.name}: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  private settle(answer: QueryAnswer): void {
    const waiting = this.waiting.get(answer.id);
    this.waiting.delete(answer.id);
    if (!waiting) return;
    if ('views' in answer) waiting.resolve(answer.views as string[]);
    else {
      waiting.reject(
        answer.unavailable
          ? new ReadModelUnavailableError(answer.failed)
          : new Error(answer.failed),
      );
    }
  }

  private failWaiting(why: string): void {
    for (const { reject } of this.waiting.values()) {
      reject(new ReadModelUnavailableError(`read model unavailable: ${why}`));
    }
    this.waiting.clear();
  }
}

/**
 * The read model's queries answered by worker threads, each with its own connection
 * (QUERY_THREADS). A query goes to the running thread with the fewest unanswered queries. A thread
 * that ends (its queries get ReadModelUnavailableError: 503) is started again on a later query.
 * Past `queueLimit` queries waiting, a query is refused (ReadModelBusyError: 503 too).
 */
export class QueryThreads extends ReadModelQueries {
  private readonly threads: QueryThread[];
  private refusedSinceLog = 0;
  private lastRefusalLog = -Infinity;

  constructor(
    data: QueryWorkerData,
    private readonly options: QueryThreadsOptions,
    private readonly logger: QueryThreadsLogger,
  ) {
    super();
    this.threads = Array.from(
      { length: options.threads },
      (_, i) => new QueryThread(`query_${i + 1}`, data, logger),
    );
    for (const thread of this.threads) thread.start();
  }

  /** Queries asked and not answered yet, over all threads. */
  get waiting(): number {
    let waiting = 0;
    for (const thread of this.threads) waiting += thread.unanswered;
    return waiting;
  }

  /** Each thread's name and Linux id (for tracker_thread_cpu_seconds). */
  get threadIds(): ReadonlyArray<readonly [string, () => number | undefined]> {
    return this.threads.map((thread) => [thread.name, () => thread.osThreadId] as const);
  }

  override async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }

  protected run(query: ViewQuery): Promise<string[]> {
    const waiting = this.waiting;
    if (waiting >= this.options.queueLimit) return Promise.reject(this.refuse(waiting));
    const thread = this.pick();
    if (!thread) {
      return Promise.reject(
        new ReadModelUnavailableError('read model unavailable: its query threads are restarting'),
      );
    }
    return thread.ask(query);
  }

  /**
   * Past the limit the service is slower than the queries arrive, and a queued query would only
   * wait longer: the answer "retry later" now costs the caller less, and this event loop too.
   */
  private refuse(waiting: number): ReadModelBusyError {
    this.options.onRefused?.();
    this.refusedSinceLog += 1;
    const now = Date.now();
    if (now - this.lastRefusalLog >= REFUSALS_LOGGED_EVERY_MS) {
      this.logger.warn(
        `refused ${this.refusedSinceLog} read${this.refusedSinceLog === 1 ? '' : 's'} since the last such line: ${waiting} queries were waiting for their answers (QUERY_QUEUE_LIMIT ${this.options.queueLimit})`,
      );
      this.lastRefusalLog = now;
      this.refusedSinceLog = 0;
    }
    return new ReadModelBusyError(
      `the read model has ${waiting} queries waiting for their answers; retry later`,
    );
  }

  private pick(): QueryThread | undefined {
    let best: QueryThread | undefined;
    for (const thread of this.threads) {
      if (!thread.running) continue;
      if (!best || thread.unanswered < best.unanswered) best = thread;
    }
    return best ?? this.threads.find((thread) => thread.available);
  }
}
