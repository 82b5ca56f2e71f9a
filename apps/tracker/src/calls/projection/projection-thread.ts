import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EventStore, parsePosition, startReaderThread, stopThread } from '@tracker/event-store';
import { Projection, ProjectionStatus } from '@tracker/read-model';
import type { CommittedBatch } from '../../metrics/committed-batch';
import type { FromProjection, ProjectionWorkerData, ToProjection } from './projection-protocol';

export interface ProjectionThreadLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * The read model's projection in a thread of its own (projection-worker.ts), so that folding and
 * the read model's writes use the second core instead of delaying HTTP answers. Seen from here it
 * is a Projection like any other: status, changes, waitFor. The built service runs the worker from
 * `projection-worker.js` beside the bundle (a second webpack entry).
 */
export class ProjectionThread extends Projection {
  private worker: Worker | undefined;
  private current: ProjectionStatus = { projectedEvents: 0 };
  /** The thread's Linux id once it has reported (for its CPU metric). */
  osThreadId: number | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly data: Omit<ProjectionWorkerData, 'wake'>,
    private readonly store: EventStore,
    private readonly logger: ProjectionThreadLogger,
    /** Told of each batch the thread committed (the lag metric). */
    private readonly onCommitted?: (batch: CommittedBatch) => void,
  ) {
    super();
  }

  get status(): ProjectionStatus {
    return this.current;
  }

  start(): void {
    if (this.worker) return;
    // The writer thread wakes the new thread after each commit itself: this loop posts nothing.
    const worker = startReaderThread<ProjectionWorkerData>(
      join(__dirname, 'projection-worker'),
      this.data,
      this.store,
    );
    this.worker = worker;
    worker.on('message', (message: FromProjection) => this.receive(message));
    worker.on('error', (error) => this.logger.error(`projection thread: ${error.stack ?? error}`));
    this.stopped = new Promise((resolve) => worker.once('exit', () => resolve()));
    if (this.watchedCalls.length > 0) this.watchedCallsChanged();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await stopThread({
      name: 'projection thread',
      worker,
      exited: this.stopped!,
      ask: () => this.send({ kind: 'stop' }),
      timeoutMs: STOP_TIMEOUT_MS,
      warn: (message) => this.logger.warn(message),
    });
    this.worker = undefined;
  }

  protected override watchedCallsChanged(): void {
    this.send({ kind: 'watch', callIds: this.watchedCalls });
  }

  private send(message: ToProjection): void {
    this.worker?.postMessage(message);
  }

  private receive(message: FromProjection): void {
    switch (message.kind) {
      case 'status':
        this.current = {
          position: message.position ? parsePosition(message.position) : undefined,
          projectedEvents: message.projectedEvents,
          calls: message.calls,
        };
        this.osThreadId = message.osThreadId;
        if (message.committed?.createdMs.length) this.onCommitted?.(message.committed);
        return;
      case 'calls':
        this.deliver(message.views);
        return;
      case 'log':
        this.logger[message.level](message.message);
        return;
      case 'stopped':
        return;
      default: {
        const unknown: never = message;
        this.logger.warn(`projection thread: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
