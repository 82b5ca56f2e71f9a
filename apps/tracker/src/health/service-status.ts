import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, EventStore, formatPosition, StorePosition } from '@tracker/event-store';
import { PublisherLeadership } from '@tracker/fanout';
import { Projection } from '@tracker/read-model';

/** How far behind `position` is from `head`, in the store's position units (events, for the embedded store). */
const lag = (head: StorePosition | undefined, position: StorePosition | undefined): number =>
  head === undefined ? 0 : Number(head.commit - (position?.commit ?? 0n));

/** One place that gathers the positions and lags that health and metrics report. */
@Injectable()
export class ServiceStatus {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projection,
    @Optional()
    @Inject(PublisherLeadership)
    private readonly leadership: PublisherLeadership | null,
  ) {}

  async snapshot() {
    const head = await this.store.headPosition().catch(() => undefined);
    const projection = this.projector.status;
    const fanout = this.leadership?.currentStatus;
    const active = fanout?.role === 'active';
    return {
      head,
      projection: {
        position: projection.position,
        lag: lag(head, projection.position),
        // Kept by the projection: counting the rows here would scan every call on each scrape.
        calls: projection.calls,
      },
      fanout: fanout && {
        active,
        state: fanout.state,
        publishedPosition: fanout.publishedPosition,
        // A standby publishes nothing: the lag is the active instance's to report.
        lag: active ? lag(head, fanout.publishedPosition) : undefined,
      },
    };
  }

  /** The fan-out part of /health/ready: informative, never a reason to refuse notifications. */
  async fanoutReport() {
    // Not snapshot(): a readiness probe must not count the read model's rows every time.
    const fanout = this.leadership?.currentStatus;
    if (!fanout) return { status: 'off' as const };
    if (fanout.role !== 'active') return { status: fanout.role, role: fanout.role };
    const head = await this.store.headPosition().catch(() => undefined);
    return {
      status: fanout.state,
      role: fanout.role,
      publishedPosition: fanout.publishedPosition ? formatPosition(fanout.publishedPosition) : null,
      headPosition: head ? formatPosition(head) : null,
      lag: lag(head, fanout.publishedPosition),
      ...(fanout.lastError ? { lastError: fanout.lastError } : {}),
    };
  }
}
