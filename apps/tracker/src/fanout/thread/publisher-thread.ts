import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EventStore, startReaderThread, stopThread } from '@tracker/event-store';
import type { Publisher, PublisherLogger, PublisherStatus } from '@tracker/fanout';
import type { FromPublisher, PublisherWorkerData, ToPublisher } from './publisher-protocol';
import type { PublishedTransaction } from '../kafka-publisher-for';

const STOP_TIMEOUT_MS = 10_000;
const RESTART_AFTER_MS = 1000;

/**
 * A `KafkaPublisher` in a worker thread of its own (publisher-worker.ts), seen from here as a
 * `Publisher` like the in-process one: start, stop, status. The thread reads the store through its
 * own connection; this side tells it of each commit so it does not wait for its poll. A thread
 * that dies (it should not: the publisher retries every failure itself) is started again.
 */
export class PublisherThread implements Publisher {
  private worker: Worker | undefined;
  private status: PublisherStatus = { state: 'starting', publishedEvents: 0, transactions: 0 };
  /** The counts of threads that died: a restarted thread counts from zero. */
  private before = { publishedEvents: 0, transactions: 0 };
  private stopping = false;
  private exited: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly data: Omit<PublisherWorkerData, 'wake'>,
    private readonly store: EventStore,
    private readonly logger: PublisherLogger,
    private readonly onPublished: (published: PublishedTransaction) => void,
    /** Told the thread's Linux id (for its CPU metric). */
    private readonly onOsThreadId: (id: number | undefined) => void,
  ) {}

  get currentStatus(): PublisherStatus {
    return this.status;
  }

  start(): void {
    if (this.worker || this.stopping) return;
    // The writer thread wakes the new thread after each commit itself: this loop posts nothing.
    const worker = startReaderThread<PublisherWorkerData>(
      join(__dirname, 'publisher-worker'),
      this.data,
      this.store,
    );
    this.worker = worker;
    worker.on('message', (message: FromPublisher) => this.receive(message));
    worker.on('error', (error) => this.logger.error(`publisher thread: ${error.stack ?? error}`));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.worker = undefined;
        resolve();
        if (this.stopping) return;
        this.logger.error(`publisher thread exited (${code}); starting it again`);
        this.status = { ...this.status, state: 'retrying', lastError: `thread exited (${code})` };
        const { publishedEvents, transactions } = this.status;
        this.before = { publishedEvents, transactions };
        this.restartTimer = setTimeout(() => this.start(), RESTART_AFTER_MS);
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (worker) {
      await stopThread({
        name: 'publisher thread',
        worker,
        exited: this.exited!,
        ask: () => this.send({ kind: 'stop' }),
        timeoutMs: STOP_TIMEOUT_MS,
        warn: (message) => this.logger.warn(message),
      });
    }
    this.status = { ...this.status, state: this.status.state === 'fenced' ? 'fenced' : 'stopped' };
  }

  private send(message: ToPublisher): void {
    this.worker?.postMessage(message);
  }

  private receive(message: FromPublisher): void {
    switch (message.kind) {
      case 'status':
        this.onOsThreadId(message.osThreadId);
        this.status = {
          ...message.status,
          publishedEvents: this.before.publishedEvents + message.status.publishedEvents,
          transactions: this.before.transactions + message.status.transactions,
        };
        if (message.published) this.onPublished(message.published);
        return;
      case 'log':
        this.logger[message.level](message.message);
        return;
      case 'stopped':
        return;
      default: {
        const unknown: never = message;
        this.logger.warn(`publisher thread: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
