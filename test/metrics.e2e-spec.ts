import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceKafkaEnv, topicNames } from '../libs/fanout/src/testing/kafka-test-kit';
import {
  parseSamples,
  promqlMetricNames,
  promtoolCheckMetrics,
  Sample,
  sampleValue,
} from './support/prometheus';
import * as grpc from '@grpc/grpc-js';
import { PUBLISH_STAGES } from '@tracker/fanout';
import { loaded } from './support/grpc-client';
import { fixture, RunningService, startService } from './support/running-service';
import { eventually } from './support/service-process';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const API_KEY = 'metrics-e2e-key-0123456789';
const WITH_KEY = { 'x-api-key': API_KEY };
const DASHBOARDS = join(__dirname, '..', 'deploy', 'grafana');

/** Every route pattern the service serves; anything else must be labelled `unmatched`. */
const ROUTES = [
  '/api/calls',
  '/api/acs/events',
  '/api/calls/:callId/operations',
  '/api/calls/:callId',
  '/api/calls/:callId/history',
  '/api/operations/:operationId',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/docs/:asset',
  'unmatched',
];

describe('/metrics of the running service (Kafka on), promtool and the Grafana dashboard', () => {
  let service: RunningService;
  let text: string;
  let samples: Sample[];
  let stored = 0;

  const value = (name: string, labels?: Record<string, string>) =>
    sampleValue(samples, name, labels);

  beforeAll(async () => {
    const prefix = `metrics-${randomUUID().slice(0, 8)}`;
    service = await startService({
      ...serviceKafkaEnv(prefix, topicNames(prefix)),
      API_KEYS: API_KEY,
      BODY_LIMIT_BYTES: '4096',
    });
    const raw = (path: string, init: RequestInit) => fetch(`${service.base}${path}`, init);
    const statuses: number[] = [];
    for (const name of [
      'graph/answer-incoming.json',
      'graph/answer-established.json',
      'graph/playprompt-completed.json',
      'graph/answer-incoming.json', // a redelivery: a duplicate
    ]) {
      statuses.push((await service.post('/api/calls', fixture(name))).status);
    }
    statuses.push(
      (
        await service.post(
          `/api/calls/${CALL}/operations`,
          fixture('graph/playprompt-response.json'),
          WITH_KEY,
        )
      ).status,
      // 400 of each kind
      (
        await raw('/api/calls', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"value": [',
        })
      ).status,
      (await service.post('/api/calls', { value: [] })).status,
      (
        await service.post('/api/calls', {
          value: [
            {
              changeType: 'updated',
              resourceUrl: '/communications/calls/metrics-call/operations/op-1',
              resourceData: {
                '@odata.type': '#microsoft.graph.playPromptOperation',
                clientContext: 'x'.repeat(300),
              },
            },
          ],
        })
      ).status,
      (await service.get('/api/calls/not%20an%20id', WITH_KEY)).status,
      (await service.post('/api/calls/%ZZ/operations', {})).status,
      // 401, 404, 413, 415
      (await service.get(`/api/calls/${CALL}`)).status,
      (await service.get('/api/calls/never-seen', WITH_KEY)).status,
      (await service.post('/api/calls', { value: [{ changeType: 'x'.repeat(5000) }] })).status,
      (
        await raw('/api/calls', {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: '<value/>',
        })
      ).status,
    );
    expect(statuses).toEqual([
      202, 202, 202, 202, 202, 400, 400, 400, 400, 400, 401, 404, 413, 415,
    ]);
    await service.settle();
    // gRPC: found, not found, and refused by the auth guard (no key).
    const client = new loaded.comms.tracker.v1.CallTracker(
      service.grpcAddress,
      grpc.credentials.createInsecure(),
    );
    const getCall = (callId: string, key?: string) =>
      new Promise<number>((resolve) => {
        const metadata = new grpc.Metadata();
        if (key) metadata.set('x-api-key', key);
        client.GetCall({ call_id: callId }, metadata, (error: grpc.ServiceError | null) =>
          resolve(error ? error.code : grpc.status.OK),
        );
      });
    try {
      expect([
        await getCall(CALL, API_KEY),
        await getCall(CALL, API_KEY),
        await getCall('00000000-0000-4000-8000-000000000000', API_KEY),
        await getCall(CALL),
      ]).toEqual([
        grpc.status.OK,
        grpc.status.OK,
        grpc.status.NOT_FOUND,
        grpc.status.UNAUTHENTICATED,
      ]);
      const health = new loaded.grpc.health.v1.Health(
        service.grpcAddress,
        grpc.credentials.createInsecure(),
      );
      const serving = await new Promise<unknown>((resolve, reject) =>
        health.Check({ service: '' }, (error: grpc.ServiceError | null, reply: unknown) =>
          error ? reject(error) : resolve(reply),
        ),
      );
      health.close();
      expect(serving).toEqual({ status: 'SERVING' });
    } finally {
      client.close();
    }
    for await (const _ of service.store.readAll()) stored += 1;
    // Garbage, so the GC histogram has something to say.
    let keep = 0;
    for (let i = 0; i < 200; i++) keep += new Array(10_000).fill(i).length;
    expect(keep).toBe(2_000_000);
    text = await eventually(
      'every stored event published to Kafka',
      () => fetch(`${service.base}/metrics`).then((r) => r.text()),
      (t) => sampleValue(parseSamples(t), 'tracker_fanout_published_events_total') === stored,
      60_000,
    );
    samples = parseSamples(text);
  }, 120_000);
  afterAll(async () => service.stop());

  it('passes `promtool check metrics` (Prometheus 2.42, Debian)', () => {
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
    // and promtool does object to a bad exposition
    const bad = promtoolCheckMetrics('# TYPE tracker_bad_total gauge\ntracker_bad_total 1\n');
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/_total/);
  });

  it('serves Prometheus text format 0.0.4 without an API key', async () => {
    const response = await fetch(`${service.base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('has the default process metrics: CPU, memory, event-loop lag, GC', () => {
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(samples.some((s) => s.name === 'nodejs_gc_duration_seconds_count' && s.value > 0)).toBe(
      true,
    );
  });

  it("splits the CPU by the service's own threads: the event loop, the store's writer, the publisher", () => {
    const main = value('tracker_thread_cpu_seconds', { thread: 'main' });
    const writer = value('tracker_thread_cpu_seconds', { thread: 'store_writer' });
    const publisher = value('tracker_thread_cpu_seconds', { thread: 'publisher' });
    expect(main).toBeGreaterThan(0);
    expect(writer).toBeGreaterThan(0);
    expect(publisher).toBeGreaterThan(0);
    // Each is one thread of this process (the test's own, here): less than its total.
    const { user, system } = process.cpuUsage();
    expect(main! + writer! + publisher!).toBeLessThan((user + system) / 1e6 + 0.05);
  });

  it('times HTTP requests by route pattern, never by the raw path', () => {
    const http = samples.filter((s) => s.name === 'tracker_http_request_duration_seconds_count');
    const routes = new Set(http.map((s) => s.labels.route));
    expect([...routes].filter((route) => !ROUTES.includes(route))).toEqual([]);
    expect(text).not.toContain(CALL);
    expect(text).not.toContain('never-seen');
    expect(
      value('tracker_http_request_duration_seconds_count', {
        route: '/api/calls',
        method: 'POST',
        status: '202',
      }),
    ).toBe(4);
    expect(
      value('tracker_http_request_duration_seconds_count', {
        route: '/api/calls/:callId',
        method: 'GET',
        status: '401',
      }),
    ).toBe(1);
    expect(
      value('tracker_http_request_duration_seconds_bucket', {
        route: '/api/calls',
        status: '202',
        le: '+Inf',
      }),
    ).toBe(4);
  });

  it('times gRPC calls by method and the status they end with, health checks too', () => {
    const count = (code: string) =>
      value('tracker_grpc_request_duration_seconds_count', {
        method: '/comms.tracker.v1.CallTracker/GetCall',
        code,
      });
    expect([count('OK'), count('NOT_FOUND'), count('UNAUTHENTICATED')]).toEqual([2, 1, 1]);
    expect(
      value('tracker_grpc_request_duration_seconds_bucket', {
        method: '/comms.tracker.v1.CallTracker/GetCall',
        code: 'OK',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      value('tracker_grpc_request_duration_seconds_count', {
        method: '/grpc.health.v1.Health/Check',
        code: 'OK',
      }),
    ).toBe(1);
  });

  it('counts rejections by status and reason', () => {
    const rejections = Object.fromEntries(
      samples
        .filter((s) => s.name === 'tracker_http_rejections_total')
        .map((s) => [`${s.labels.status} ${s.labels.reason}`, s.value]),
    );
    expect(rejections).toEqual({
      '400 malformed_body': 1,
      '400 invalid_envelope': 1,
      '400 invalid_notification': 1,
      '400 invalid_id': 1,
      '400 malformed_url': 1,
      '401 unauthorized': 1,
      '404 not_found': 1,
      '413 payload_too_large': 1,
      '415 unsupported_media_type': 1,
    });
    // The REST read without a key, and the gRPC GetCall without one.
    expect(
      value('tracker_auth_rejected_total', { caller: 'client', reason: 'missing credentials' }),
    ).toBe(2);
  });

  it('counts ingest, and times group commits with their size', () => {
    expect(value('tracker_ingest_accepted_total')).toBe(4);
    expect(value('tracker_ingest_duplicates_total')).toBe(1);
    const commits = value('tracker_store_commits_total')!;
    expect(commits).toBeGreaterThanOrEqual(4);
    expect(value('tracker_store_commit_duration_seconds_count')).toBe(commits);
    expect(value('tracker_store_commit_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value('tracker_store_commit_group_size_count')).toBe(commits);
    expect(value('tracker_store_commit_group_size_sum')).toBe(value('tracker_store_appends_total'));
    expect(value('tracker_ingest_revision_conflicts_total')).toBe(0);
    expect(value('tracker_ingest_conflict_retries_total')).toBe(0);
  });

  it('observes the projection and fan-out lag of every stored event', () => {
    expect(value('tracker_store_head_position')).toBe(stored);
    expect(value('tracker_projection_lag')).toBe(0);
    expect(value('tracker_projection_lag_seconds_count')).toBe(stored);
    expect(value('tracker_fanout_lag')).toBe(0);
    expect(value('tracker_fanout_lag_seconds_count')).toBe(stored);
    expect(value('tracker_fanout_lag_seconds_bucket', { le: '+Inf' })).toBe(stored);
    // live traffic on an idle machine: well under the largest bucket
    expect(value('tracker_fanout_lag_seconds_bucket', { le: '60' })).toBe(stored);
    expect(value('tracker_fanout_running')).toBe(1);
    expect(value('tracker_fanout_active')).toBe(1);
    expect(value('tracker_projection_position')).toBe(stored);
    expect(value('tracker_fanout_published_position')).toBe(stored);
    const transactions = value('tracker_fanout_transactions_total')!;
    expect(transactions).toBeGreaterThanOrEqual(1);
    // Every committed transaction's time, sent to committed: a round trip or more to the broker.
    expect(value('tracker_fanout_transaction_duration_seconds_count')).toBe(transactions);
    expect(value('tracker_fanout_transaction_duration_seconds_bucket', { le: '+Inf' })).toBe(
      transactions,
    );
    expect(value('tracker_fanout_transaction_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value('tracker_fanout_transaction_duration_seconds_bucket', { le: '10' })).toBe(
      transactions,
    );
    // Each transaction's first event, stage by stage before it was sent: one observation per
    // transaction and stage, in seconds. The stages and the transaction's own time add up to that
    // event's lag (kafka-publisher.int-spec), so summed over the transactions they are at most
    // the sum of all events' lags.
    for (const stage of PUBLISH_STAGES) {
      expect(value('tracker_fanout_stage_seconds_count', { stage })).toBe(transactions);
    }
    const firstEventsLag =
      PUBLISH_STAGES.reduce(
        (sum, stage) => sum + value('tracker_fanout_stage_seconds_sum', { stage })!,
        0,
      ) + value('tracker_fanout_transaction_duration_seconds_sum')!;
    expect(firstEventsLag).toBeGreaterThan(0);
    expect(firstEventsLag).toBeLessThanOrEqual(value('tracker_fanout_lag_seconds_sum')! + 0.005);
    // The publisher runs in its own thread (the default), which folds for itself: there is no
    // hand-over to count. kafka-cloudevents.e2e-spec.ts counts it with KAFKA_PUBLISHER=inline.
    expect(samples.filter((s) => s.name === 'tracker_fanout_state_handovers_total')).toEqual([]);
    expect(value('tracker_read_model_calls')).toBe(1);
  });

  describe('the Grafana dashboards in deploy/grafana', () => {
    it('finds metric names in PromQL (and only those)', () => {
      expect(
        promqlMetricNames(
          'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{job=~"$job", x="y(z)"}[$__rate_interval]))) / on (instance) group_left max(b) or vector(0) * $k',
        ),
      ).toEqual(['a_bucket', 'b']);
      expect(promqlMetricNames('label_values(c{job=~"$job"}, instance)')).toEqual(['c']);
    });

    it('use only metrics that /metrics exposes', () => {
      const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      const exposed = new Set(samples.map((s) => s.name));
      for (const file of files) {
        const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8'));
        const panels = (dashboard.panels as { targets?: { expr: string }[] }[]).flatMap(
          (p) => p.targets ?? [],
        );
        const queries = [
          ...panels.map((t) => t.expr),
          ...(dashboard.templating.list as { definition?: string }[]).flatMap((v) =>
            v.definition ? [v.definition] : [],
          ),
        ];
        expect(queries.length).toBeGreaterThan(20);
        const used = new Set(queries.flatMap(promqlMetricNames));
        expect([file, [...used].filter((name) => !exposed.has(name))]).toEqual([file, []]);
      }
    });
  });
});
