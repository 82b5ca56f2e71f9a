import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_TRACKER_PROTO_PATH, PROTO_LOADER_OPTIONS, PROTO_ROOT } from '@tracker/contracts';
import { EmbeddedEventStore } from '@tracker/event-store';
import { SecretVault } from '../apps/tracker/src/secrets/secret-vault';
import { projectionSettled } from './support/faults/settle';
import {
  readCommitted,
  serviceKafkaEnv,
  testKafka,
  topicNames,
} from '../libs/fanout/src/testing/kafka-test-kit';
import { CLI_BUILD_TIMEOUT_MS, ensureCliBuilt, runCli } from './support/cli-process';
import { fixture } from './support/running-service';
import { freePort, spawnService, waitReady } from './support/service-process';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const API_KEY = 'secrets-e2e-read-key-0123456789';

/**
 * One planted recording access token, every way in (valid and rejected requests, credentials
 * headers), then every way out is searched for it: HTTP responses, gRPC replies, Kafka records and
 * headers, the process's logs at verbose level, the store and read-model files, and the CLI.
 * With RECORDING_TOKEN_KEY set the token must still be recoverable from the store, sealed.
 */
describe('a planted recording token never leaves the store in clear', () => {
  const token = `planted-recording-token-${randomUUID()}`;
  // ACS `incomingCallContext` answers a call: the same rules (issue 11).
  const incomingCallContext = `planted-incoming-call-context-${randomUUID()}`;
  const INCOMING = 'd732db64-4803-462d-be9c-518943ea2b7a';
  const key = randomBytes(32);
  const prefix = `secrets-${randomUUID().slice(0, 8)}`;
  const names = topicNames(prefix);
  const topics = [names.callState, names.operationState, names.callEvents];
  let dir: string;
  const outputs: Array<[channel: string, text: string]> = [];

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tracker-secrets-'))));
  beforeAll(ensureCliBuilt, CLI_BUILD_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is found in no output channel, and opens from the store with the key', async () => {
    const env = {
      STORE_PATH: join(dir, 'events.db'),
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      LOG_LEVEL: 'verbose',
      API_KEYS: API_KEY,
      RECORDING_TOKEN_KEY: key.toString('base64'),
      RECORDING_TOKEN_KEY_ID: 'test-key',
      ...serviceKafkaEnv(prefix, names),
    };
    const grpcPort = String(await freePort());
    const service = await spawnService('secrets', { ...env, GRPC_PORT: grpcPort });
    const send = async (path: string, body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${service.base}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...headers },
        body: body || undefined,
      });
      const text = await response.text();
      outputs.push([`HTTP ${path}`, text + JSON.stringify([...response.headers])]);
      return response.status;
    };
    const readKey = { 'x-api-key': API_KEY };
    try {
      await waitReady(service);
      const completed = JSON.stringify(fixture('graph/recordresponse-completed.json')).replace(
        '<access-token>',
        token,
      );
      expect(completed).toContain(token);

      // Ways in: accepted, rejected by validation, unparsable, and as a credential.
      for (const name of ['graph/answer-incoming.json', 'graph/answer-established.json']) {
        expect(await send('/api/calls', JSON.stringify(fixture(name)))).toBe(202);
      }
      expect(await send('/api/calls', completed)).toBe(202);
      const [incomingCall] = fixture('acs/eventgrid-incoming-call.json') as Array<{
        data: Record<string, unknown>;
      }>;
      incomingCall.data.incomingCallContext = incomingCallContext;
      expect(await send('/api/eventgrid/events', JSON.stringify([incomingCall]))).toBe(202);
      expect(
        await send('/api/calls', completed.replace('"changeType":"deleted"', '"changeType":7')),
      ).toBe(400);
      expect(await send('/api/calls', completed.slice(0, completed.indexOf(token) + 20))).toBe(400);
      expect(await send(`/api/calls/${CALL}`, '', { 'x-api-key': token })).toBe(401);
      expect(await send(`/api/calls/${CALL}`, '', { authorization: `Bearer ${token}` })).toBe(401);

      // The read model follows the store from its own thread: let it catch up before reading.
      await projectionSettled(service);

      // Ways out over HTTP.
      for (const path of [
        `/api/calls/${CALL}`,
        `/api/calls/${CALL}/operations`,
        `/api/calls/${CALL}/history`,
        `/api/calls/${INCOMING}`,
        `/api/calls/${INCOMING}/history`,
      ]) {
        expect(await send(path, '', readKey)).toBe(200);
      }
      expect(await send('/metrics', '')).toBe(200);
      expect(await send('/health/ready', '')).toBe(200);

      // gRPC.
      const loaded = grpc.loadPackageDefinition(
        protoLoader.loadSync([CALL_TRACKER_PROTO_PATH], {
          ...PROTO_LOADER_OPTIONS,
          includeDirs: [PROTO_ROOT],
        }),
      ) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const client = new loaded.comms.tracker.v1.CallTracker(
        `127.0.0.1:${grpcPort}`,
        grpc.credentials.createInsecure(),
      );
      const metadata = new grpc.Metadata();
      metadata.set('x-api-key', API_KEY);
      for (const method of ['GetCall', 'ListOperations', 'GetCallHistory']) {
        const reply = await new Promise((done, fail) =>
          client[method]({ call_id: CALL }, metadata, (error: Error | null, value: unknown) =>
            error ? fail(error) : done(value),
          ),
        );
        outputs.push([`gRPC ${method}`, JSON.stringify(reply)]);
      }
      client.close();

      // Kafka: once the publisher has caught up, every stored event is on the events topic.
      let published = 0;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        const ready = (await fetch(`${service.base}/health/ready`).then((r) => r.json())) as {
          checks: { fanout?: { lag?: number } };
        };
        const metrics = await fetch(`${service.base}/metrics`).then((r) => r.text());
        published = Number(/^tracker_fanout_published_events_total (\d+)$/m.exec(metrics)?.[1]);
        if (ready.checks.fanout?.lag === 0 && published > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(published).toBeGreaterThanOrEqual(3);
      const kafka = testKafka(prefix);
      const admin = kafka.admin();
      await admin.connect();
      const deadline = Date.now() + 30_000;
      while (!(await admin.listTopics()).includes(topics[2]) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      await admin.disconnect();
      const consumer = await readCommitted(kafka, topics);
      try {
        expect(await consumer.waitFor(topics[2], published, 60_000, 1000)).toHaveLength(published);
        for (const [topic, records] of consumer.seen) {
          for (const r of records)
            outputs.push([`Kafka ${topic}`, r.value + JSON.stringify(r.headers)]);
        }
      } finally {
        await consumer.stop();
      }
    } finally {
      expect(await service.stop()).toBe(0);
      outputs.push(['service logs', service.output()]);
    }
    expect(service.output()).toMatch(/recording access tokens are stored encrypted/);

    // Files at rest, and the CLI over them.
    for (const file of ['events.db', 'events.db-wal', 'read-model.db', 'read-model.db-wal']) {
      const path = join(dir, file);
      if (!file.endsWith('-wal')) expect(existsSync(path)).toBe(true);
      if (existsSync(path)) outputs.push([`file ${file}`, readFileSync(path).toString('latin1')]);
    }
    for (const args of [
      ['replay', CALL],
      ['replay', CALL, '--json'],
      ['export', CALL],
    ]) {
      const run = await runCli(args, env);
      expect(run.code).toBe(0);
      outputs.push([`cli ${args.join(' ')}`, run.stdout + run.stderr]);
    }

    const channels = new Set(outputs.map(([channel]) => channel.split(' ')[0]));
    expect([...channels].sort()).toEqual(['HTTP', 'Kafka', 'cli', 'file', 'gRPC', 'service']);
    expect(outputs.length).toBeGreaterThan(20);
    const leaks = outputs
      .filter(([, text]) => text.includes(token) || text.includes(incomingCallContext))
      .map(([channel]) => channel);
    expect(leaks).toEqual([]);

    // Sealed, not lost: the key opens it from the stored event.
    const store = EmbeddedEventStore.open({ path: env.STORE_PATH });
    try {
      const vault = new SecretVault({ id: 'test-key', key });
      const opened = [];
      for await (const event of store.readAll()) {
        const sealed = (event.data as { protectedSecrets?: unknown }).protectedSecrets;
        if (sealed !== undefined) opened.push(vault.open(sealed));
      }
      expect(opened).toEqual([
        { '/resourceData/recordingAccessToken': token },
        { '/data/incomingCallContext': incomingCallContext },
      ]);
    } finally {
      await store.close();
    }
  }, 180_000);
});
