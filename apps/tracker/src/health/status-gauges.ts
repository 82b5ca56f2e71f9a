import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { ServiceStatus } from './service-status';

type Snapshot = Awaited<ReturnType<ServiceStatus['snapshot']>>;

const FANOUT_LAG = 'tracker_fanout_lag';

const gauge = (registry: Registry, name: string, help: string) =>
  new Gauge({ name, help, registers: [registry] });

/**
 * Positions and lags, read from the service's parts when /metrics is scraped (one snapshot per
 * scrape). A value that cannot be read (the store is down) keeps its last one. The fan-out gauges
 * appear only when fan-out is on, and its lag only on the elected publisher.
 */
@Injectable()
export class StatusGauges {
  private readonly registry: Registry;
  private readonly head: Gauge;
  private readonly projectionPosition: Gauge;
  private readonly projectionLag: Gauge;
  private readonly calls: Gauge;
  private fanout?: { position: Gauge; lag: Gauge; active: Gauge; running: Gauge };

  constructor(
    metrics: TrackerMetrics,
    private readonly status: ServiceStatus,
  ) {
    const r = (this.registry = metrics.registry);
    this.head = gauge(
      r,
      'tracker_store_head_position',
      'Commit position of the newest stored event',
    );
    this.projectionPosition = gauge(
      r,
      'tracker_projection_position',
      'Read model checkpoint (commit position)',
    );
    this.projectionLag = gauge(
      r,
      'tracker_projection_lag',
      'Store positions not yet in the read model',
    );
    this.calls = gauge(r, 'tracker_read_model_calls', 'Calls in the read model');
  }

  async refresh(): Promise<void> {
    const s = await this.status.snapshot();
    if (s.head) this.head.set(Number(s.head.commit));
    this.projectionPosition.set(Number(s.projection.position?.commit ?? 0n));
    this.projectionLag.set(s.projection.lag);
    if (s.projection.calls !== undefined) this.calls.set(s.projection.calls);
    if (s.fanout) this.setFanout(s.fanout);
  }

  private setFanout(fanout: NonNullable<Snapshot['fanout']>): void {
    const r = this.registry;
    this.fanout ??= {
      position: gauge(
        r,
        'tracker_fanout_published_position',
        'Last store position committed to Kafka',
      ),
      lag: gauge(r, FANOUT_LAG, 'Store positions not yet committed to Kafka'),
      active: gauge(
        r,
        'tracker_fanout_active',
        'Whether this instance is the elected Kafka publisher (1) or a standby (0)',
      ),
      running: gauge(
        r,
        'tracker_fanout_running',
        'Whether the Kafka publisher is running (1) or not (0)',
      ),
    };
    this.fanout.position.set(Number(fanout.publishedPosition?.commit ?? 0n));
    this.fanout.active.set(Number(fanout.active));
    this.fanout.running.set(Number(fanout.state === 'running'));
    // A standby has no lag of its own: the gauge is left out rather than kept at a stale value.
    const { lag } = this.fanout;
    if (fanout.lag === undefined) this.registry.removeSingleMetric(FANOUT_LAG);
    else {
      if (!this.registry.getSingleMetric(FANOUT_LAG)) this.registry.registerMetric(lag);
      lag.set(fanout.lag);
    }
  }
}
