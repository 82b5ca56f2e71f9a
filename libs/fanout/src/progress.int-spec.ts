import { randomUUID } from 'node:crypto';
import type { Admin, Producer } from 'kafkajs';
import { PRODUCER_RETRY } from './kafka-publisher';
import { progressTopicSpec, PublisherProgress } from './progress';
import { ensureTopics } from './topics';
import { testKafka } from './testing/kafka-test-kit';

const at = (commit: number, prepare = commit) => ({
  commit: BigInt(commit),
  prepare: BigInt(prepare),
});

describe('PublisherProgress on a real broker', () => {
  const kafka = testKafka('progress-test');
  let admin: Admin;
  let producer: Producer;
  let progress: PublisherProgress;
  let transactionalId: string;

  const connectProducer = async () => {
    const created = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: PRODUCER_RETRY,
    });
    await created.connect();
    return created;
  };
  /**
   * As the publisher reads it: after a new producer's first (empty) transaction has fenced the
   * one before and finished its transaction, markers included.
   */
  const readAsNextPublisher = async () => {
    await producer.disconnect();
    producer = await connectProducer();
    await (await producer.transaction()).abort();
    return progress.read();
  };

  beforeEach(async () => {
    const name = `test-${randomUUID().slice(0, 8)}.progress`;
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [progressTopicSpec(name)], () => undefined);
    transactionalId = `${name}.tx`;
    producer = await connectProducer();
    progress = new PublisherProgress(kafka, admin, name, name);
  });
  afterEach(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  const inTransaction = async (position: ReturnType<typeof at>, outcome: 'commit' | 'abort') => {
    const transaction = await producer.transaction();
    await transaction.sendBatch({ topicMessages: [progress.message(position)] });
    await transaction[outcome]();
  };

  it('has no position before the first transaction', async () => {
    await expect(readAsNextPublisher()).resolves.toBeUndefined();
  });

  it('reads the last committed position, never an aborted one', async () => {
    await inTransaction(at(10), 'commit');
    await inTransaction(at(25, 20), 'commit');
    await inTransaction(at(40), 'abort');
    await expect(readAsNextPublisher()).resolves.toEqual(at(25, 20));
    await inTransaction(at(50), 'commit');
    await expect(readAsNextPublisher()).resolves.toEqual(at(50));
  }, 60_000);

  it("reads the earlier format's consumer-group offsets while the topic holds no record", async () => {
    await admin.setOffsets({
      groupId: progress.groupId,
      topic: progress.topic,
      partitions: [
        { partition: 0, offset: '30' },
        { partition: 1, offset: '28' },
      ],
    });
    await expect(readAsNextPublisher()).resolves.toEqual(at(30, 28));
    await inTransaction(at(45), 'commit');
    await expect(readAsNextPublisher()).resolves.toEqual(at(45));
  }, 60_000);
});
