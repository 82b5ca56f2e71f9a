import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedEventStore } from '@tracker/event-store';
import { KafkaPublisher, KafkaPublisherOptions, PublishTimes } from './kafka-publisher';
import { brokerIsLocal, readCommitted, runKafkaSh, testKafka } from './testing/kafka-test-kit';
import {
  appendEvents,
  expectExactlyOnceInOrder,
  expectStagesAddUpTo,
  testPublisherOptions,
  waitUntil,
} from './testing/publisher-fixtures';

const repoRoot = resolve(__dirname, '../../..');

describe('KafkaPublisher on a real broker', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let prefix: string;
  const kafka = testKafka('publisher-test');

  const started: KafkaPublisher[] = [];
  /** A publisher over the test's store and topics, started, and stopped after the test. */
  const publisher = async (overrides: Partial<KafkaPublisherOptions> = {}) => {
    const created = new KafkaPublisher({
      ...testPublisherOptions(prefix, kafka, store),
      ...overrides,
    });
    started.push(created);
    created.start();
    // Topics exist once it runs; the test consumer must not subscribe before that.
    await waitUntil(() => created.currentStatus.state === 'running');
    return created;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-fanout-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db'), pollIntervalMs: 20 });
    prefix = `test-${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes stored and live events exactly once, in order per stream', async () => {
    await appendEvents(store, 10, 10);
    const running = await publisher();
    await appendEvents(store, 10, 10);
    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    const seen = await consumer.waitFor(`${prefix}.events`, 200);
    await consumer.stop();
    expectExactlyOnceInOrder(seen, 200);
    expect(seen[0].headers.ce_id).toBe(JSON.parse(seen[0].value).id);
    expect(running.currentStatus).toMatchObject({ publishedEvents: 200 });
  }, 90_000);

  it('resumes after SIGKILL mid-stream with no gap and no duplicate', async () => {
    await appendEvents(store, 20, 100);
    const startChild = () =>
      spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(__dirname, 'testing/publisher-process.ts'),
          join(dir, 'events.db'),
          prefix,
          `${prefix}.tx`,
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
      );
    const first = startChild();
    await new Promise<void>((done) => {
      first.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').pop() ?? '{}';
        if ((JSON.parse(last).published ?? 0) >= 300 && first.exitCode === null) {
          first.kill('SIGKILL');
          done();
        }
      });
    });
    await new Promise((r) => first.on('exit', r));
    const second = startChild();
    second.stdout.resume();
    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    try {
      const seen = await consumer.waitFor(`${prefix}.events`, 2000, 90_000, 2000);
      expectExactlyOnceInOrder(seen, 2000);
    } finally {
      second.kill('SIGKILL');
      await consumer.stop();
    }
  }, 150_000);

  // The broker dies right after a commit, the publisher having committed for longer than the
  // broker's high-watermark checkpoint interval (5 s): the next one resumes exactly after it. The
  // broker fault test (test/faults.e2e-spec.ts) once met a restarted broker reporting the progress
  // topic's end below such a commit (hence `PublisherProgress.barrier`); this test did not
  // reproduce that in 7 runs without the barrier, so it guards the resume, not that fault.
  (brokerIsLocal() ? it : it.skip)(
    `resumes exactly after the broker is SIGKILLed right after a commit${brokerIsLocal() ? '' : ' (skipped: the broker is not the local deploy/kafka one)'}`,
    async () => {
      const first = await publisher();
      let appended = 0;
      for (const until = Date.now() + 7000; Date.now() < until; appended += 6) {
        await appendEvents(store, 6, 1);
        await new Promise((r) => setTimeout(r, 40));
      }
      await waitUntil(() => first.currentStatus.publishedEvents === appended);
      let brokerDown = true;
      runKafkaSh('kill');
      try {
        await first.stop();
        runKafkaSh('start');
        brokerDown = false;
      } finally {
        if (brokerDown) runKafkaSh('start'); // never leave the shared broker dead
      }
      await appendEvents(store, 6, 5);
      await publisher();
      const total = appended + 30;
      const consumer = await readCommitted(kafka, [`${prefix}.events`]);
      try {
        expectExactlyOnceInOrder(
          await consumer.waitFor(`${prefix}.events`, total, 60_000, 3000),
          total,
        );
      } finally {
        await consumer.stop();
      }
    },
    120_000,
  );

  it("times each transaction's first event, stage by stage, from being stored to its commit", async () => {
    const observed: Array<{ times: PublishTimes; lagMs: number; events: number }> = [];
    await appendEvents(store, 5, 2);
    await new Promise((done) => setTimeout(done, 300)); // stored well before the publisher reads
    await publisher({
      onPublished: (batch, times) =>
        observed.push({
          times,
          lagMs: Date.now() - batch[0].created.getTime(),
          events: batch.length,
        }),
    });
    await waitUntil(() => observed.reduce((n, o) => n + o.events, 0) === 10);
    await appendEvents(store, 5, 2); // live
    await waitUntil(() => observed.reduce((n, o) => n + o.events, 0) === 20);

    // The first transaction carried the events stored before it started: they waited to be read.
    expect(observed[0].times.read).toBeGreaterThanOrEqual(300);
    // The stages follow one another: together they are the first event's lag.
    for (const { times, lagMs } of observed) expectStagesAddUpTo(times, lagMs);
  }, 90_000);

  it('fences an older publisher that shares the transactional id', async () => {
    await appendEvents(store, 2, 5);
    const older = await publisher();
    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    await consumer.waitFor(`${prefix}.events`, 10, 60_000, 0);
    await publisher();
    await appendEvents(store, 2, 5); // the older one's next transaction meets the newer epoch
    await waitUntil(() => older.currentStatus.state === 'fenced');
    const seen = await consumer.waitFor(`${prefix}.events`, 20, 60_000, 1000);
    await consumer.stop();
    expectExactlyOnceInOrder(seen, 20);
  }, 120_000);

  it("keeps each transaction under the broker's record-batch limit", async () => {
    // One stream (one partition), 60 records of ~1.1 KB: 66 KB in a batch of 50 events, against a
    // topic that takes at most 20,000 bytes in a record batch.
    const limited = async (topicPrefix: string) => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: `${topicPrefix}.events`,
            numPartitions: 3,
            configEntries: [{ name: 'max.message.bytes', value: '20000' }],
          },
        ],
      });
      await admin.disconnect();
    };
    const padded = (topicPrefix: string): Partial<KafkaPublisherOptions> => ({
      ...testPublisherOptions(topicPrefix, kafka, store),
      recordsFor: async (event) => [
        {
          topic: `${topicPrefix}.events`,
          key: event.streamId,
          value: JSON.stringify({
            id: event.id,
            revision: Number(event.revision),
            pad: 'x'.repeat(1_000),
          }),
          headers: { ce_id: event.id },
        },
      ],
    });
    await appendEvents(store, 1, 60);

    // The limit is real: a publisher that sends the 50 events in one transaction is refused.
    const control = `${prefix}-control`;
    await limited(control);
    const refused = await publisher({ ...padded(control), maxTopicBatchBytes: 1_000_000 });
    await waitUntil(() => refused.currentStatus.state === 'retrying', 60_000);
    expect(refused.currentStatus.lastError).toMatch(
      /MESSAGE_TOO_LARGE: .*larger than the max message size.*KAFKA_MAX_TOPIC_BATCH_BYTES/i,
    );
    expect(refused.currentStatus.publishedEvents).toBe(0);
    await refused.stop();

    await limited(prefix);
    const running = await publisher({ ...padded(prefix), maxTopicBatchBytes: 15_000 });
    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    const seen = await consumer.waitFor(`${prefix}.events`, 60);
    await consumer.stop();
    expectExactlyOnceInOrder(seen, 60);
    expect(running.currentStatus.transactions).toBeGreaterThanOrEqual(5);
  }, 120_000);

  const localBroker = brokerIsLocal();
  (localBroker ? it : it.skip)(
    `keeps ingesting while the broker is down and catches up exactly once${localBroker ? '' : ' (skipped: the broker is not the local deploy/kafka one, which this test must kill)'}`,
    async () => {
      const running = await publisher();
      await appendEvents(store, 5, 20);
      runKafkaSh('kill');
      await appendEvents(store, 5, 20); // the store accepts while Kafka is gone
      await waitUntil(() => running.currentStatus.state === 'retrying', 60_000);
      runKafkaSh('start');
      await appendEvents(store, 5, 20);
      const consumer = await readCommitted(kafka, [`${prefix}.events`]);
      const seen = await consumer.waitFor(`${prefix}.events`, 300, 120_000, 2000);
      await consumer.stop();
      expectExactlyOnceInOrder(seen, 300);
    },
    240_000,
  );
});
