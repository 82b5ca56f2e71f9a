import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { Projection } from '@tracker/read-model';
import { loadConfig } from '@tracker/config';
import { createApp } from '../../apps/tracker/src/create-app';
import { freePort } from './service-process';

export { freePort };

const HOUR_MS = String(60 * 60 * 1000); // the longest check interval the config accepts

export const fixturesDir = resolve(__dirname, '../fixtures');
export const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(fixturesDir, name), 'utf8'));

/** The whole service on real ports (HTTP and gRPC), over a fresh store in a temp folder. */
export const startService = async (env: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-e2e-'));
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    STORE_PATH: join(dir, 'events.db'),
    READ_MODEL_PATH: join(dir, 'read-model.db'),
    LOG_LEVEL: 'error',
    AUTH_MODE: 'none',
    // In-process: a projection or query thread would load the TypeScript sources again (seconds).
    // The threads are covered by the tests that run the service as a process.
    PROJECTION: 'inline',
    QUERY_THREADS: '0',
    // No deadline check unless a test asks (test/deadlines.e2e-spec.ts): a mark is an event the
    // service appends on its own clock, and a slow run would find one it did not post (CI once saw
    // the policy-recording fixture marked missed between reading the store and the topics).
    DEADLINE_CHECK_INTERVAL_MS: HOUR_MS,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: env.GRPC_PORT ?? String(await freePort()),
    ...env,
  });
  const app: NestFastifyApplication = await createApp(config);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  /** `host:port` of the gRPC server (comms.tracker.v1.CallTracker, grpc.health.v1.Health). */
  const grpcAddress = `${config.grpc.host}:${config.grpc.port}`;
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const store = app.get<EventStore>(EVENT_STORE);
  const projector = app.get(Projection);

  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof Uint8Array // sent as they are
            ? body
            : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };

  return {
    app,
    base,
    grpcAddress,
    store,
    dir,
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      request('POST', path, body, headers),
    get: (path: string, headers?: Record<string, string>) =>
      request('GET', path, undefined, headers),
    /** How many events the store holds. */
    storedCount: async () => {
      let n = 0;
      for await (const _ of store.readAll()) n += 1;
      return n;
    },
    /** Waits until the read model has caught up with everything stored so far. */
    settle: async () => {
      const head = await store.headPosition();
      if (head) expect(await projector.waitFor(head)).toBe(true);
    },
    stop: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export type RunningService = Awaited<ReturnType<typeof startService>>;

/** The call of the Graph fixtures (`57DAB8B1…` in their resource URLs), canonical. */
export const FIXTURE_CALL = '57dab8b1-894c-409a-b240-bd8beae78896';

/**
 * A bot-answered call with a recorded response, as the Graph fixtures tell it: incoming,
 * established, the recordResponse completion, and the bot's report of the action's response.
 */
export const postRecordedCall = async (service: RunningService): Promise<void> => {
  for (const name of [
    'graph/answer-incoming.json',
    'graph/answer-established.json',
    'graph/recordresponse-completed.json',
  ]) {
    expect((await service.post('/api/calls', fixture(name))).status).toBe(202);
  }
  const response = await service.post(
    `/api/calls/${FIXTURE_CALL}/operations`,
    fixture('graph/recordresponse-response.json'),
  );
  expect(response.status).toBe(202);
};
