import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, ServiceProcess, spawnService, waitReady } from './support/service-process';

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
