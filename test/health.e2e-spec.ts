import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { loadConfig } from '@tracker/config';
import { createApp } from '../apps/tracker/src/create-app';

describe('health endpoints (service on a real port)', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-e2e-'));
    const config = loadConfig({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      STORE_PATH: join(dir, 'events.db'),
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      LOG_LEVEL: 'error',
      AUTH_MODE: 'none',
    });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  // Closing stops the service's threads; under CI's load it once took more than jest's default
  // 5 s for a hook.
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('is live', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the store answers, and says which store', async () => {
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { store: { status: 'up', kind: 'embedded' }, fanout: { status: 'off' } },
    });
  });

  it('exposes Prometheus metrics', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^# TYPE tracker_ingest_accepted_total counter$/m);
    expect(text).toMatch(/^tracker_projection_lag 0$/m);
    expect(text).not.toMatch(/tracker_fanout_/); // fan-out is off here
  });

  it('is not ready once the store is gone', async () => {
    await app.get<EventStore>(EVENT_STORE).close();
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'unavailable',
      checks: { store: { status: 'down', error: 'embedded store is closed' } },
    });
  });
});
