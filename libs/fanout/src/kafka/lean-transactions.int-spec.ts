import { randomUUID } from 'node:crypto';
import type * as Kafkajs from 'kafkajs';
import { PRODUCER_RETRY } from '../kafka-publisher';
import { brokers, readCommitted, testKafka } from '../testing/kafka-test-kit';
import { KafkajsTransactionModules, useLeanKafkaTransactions } from './lean-transactions';

/** A copy of kafkajs of its own (jest's registry), stock or made lean. */
const kafkajsCopy = (lean: boolean): typeof Kafkajs => {
  let copy!: typeof Kafkajs;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    copy = require('kafkajs');
    if (lean) {
      const modules: KafkajsTransactionModules = {
        Cluster: require('kafkajs/src/cluster'),
        Broker: require('kafkajs/src/broker'),
        eosManager: require('kafkajs/src/producer/eosManager'),
      };
      expect(useLeanKafkaTransactions(modules, '2.2.4')).toBe(true);
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return copy;
};

const TRANSACTIONS = 30;

/**
 * As the publisher sends them: back to back, each with records for three topics and a progress
 * record. Counts the requests the producer sent after its first transaction, by API.
 */
const sendTransactions = async (kafkajs: typeof Kafkajs, topics: readonly string[]) => {
  const kafka = new kafkajs.Kafka({
    clientId: 'lean-transactions-test',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({
    transactionalId: `lean-transactions-test-${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: PRODUCER_RETRY,
  });
  const requests = new Map<string, number>();
  let counting = false;
  producer.on(producer.events.REQUEST, ({ payload }) => {
    if (counting) requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1);
  });
  await producer.connect();
  try {
    for (let i = 0; i < TRANSACTIONS; i++) {
      const transaction = await producer.transaction();
      await transaction.sendBatch({
        topicMessages: topics.map((topic, t) => ({
          topic,
          messages: [{ key: `call-${i}-${t}`, value: `${i}` }],
        })),
      });
      await transaction.commit();
      counting = true;
    }
  } finally {
    await producer.disconnect();
  }
  return Object.fromEntries(requests);
};

describe('useLeanKafkaTransactions on a real broker', () => {
  const topicsOf = (prefix: string) => ['a', 'b', 'c', 'progress'].map((t) => `${prefix}.${t}`);

  it('sends a transaction in three requests (and CONCURRENT_TRANSACTIONS retries) where kafkajs sends five or more, every record committed', async () => {
    const prefix = `lean-tx-${randomUUID()}`;
    const stockTopics = topicsOf(`${prefix}.stock`);
    const leanTopics = topicsOf(`${prefix}.lean`);
    const admin = testKafka('lean-transactions-admin').admin();
    await admin.connect();
    await admin.createTopics({
      topics: [...stockTopics, ...leanTopics].map((topic) => ({ topic, numPartitions: 3 })),
      waitForLeaders: true,
    });
    await admin.disconnect();

    const stock = await sendTransactions(kafkajsCopy(false), stockTopics);
    const lean = await sendTransactions(kafkajsCopy(true), leanTopics);

    // Counted from the second transaction on (the first one's lookups are kafkajs's start-up).
    const later = TRANSACTIONS - 1;
    // kafkajs as it ships: a coordinator lookup before AddPartitionsToTxn and before EndTxn.
    expect(stock.GroupCoordinator).toBeGreaterThanOrEqual(2 * later);
    expect(lean.GroupCoordinator ?? 0).toBe(0);
    expect(lean.Metadata ?? 0).toBe(0);
    expect(lean.Produce).toBe(later);
    expect(lean.EndTxn).toBe(later);
    // At least one each; the rest are CONCURRENT_TRANSACTIONS answers sent again by themselves.
    expect(lean.AddPartitionsToTxn).toBeGreaterThanOrEqual(later);

    const consumer = await readCommitted(testKafka('lean-transactions-reader'), leanTopics);
    try {
      for (const topic of leanTopics) {
        const seen = await consumer.waitFor(topic, TRANSACTIONS, 30_000, 500);
        expect(seen.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(
          Array.from({ length: TRANSACTIONS }, (_, i) => i),
        );
      }
    } finally {
      await consumer.stop();
    }
  }, 90_000);
});
