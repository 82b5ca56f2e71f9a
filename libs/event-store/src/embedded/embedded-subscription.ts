import type { EventEmitter } from 'node:events';
import type { RecordedEvent, StoreSubscription } from '../port/event-store.port';

type ReadPage = (after: number, limit: number) => RecordedEvent[];

/**
 * Catch-up then live, in one loop: read a page after the last delivered position; when a page comes
 * back empty, wait for this process's next append (or the poll timer, which finds appends made by
 * another process sharing the file). Reading and starting to wait happen in the same synchronous
 * turn, so no in-process append can slip between them unseen.
 */
export class EmbeddedSubscription implements StoreSubscription {
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly readPage: ReadPage,
    private readonly signals: EventEmitter,
    private after: number,
    private readonly pollIntervalMs: number,
    private readonly pageSize: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const onSignal = () => this.wakeUp();
    const onClosed = () => void this.close();
    this.signals.on('appended', onSignal);
    this.signals.on('closed', onClosed);
    const timer = setInterval(onSignal, this.pollIntervalMs);
    timer.unref();
    try {
      while (!this.closed) {
        const page = this.readPage(this.after, this.pageSize);
        if (page.length === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        for (const event of page) {
          if (this.closed) return;
          this.after = Number(event.position.commit);
          yield event;
        }
      }
    } finally {
      clearInterval(timer);
      this.signals.off('appended', onSignal);
      this.signals.off('closed', onClosed);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
