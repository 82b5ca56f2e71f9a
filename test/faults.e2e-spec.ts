import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brokerIsLocal,
  runKafkaSh,
  serviceKafkaEnv,
  topicNames,
} from '../libs/fanout/src/testing/kafka-test-kit';
import {
  eventually,
  getJson,
  metric,
  ServiceProcess,
  spawnService,
  waitReady,
} from './support/service-process';
import { phaseNotes } from './support/phase-notes';
import { kafkaShAsync } from './support/faults/broker';
import {
  callViews,
  expectTopicsMatchStore,
  fanoutSettled,
  projectionSettled,
} from './support/faults/settle';
import { readStoreFile, storeProblems, summarise } from './support/faults/verify';
import {
  buildWorkload,
  Ledger,
  postBatch,
  runLoad,
  STEPS_PER_CALL,
} from './support/faults/workload';

/**
 * Fault injection against the whole service as real processes: SIGKILL under load, two processes
 * sharing one embedded store file, and the Kafka broker killed and restarted under load. Every
 * check is an exact count, taken from the store file itself, the read models and a read-committed
 * consumer of the topics.
 */

/** FAULTS_DEBUG=1 prints each phase with its time. */
const note = phaseNotes('faults', 'FAULTS_DEBUG');

describe('fault injection (service processes, real broker)', () => {
  let dir: string;
  const running: ServiceProcess[] = [];
  const start = async (name: string, env: Record<string, string>) => {
    const service = await spawnService(name, env);
    running.push(service);
    await waitReady(service);
    return service;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tracker-faults-'))));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing acknowledged and duplicates nothing when the service is SIGKILLed under load', async () => {
    const prefix = `faults-kill-${randomUUID().slice(0, 8)}`;
    const topics = topicNames(prefix);
    const env = {
      STORE_PATH: join(dir, 'events.db'),
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      ...serviceKafkaEnv(prefix, topics),
    };
    const calls = buildWorkload(40);
    const total = calls.length * STEPS_PER_CALL;

    // 1. load with 12 concurrent senders; SIGKILL as the first request after 90 notifications have
    // their 202 is sent, so that at least that one is in flight
    const first = await start('first', env);
    note('kill: first ready');
    const before = new Ledger();
    let killed = false;
    await runLoad({
      calls,
      concurrency: 12,
      target: () => first.base,
      ledger: before,
      shouldStop: () => killed,
      onSend: (ledger) => {
        if (!killed && ledger.acked.size >= 90) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      },
    });
    expect(await first.exited).toBe('SIGKILL');
    note('kill: killed', { acked: before.acked.size, inFlight: before.failed.length });
    expect(before.rejected).toEqual([]);
    // the kill hit requests in flight: their senders got no answer
    expect(before.failed.length).toBeGreaterThan(0);
    const ackedBefore = before.acked;
    expect(ackedBefore.size).toBeGreaterThanOrEqual(90);
    expect(ackedBefore.size).toBeLessThan(total);

    // 2. restart on the same files: every acknowledged notification is in its call's stream, once
    const second = await start('second', env);
    note('kill: second ready');
    // (read from the store file, which the running service shares)
    const storedTags = summarise(await readStoreFile(env.STORE_PATH)).tagCounts;
    expect([...ackedBefore].filter((tag) => storedTags.get(tag) !== 1)).toEqual([]);
    expect([...storedTags].filter(([, n]) => n !== 1)).toEqual([]);
    const storedUnacknowledged = [...storedTags.keys()].filter((t) => !ackedBefore.has(t)).length;
    note('kill: stored before resending', { stored: storedTags.size, storedUnacknowledged });

    // 3. the senders retry what got no 202 and send the rest; a stored one is a duplicate
    const after = new Ledger();
    await runLoad({
      calls,
      concurrency: 12,
      target: () => second.base,
      ledger: after,
      skip: ackedBefore,
    });
    expect(after.failed).toEqual([]);
    expect(after.rejected).toEqual([]);
    expect(after.acked.size).toBe(total - ackedBefore.size);
    expect(after.duplicates).toBe(storedUnacknowledged);
    expect(after.accepted).toBe(total - storedTags.size);
    // and a redelivery of acknowledged ones changes nothing
    const redelivered = calls.slice(0, 5).map((c) => c.items[0]);
    expect(await postBatch(second.base, redelivered)).toMatchObject({
      status: 202,
      body: { accepted: 0, duplicates: 5, skipped: 0 },
    });

    // 4. the read model and the topics converge
    await projectionSettled(second);
    await fanoutSettled(second);
    note('kill: settled');
    const views = await callViews(second, calls);
    expect(await second.stop()).toBe(0);
    note('kill: stopped');

    const stored = summarise(await readStoreFile(env.STORE_PATH));
    expect(storeProblems(stored, calls)).toEqual([]);
    expect(stored.tagCounts.size).toBe(total);
    expect(stored.streams.size).toBe(calls.length);
    for (const call of calls) {
      const stream = stored.streams.get(`call-${call.callId}`)!;
      expect(views.get(call.callId)).toMatchObject({
        callId: call.callId,
        state: 'terminated',
        version: stream.length,
      });
    }

    await expectTopicsMatchStore(prefix, topics, stored, calls, views);
    note('kill: topics read');
  }, 90_000);
  it('loses no update when two processes on one store file ingest the same calls concurrently', async () => {
    const storePath = join(dir, 'events.db');
    const shared = { STORE_PATH: storePath };
    // no fan-out here: the store is what is checked (publisher-failover.e2e-spec.ts runs
    // several instances with fan-out)
    const [a, b] = await Promise.all([
      start('a', { ...shared, READ_MODEL_PATH: join(dir, 'read-model-a.db') }),
      start('b', { ...shared, READ_MODEL_PATH: join(dir, 'read-model-b.db') }),
    ]);
    note('shared: a and b ready');
    const calls = buildWorkload(24);
    const total = calls.length * STEPS_PER_CALL;

    // Every notification of a call at once, alternately to a and b, and the `established` one to
    // both (a redelivery racing itself across processes): 8 calls in flight, ~56 requests.
    const ledger = new Ledger();
    const pool = [...calls];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let call = pool.shift(); call; call = pool.shift()) {
          const sends = call.items.flatMap((item) =>
            item.step === 1
              ? [[a, item] as const, [b, item] as const]
              : [[item.step % 2 === 0 ? a : b, item] as const],
          );
          await Promise.all(
            sends.map(async ([service, item]) =>
              ledger.record([item], await postBatch(service.base, [item])),
            ),
          );
        }
      }),
    );
    expect(ledger.failed).toEqual([]);
    expect(ledger.rejected).toEqual([]);
    expect(ledger.acked.size).toBe(total);
    note('shared: loaded', { accepted: ledger.accepted, duplicates: ledger.duplicates });

    // each read model follows the other process's appends too (the subscription polls the file)
    await Promise.all([projectionSettled(a), projectionSettled(b)]);
    note('shared: settled');
    const [viewsA, viewsB] = await Promise.all([callViews(a, calls), callViews(b, calls)]);
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);

    const stored = summarise(await readStoreFile(storePath));
    expect(storeProblems(stored, calls)).toEqual([]);
    expect(stored.tagCounts.size).toBe(total);
    for (const call of calls) {
      const stream = stored.streams.get(`call-${call.callId}`)!;
      expect(viewsA.get(call.callId)).toMatchObject({
        callId: call.callId,
        state: 'terminated',
        version: stream.length,
      });
      expect(viewsB.get(call.callId)).toEqual(viewsA.get(call.callId));
    }
    // Each delivery is answered exactly: the `established` notification went to both processes at
    // once, and whichever stored it second (by conflict and reload, or by an idempotent append the
    // store reports as `alreadyStored`) answers `duplicate`.
    expect(ledger.accepted).toBe(total);
    expect(ledger.duplicates).toBe(calls.length);
  }, 90_000);

  it('retries revision conflicts with backoff on a hot call shared by two processes: no 503, conflicts counted', async () => {
    const shared = { STORE_PATH: join(dir, 'events.db') };
    const [a, b] = await Promise.all([
      start('a', { ...shared, READ_MODEL_PATH: join(dir, 'read-model-a.db') }),
      start('b', { ...shared, READ_MODEL_PATH: join(dir, 'read-model-b.db') }),
    ]);
    // 80 distinct notifications of one call, all at once, alternately to a and b.
    const [call] = buildWorkload(1);
    const items = Array.from({ length: 80 }, (_, i) => ({
      ...call.items[2],
      tag: `hot:${i}`,
      notification: { ...call.items[2].notification, clientState: `hot:${i}` },
    }));
    const ledger = new Ledger();
    await Promise.all(
      items.map(async (item, i) =>
        ledger.record([item], await postBatch((i % 2 === 0 ? a : b).base, [item])),
      ),
    );
    expect(ledger.failed).toEqual([]);
    expect(ledger.rejected).toEqual([]);
    expect(ledger.accepted).toBe(items.length);
    const conflicts =
      ((await metric(a, 'tracker_ingest_revision_conflicts_total')) ?? 0) +
      ((await metric(b, 'tracker_ingest_revision_conflicts_total')) ?? 0);
    const retries =
      ((await metric(a, 'tracker_ingest_conflict_retries_total')) ?? 0) +
      ((await metric(b, 'tracker_ingest_conflict_retries_total')) ?? 0);
    note('hot call', { conflicts, retries });
    expect(conflicts).toBeGreaterThan(0); // the two processes did collide
    expect(retries).toBe(conflicts);
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    const stored = summarise(await readStoreFile(shared.STORE_PATH));
    for (const item of items) expect(stored.tagCounts.get(item.tag)).toBe(1);
  }, 90_000);
  const localBroker = brokerIsLocal();
  (localBroker ? it : it.skip)(
    `keeps ingesting while the broker is killed and restarted, and the topics end exactly complete${localBroker ? '' : ' (skipped: the broker is not the local deploy/kafka one, which this test must kill)'}`,
    async () => {
      const prefix = `faults-broker-${randomUUID().slice(0, 8)}`;
      const topics = topicNames(prefix);
      const env = {
        STORE_PATH: join(dir, 'events.db'),
        READ_MODEL_PATH: join(dir, 'read-model.db'),
        ...serviceKafkaEnv(prefix, topics),
        // the publisher's "publishing from …" lines, shown if the topics end wrong
        LOG_LEVEL: 'log',
      };
      const service = await start('service', env);
      await fanoutSettled(service);
      note('broker: service ready');
      const calls = buildWorkload(70);
      const total = calls.length * STEPS_PER_CALL;
      const ledger = new Ledger();
      let brokerDown = false;
      try {
        // 1. load; SIGKILL the broker once 60 notifications have their 202, and go on
        await runLoad({
          calls: calls.slice(0, 30),
          concurrency: 6,
          target: () => service.base,
          ledger,
          onOutcome: (l) => {
            if (!brokerDown && l.acked.size >= 60) {
              brokerDown = true;
              runKafkaSh('kill');
            }
          },
        });
        expect(brokerDown).toBe(true);
        // the fan-out finds out (the publisher retries, and once the lease on its election runs
        // out it stops and waits to rejoin the group), the service stays ready
        await eventually(
          'the fan-out to notice the broker is down',
          async () => (await getJson(service, '/health/ready')).body?.checks?.fanout?.status,
          (status) => status === 'retrying' || status === 'joining',
          20_000,
        );
        note('broker: publisher retrying', { acked: ledger.acked.size });
        expect((await getJson(service, '/health/ready')).status).toBe(200);

        // 2. restart the broker while more load comes in, then load once it is back
        const restarted = kafkaShAsync('start');
        await runLoad({
          calls: calls.slice(30, 60),
          concurrency: 6,
          target: () => service.base,
          ledger,
        });
        await restarted;
        note('broker: restarted', { acked: ledger.acked.size });
        brokerDown = false;
        await runLoad({
          calls: calls.slice(60),
          concurrency: 6,
          target: () => service.base,
          ledger,
        });
      } finally {
        if (brokerDown) runKafkaSh('start'); // never leave the shared broker dead
      }
      expect(ledger.failed).toEqual([]);
      expect(ledger.rejected).toEqual([]);
      expect(ledger.acked.size).toBe(total);
      expect({ accepted: ledger.accepted, duplicates: ledger.duplicates }).toEqual({
        accepted: total,
        duplicates: 0,
      });

      // 3. the publisher catches up from its committed position: every event once, in order
      await fanoutSettled(service, 60_000);
      note('broker: fan-out caught up');
      await projectionSettled(service);
      const views = await callViews(service, calls);
      expect(await service.stop()).toBe(0);
      const stored = summarise(await readStoreFile(env.STORE_PATH));
      expect(storeProblems(stored, calls)).toEqual([]);
      await expectTopicsMatchStore(prefix, topics, stored, calls, views, service.output);
    },
    120_000,
  );
});
