import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Projection } from '@tracker/read-model';
import { serviceKafkaEnv, topicNames } from '../libs/fanout/src/testing/kafka-test-kit';
import { EsdbTestServer } from './support/esdb-server';
import {
  callViews,
  expectTopicsMatchStore,
  fanoutSettled,
  projectionSettled,
} from './support/faults/settle';
import { readEsdb, storeProblems, summarise } from './support/faults/verify';
import { buildWorkload, Ledger, runLoad, STEPS_PER_CALL } from './support/faults/workload';
import { Client, loaded, unary } from './support/grpc-client';
import { fixture, startService } from './support/running-service';
import { eventually, getJson } from './support/service-process';

/**
 * The whole service with STORE=esdb, on the EventStoreDB protocol test server (test/support/
 * esdb-server): the real @eventstore/db-client over the real gRPC protocol, against a server each
 * test owns, because some of them stop and start it. Every check is an exact count, taken from the
 * store itself, the read model and a read-committed consumer of the topics.
 */
/** ESDB_E2E_DEBUG=1 prints each phase with its time, to see where a slow run spends it. */
const t0 = Date.now();
const note = (message: string) => {
  if (process.env.ESDB_E2E_DEBUG)
    process.stderr.write(`[esdb e2e +${Date.now() - t0} ms] ${message}\n`);
};

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';

/** The store holds every call whole and in order, and each view is at its call's last event. */
const expectEveryCallEnded = (
  stored: ReturnType<typeof summarise>,
  views: Awaited<ReturnType<typeof callViews>>,
  calls: ReturnType<typeof buildWorkload>,
) => {
  expect(storeProblems(stored, calls)).toEqual([]);
  for (const call of calls) {
    expect(views.get(call.callId)).toMatchObject({
      state: 'terminated',
      version: stored.streams.get(`call-${call.callId}`)!.length,
    });
  }
};

describe('the service on EventStoreDB (protocol test server)', () => {
  let server: EsdbTestServer;
  let dir: string;
  const stopLater: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    server = await EsdbTestServer.start();
    dir = mkdtempSync(join(tmpdir(), 'tracker-esdb-'));
  });
  afterEach(async () => {
    for (const stop of stopLater.splice(0)) await stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the fixtures, serves them over REST and gRPC, and publishes each event once', async () => {
    const prefix = `esdb-e2e-${randomUUID().slice(0, 8)}`;
    const topics = topicNames(prefix);
    const service = await startService({
      STORE: 'esdb',
      ESDB_CONNECTION_STRING: server.connectionString,
      ...serviceKafkaEnv(prefix, topics),
    });
    const tracker: Client = new loaded.comms.tracker.v1.CallTracker(
      service.grpcAddress,
      grpc.credentials.createInsecure(),
    );
    try {
      for (const name of [
        'graph/answer-incoming.json',
        'graph/answer-establishing.json',
        'graph/answer-established.json',
        'graph/recordresponse-completed.json',
        'graph/contentsharing-started.json',
        'graph/contentsharing-ended.json',
        'graph/policy-recording-incoming.json',
      ]) {
        expect((await service.post('/api/calls', fixture(name))).status).toBe(202);
      }
      const response = await service.post(
        `/api/calls/${CALL}/operations`,
        fixture('graph/recordresponse-response.json'),
      );
      expect(response.status).toBe(202);
      // a redelivery: recognised, nothing stored twice
      expect(
        await service.post('/api/calls', fixture('graph/answer-established.json')),
      ).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
      await service.settle();

      const call = (await service.get(`/api/calls/${CALL}`)).body;
      expect(call).toMatchObject({ callId: CALL, state: 'established' });
      const operation = (await service.get(`/api/operations/${OPERATION}`)).body;
      expect(operation).toMatchObject({ operationId: OPERATION, status: 'completed' });
      const viaGrpc = await unary(tracker, 'GetCall', { call_id: CALL });
      expect(JSON.parse(viaGrpc.view_json)).toEqual(call);
      expect(await unary(tracker, 'GetOperation', { operation_id: OPERATION })).toMatchObject({
        operation_id: OPERATION,
        status: 'completed',
      });
      const stored = summarise(await readEsdb(server.connectionString));
      const history = (await service.get(`/api/calls/${CALL}/history`)).body;
      expect(history.events.map((e: { eventId: string }) => e.eventId)).toEqual(
        stored.streams.get(`call-${CALL}`)!.map((e) => e.id),
      );
      expect((await service.get('/health/ready')).status).toBe(200);

      // every call's newest state on Kafka is its view, every stored event published once
      const callIds = [...stored.streams.keys()].map((stream) => stream.slice('call-'.length));
      expect(callIds).toHaveLength(3);
      const views = new Map<string, unknown>();
      for (const callId of callIds)
        views.set(callId, (await service.get(`/api/calls/${callId}`)).body);
      const asCalls = callIds.map((callId) => ({
        callId,
        rawCallId: callId,
        operationId: '',
        items: [],
      }));
      await expectTopicsMatchStore(prefix, topics, stored, asCalls, views);
    } finally {
      tracker.close();
      await service.stop();
    }
  }, 60_000);

  it('resumes the read model and the publisher from their checkpoints after a restart', async () => {
    const prefix = `esdb-restart-${randomUUID().slice(0, 8)}`;
    const topics = topicNames(prefix);
    const env = {
      STORE: 'esdb',
      ESDB_CONNECTION_STRING: server.connectionString,
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      ...serviceKafkaEnv(prefix, topics),
    };
    const calls = buildWorkload(24);
    const ledger = new Ledger();

    // In this process (a restart is a new application over the same read-model file and
    // EventStoreDB; a second process start would only add ts-node's compile time).
    const first = await startService(env);
    note('restart: first ready');
    await runLoad({ calls: calls.slice(0, 12), concurrency: 6, target: () => first.base, ledger });
    note('restart: first loaded');
    await projectionSettled({ name: 'first', base: first.base });
    await fanoutSettled({ name: 'first', base: first.base });
    note('restart: first settled');
    await first.stop();
    const storedBefore = (await readEsdb(server.connectionString)).length;

    const second = await startService(env);
    note('restart: second ready');
    await runLoad({ calls: calls.slice(12), concurrency: 6, target: () => second.base, ledger });
    note('restart: second loaded');
    expect(ledger.failed).toEqual([]);
    expect(ledger.rejected).toEqual([]);
    expect(ledger.accepted).toBe(calls.length * STEPS_PER_CALL);
    await projectionSettled({ name: 'second', base: second.base });
    await fanoutSettled({ name: 'second', base: second.base });
    note('restart: second settled');
    const views = await callViews({ name: 'second', base: second.base }, calls);
    // the read model resumed from its checkpoint: it projected only what came after it
    const projected = second.app.get(Projection).status.projectedEvents;
    await second.stop();
    note('restart: second stopped');

    const stored = summarise(await readEsdb(server.connectionString));
    expect(projected).toBe(stored.events.length - storedBefore);
    expectEveryCallEnded(stored, views, calls);
    // nothing published twice across the restart, nothing missing
    await expectTopicsMatchStore(prefix, topics, stored, calls, views);
  }, 120_000);

  it('answers 503 with Retry-After while EventStoreDB is down under load, loses nothing acknowledged and catches up', async () => {
    const prefix = `esdb-down-${randomUUID().slice(0, 8)}`;
    const topics = topicNames(prefix);
    const running = await startService({
      STORE: 'esdb',
      ESDB_CONNECTION_STRING: server.connectionString,
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      ...serviceKafkaEnv(prefix, topics),
    });
    stopLater.push(running.stop);
    const service = { name: 'service', base: running.base };
    await fanoutSettled(service);
    const calls = buildWorkload(36);
    const total = calls.length * STEPS_PER_CALL;
    const ledger = new Ledger();

    // 1. load; take the server away once 60 notifications have their 202, and keep sending
    let down = false;
    await runLoad({
      calls,
      concurrency: 6,
      target: () => service.base,
      ledger,
      onOutcome: (l) => {
        if (!down && l.acked.size >= 60) {
          down = true;
          void server.stop();
        }
      },
    });
    expect(down).toBe(true);
    const ackedWhileUp = new Set(ledger.acked);
    // what a sender sees while it is down: 503 with Retry-After for anything new, and not ready
    const post = async (notification: Record<string, unknown>) => {
      const reply = await fetch(`${service.base}/api/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [notification] }),
      });
      return {
        status: reply.status,
        retryAfter: reply.headers.get('retry-after'),
        body: (await reply.json()) as unknown,
      };
    };
    const downAnswers = await Promise.all(
      buildWorkload(3).map((call) => post(call.items[0].notification)),
    );
    expect(downAnswers).toEqual(
      Array(3).fill({ status: 503, retryAfter: expect.any(String), body: expect.anything() }),
    );
    // A redelivery of what was acknowledged before is known to be stored (the write side's state
    // of that call holds its key): a duplicate, answered at once even now.
    const acknowledged = calls
      .flatMap((call) => call.items)
      .find((item) => ackedWhileUp.has(item.tag))!;
    expect(await post(acknowledged.notification)).toMatchObject({
      status: 202,
      body: { accepted: 0, duplicates: 1 },
    });
    expect((await getJson(service, '/health/ready')).status).toBe(503);
    // Reading a history reads the store: 503 on REST, UNAVAILABLE on gRPC (GrpcFaultFilter on the
    // controller; Nest alone answers UNKNOWN), with its own words, nothing of the client's error.
    const historyPath = `/api/calls/${calls[0].callId}/history`;
    const restHistory = await fetch(`${service.base}${historyPath}`);
    expect(restHistory.status).toBe(503);
    expect(restHistory.headers.get('retry-after')).toEqual(expect.any(String));
    const tracker: Client = new loaded.comms.tracker.v1.CallTracker(
      running.grpcAddress,
      grpc.credentials.createInsecure(),
    );
    try {
      const refused = await unary(tracker, 'GetCallHistory', { call_id: calls[0].callId }).then(
        () => undefined,
        (error: grpc.ServiceError) => error,
      );
      expect(refused).toMatchObject({
        code: grpc.status.UNAVAILABLE,
        details: 'the event store is unavailable; retry later',
      });
    } finally {
      tracker.close();
    }
    // every refusal under load was a 503, none a 500, none a hang
    expect(ledger.failed).toEqual([]);
    expect(ledger.rejected.length).toBeGreaterThan(0);
    expect(ledger.rejected.filter((r) => r.status !== 503)).toEqual([]);

    // 2. back on the same port with its data: senders redeliver what got no 202
    await server.start();
    await eventually(
      'readiness after the outage',
      async () => (await getJson(service, '/health/ready')).status,
      (status) => status === 200,
      20_000,
    );
    const retry = new Ledger();
    for (let round = 1; retry.acked.size + ledger.acked.size < total && round <= 5; round++) {
      const skip = new Set([...ledger.acked, ...retry.acked]);
      await runLoad({ calls, concurrency: 6, target: () => service.base, ledger: retry, skip });
    }
    expect(retry.failed).toEqual([]);
    expect(new Set([...ledger.acked, ...retry.acked]).size).toBe(total);

    // 3. nothing acknowledged lost, nothing twice; the read model and the topics catch up
    await projectionSettled(service, 30_000);
    await fanoutSettled(service, 60_000);
    const views = await callViews(service, calls);
    const stored = summarise(await readEsdb(server.connectionString));
    expect([...ackedWhileUp].filter((tag) => stored.tagCounts.get(tag) !== 1)).toEqual([]);
    expectEveryCallEnded(stored, views, calls);
    await expectTopicsMatchStore(prefix, topics, stored, calls, views);
  }, 150_000);
});
