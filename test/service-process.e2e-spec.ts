import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fixture } from './support/running-service';
import { loaded, unary } from './support/grpc-client';
import {
  eventually,
  freePort,
  getJson,
  metric,
  postJson,
  ServiceProcess,
  spawnService,
  waitReady,
} from './support/service-process';

const CALL_IN_URL = '57DAB8B1894C409AB240BD8BEAE78896';

/** tracker_thread_cpu_seconds of the two query threads, added up (undefined: not both there). */
const queryThreadsCpu = async (service: ServiceProcess): Promise<number | undefined> => {
  const [first, second] = await Promise.all(
    ['query_1', 'query_2'].map((thread) =>
      metric(service, `tracker_thread_cpu_seconds{thread="${thread}"}`),
    ),
  );
  return first === undefined || second === undefined ? undefined : first + second;
};

describe('the service as a process', () => {
  let dir: string;
  let running: ServiceProcess | undefined;
  const start = (env: Record<string, string>) => {
    // spawnService gives the process no KAFKA_* of the test run: these are the embedded defaults.
    running = undefined;
    return spawnService('service', { STORE_PATH: join(dir, 'events.db'), ...env }).then(
      (service) => (running = service),
    );
  };
  /** A service with a gRPC port and a read model, once it shows the call one webhook posted. */
  const startWithOneCall = async (env: Record<string, string> = {}) => {
    const grpcPort = String(await freePort());
    const service = await start({
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      AUTH_MODE: 'none',
      GRPC_PORT: grpcPort,
      ...env,
    });
    await waitReady(service, 30_000);
    expect(
      (await postJson(service, '/api/calls', fixture('graph/answer-incoming.json'))).status,
    ).toBe(202);
    const call = await eventually(
      'the call in the read model',
      () => getJson(service, `/api/calls/${CALL_IN_URL}`),
      (reply) => reply.status === 200,
      20_000,
    );
    return { service, grpcPort, call };
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tracker-proc-'))));
  afterEach(async () => {
    await running?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health on the embedded defaults, says what is off, and stops cleanly on SIGTERM', async () => {
    const service = await start({ READ_MODEL_PATH: join(dir, 'read-model.db'), AUTH_MODE: 'none' });
    await waitReady(service, 30_000);
    expect((await fetch(`${service.base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${service.base}/health/ready`);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { store: { kind: 'embedded' }, fanout: { status: 'off' } },
    });
    const output = service.output();
    expect(output).toContain('AUTH_MODE=none: webhooks are accepted WITHOUT authentication');
    expect(output).toContain('Kafka fan-out is OFF');
    expect(output).toContain('API_KEYS is not set: the read APIs (REST and gRPC) are open');
    // The projection runs in a thread of its own here (which may still be starting when the
    // service is ready): /metrics says what each thread used.
    const projectionCpu = /^tracker_thread_cpu_seconds\{thread="projection"\} [0-9.]+$/m;
    const metrics = await eventually(
      'the projection thread in /metrics',
      async () => (await fetch(`${service.base}/metrics`)).text(),
      (text) => projectionCpu.test(text),
      20_000,
    );
    expect(metrics).toMatch(/^tracker_thread_cpu_seconds\{thread="main"\} [0-9.]+$/m);
    expect(metrics).toMatch(projectionCpu);
    expect(await service.stop()).toBe(0);
  }, 40_000);

  it('answers REST and gRPC queries from its two query threads, and its projection thread counts the calls', async () => {
    const { service, grpcPort, call } = await startWithOneCall();
    expect(call.body).toMatchObject({ state: 'incoming' });
    expect((await getJson(service, `/api/calls/${CALL_IN_URL}/operations`)).status).toBe(200);
    // Counted by the projection thread (never by a scan on each scrape).
    await eventually(
      'tracker_read_model_calls 1',
      () => metric(service, 'tracker_read_model_calls'),
      (calls) => calls === 1,
      10_000,
    );

    const before = await eventually(
      'both query threads in /metrics',
      () => queryThreadsCpu(service),
      (cpu) => cpu !== undefined,
      20_000,
    );
    const client = new loaded.comms.tracker.v1.CallTracker(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    try {
      // Enough reads that the threads' CPU moves by whole clock ticks.
      for (let round = 0; round < 40; round++) {
        const replies = await Promise.all(
          Array.from({ length: 50 }, () => unary(client, 'ListCalls', { page_size: 100 })),
        );
        for (const reply of replies) expect(reply.calls).toHaveLength(1);
      }
      const reply = await unary(client, 'GetCall', { call_id: CALL_IN_URL });
      expect(reply.state).toBe('incoming');
    } finally {
      client.close();
    }
    const after = await queryThreadsCpu(service);
    expect(after! - before!).toBeGreaterThan(0.02);
    expect(await service.stop()).toBe(0);
  }, 60_000);

  it('refuses reads at once past QUERY_QUEUE_LIMIT (gRPC UNAVAILABLE, REST 503 with Retry-After), counts them and logs them once', async () => {
    const { service, grpcPort } = await startWithOneCall({ QUERY_QUEUE_LIMIT: '2' });

    // 300 calls written at once on one HTTP/2 connection reach the service together: past the
    // first two, each finds two queries waiting.
    const client = new loaded.comms.tracker.v1.CallTracker(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    let grpcRefused = 0;
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: 300 }, () => unary(client, 'GetCall', { call_id: CALL_IN_URL })),
      );
      for (const s of settled) {
        if (s.status === 'fulfilled') {
          expect(s.value.state).toBe('incoming');
          continue;
        }
        expect(s.reason).toMatchObject({
          code: grpc.status.UNAVAILABLE,
          details: 'too many reads are waiting for their answers; retry later',
        });
        grpcRefused += 1;
      }
      expect(grpcRefused).toBeGreaterThan(0);
      expect(grpcRefused).toBeLessThan(300);
      // Refused, not broken: once the queue is short again, reads are answered.
      expect((await unary(client, 'GetCall', { call_id: CALL_IN_URL })).state).toBe('incoming');
    } finally {
      client.close();
    }

    // REST reads arrive on separate connections: rounds of 50 at once until one is refused.
    let restRefused = 0;
    for (let round = 0; round < 20 && restRefused === 0; round++) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${service.base}/api/calls/${CALL_IN_URL}`)),
      );
      for (const reply of replies) {
        const body = await reply.json();
        if (reply.status === 200) continue;
        expect({ status: reply.status, body }).toEqual({
          status: 503,
          body: {
            error: 'read_model_busy',
            message: 'too many reads are waiting for their answers; retry later',
          },
        });
        expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
        restRefused += 1;
      }
    }
    expect(restRefused).toBeGreaterThan(0);

    expect(await metric(service, 'tracker_read_queries_refused_total')).toBe(
      grpcRefused + restRefused,
    );
    expect(await metric(service, 'tracker_read_queries_waiting')).toBe(0);
    // One line per 10 s at most, however many were refused.
    const lines = service.output().match(/refused \d+ reads? since the last such line/g) ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(await service.stop()).toBe(0);
  }, 60_000);

  it('logs the addresses its sockets really listen on', async () => {
    const service = await start({
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      HTTP_HOST: '0.0.0.0',
      LOG_LEVEL: 'log',
    });
    await waitReady(service, 30_000);
    const port = new URL(service.base).port;
    expect(service.output()).toContain(`HTTP listening on 0.0.0.0:${port} (all interfaces)`);
    expect(service.output()).toMatch(/gRPC listening on 127\.0\.0\.1:\d+\b/);
    expect(service.output()).not.toContain('HTTP listening on http://127.0.0.1');
    expect(await service.stop()).toBe(0);
  }, 40_000);

  it('will not start without webhook keys unless told AUTH_MODE=none, never in production', async () => {
    const unconfigured = await start({ AUTH_MODE: '' });
    expect(await unconfigured.exited).toBe(2);
    expect(unconfigured.output()).toContain('AUTH_MODE=jwt needs GRAPH_AUTH_AUDIENCE');

    const production = await start({ AUTH_MODE: 'none', NODE_ENV: 'production' });
    expect(await production.exited).toBe(2);
    expect(production.output()).toContain('AUTH_MODE=none is refused when NODE_ENV=production');
  }, 40_000);

  it('refuses to start on a wrong variable and names it', async () => {
    const service = await start({ HTTP_PORT: 'not-a-port' });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain(
      'HTTP_PORT must be an integer from 0 to 65535 (got "not-a-port")',
    );
  }, 40_000);
});
