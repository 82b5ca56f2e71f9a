import { Controller, Get, Header } from '@nestjs/common';
import { AuthCounters } from '../auth/auth-counters';
import { Authenticate } from '../auth/authenticate.decorator';
import { ServiceStatus } from './service-status';

type Sample = [
  name: string,
  help: string,
  type: 'counter' | 'gauge',
  value: number | bigint | undefined,
];

/** Prometheus text exposition of the service's progress and lag. */
@Authenticate('public') // scraped from inside the cluster; holds no call data
@Controller()
export class MetricsController {
  constructor(
    private readonly status: ServiceStatus,
    private readonly auth: AuthCounters,
  ) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    const s = await this.status.snapshot();
    const samples: Sample[] = [
      [
        'tracker_store_head_position',
        'Commit position of the newest stored event',
        'gauge',
        s.head?.commit,
      ],
      [
        'tracker_store_commits_total',
        'Embedded store transactions (group commits)',
        'counter',
        s.store?.commits,
      ],
      [
        'tracker_store_appends_total',
        'Embedded store appends committed',
        'counter',
        s.store?.appends,
      ],
      [
        'tracker_ingest_accepted_total',
        'Notifications accepted and stored',
        'counter',
        s.ingest.accepted,
      ],
      [
        'tracker_ingest_duplicates_total',
        'Notifications recognised as redeliveries',
        'counter',
        s.ingest.duplicates,
      ],
      [
        'tracker_ingest_revision_conflicts_total',
        'Appends that found their call stream changed by another writer',
        'counter',
        s.ingest.conflicts,
      ],
      [
        'tracker_ingest_conflict_retries_total',
        'Conflicted appends decided again after a jittered backoff',
        'counter',
        s.ingest.retries,
      ],
      [
        'tracker_ingest_operation_type_conflicts_total',
        'Notifications that named a known operation with another type (the first type is kept)',
        'counter',
        s.ingest.typeConflicts,
      ],
      [
        'tracker_projection_position',
        'Read model checkpoint (commit position)',
        'gauge',
        s.projection.position?.commit,
      ],
      [
        'tracker_projection_lag',
        'Store positions not yet in the read model',
        'gauge',
        s.projection.lag,
      ],
      ['tracker_read_model_calls', 'Calls in the read model', 'gauge', s.projection.calls],
      [
        'tracker_fanout_published_position',
        'Last store position committed to Kafka',
        'gauge',
        s.fanout?.publishedPosition?.commit,
      ],
      ['tracker_fanout_lag', 'Store positions not yet committed to Kafka', 'gauge', s.fanout?.lag],
      [
        'tracker_fanout_published_events_total',
        'Events published to Kafka by this process',
        'counter',
        s.fanout?.publishedEvents,
      ],
      [
        'tracker_fanout_transactions_total',
        'Kafka transactions committed by this process',
        'counter',
        s.fanout?.transactions,
      ],
      [
        'tracker_fanout_active',
        'Whether this instance is the elected Kafka publisher (1) or a standby (0)',
        'gauge',
        s.fanout && Number(s.fanout.role === 'active'),
      ],
      [
        'tracker_fanout_running',
        'Whether the Kafka publisher is running (1) or not (0)',
        'gauge',
        s.fanout && Number(s.fanout.state === 'running'),
      ],
    ];
    const rejected = this.auth
      .snapshot()
      .map(
        (r) =>
          `tracker_auth_rejected_total{caller="${r.caller}",reason="${r.reason}"} ${r.count}\n`,
      )
      .join('');
    return (
      samples
        .filter(([, , , value]) => value !== undefined)
        .map(
          ([name, help, type, value]) =>
            `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`,
        )
        .join('') +
      '# HELP tracker_auth_rejected_total Requests refused for missing or bad credentials\n' +
      '# TYPE tracker_auth_rejected_total counter\n' +
      rejected
    );
  }
}
