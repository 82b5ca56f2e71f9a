import type { AllStreamSubscription } from '@eventstore/db-client';
import { StoreUnavailableError } from '../port/errors';
import type { RecordedEvent, StoreSubscription } from '../port/event-store.port';
import { comparePositions, type StorePosition } from '../port/position';
import { isSystemEvent, toRecordedEvent, translateError } from './esdb-mapping';

export class EsdbSubscription implements StoreSubscription {
  private source?: AllStreamSubscription;
  private iterated = false;
  private closed = false;

  constructor(
    private readonly open: () => AllStreamSubscription,
    private readonly after: StorePosition | undefined,
    private readonly onClose: () => void,
    /** Told the position of every event delivered. */
    private readonly onEvent: (position: StorePosition) => void = () => undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    const source = this.source;
    if (!source) return;
    // The client swallows the cancellation caused by unsubscribe(), so its readable never ends on
    // its own: destroying it is what wakes a pending iteration.
    source.destroy();
    await source.unsubscribe().catch(() => undefined);
  }

  private async *iterate(): AsyncGenerator<RecordedEvent> {
    if (this.iterated) throw new Error('a store subscription can be iterated only once');
    this.iterated = true;
    if (this.closed) return;
    // Opened on first iteration, not in subscribeToAll(): the client emits connection errors on the
    // readable, and an 'error' emitted before anyone listens would crash the process.
    const source = this.open();
    this.source = source;
    try {
      for await (const resolved of source) {
        const event = resolved.event;
        if (!event || isSystemEvent(event)) continue;
        // Whether the server treats fromPosition as inclusive is not part of its contract.
        if (this.after && comparePositions(event.position, this.after) <= 0) continue;
        const recorded = toRecordedEvent(event, event.position);
        this.onEvent(recorded.position);
        yield recorded;
      }
      if (!this.closed) {
        // A live subscription has no natural end: the consumer must resubscribe from its checkpoint.
        throw new StoreUnavailableError('EventStoreDB ended the $all subscription');
      }
    } catch (error) {
      if (!this.closed) throw translateError(error, 'subscribe to $all');
    } finally {
      await this.close();
    }
  }
}
