import type { Kafka } from 'kafkajs';
import { ProcessCpu } from './procs';

/** Rounds of transactions; the warm-up ends when one costs the broker about what the last did. */
const ROUND_MS = 5_000;
/**
 * The JIT needs about 40 s of this (the cost fell from 15 to 2.5 ms over 60 s in one test, and
 * paused on a plateau after 25 s in another run, which a shorter minimum took for settled).
 */
const MIN_ROUNDS = 8;
const MAX_ROUNDS = 12;
const SETTLED = 0.15;

export interface WarmBrokerRound {
  readonly transactionsPerSecond: number;
  /** The broker's CPU per transaction (ms); undefined when its process is not on this machine. */
  readonly brokerMsPerTransaction?: number;
}

/**
 * Commits small transactions back to back (3 partitions each, as the publisher's usually touch)
 * until the broker's CPU per transaction settles. A broker JVM that has just started spends 5–6
 * times the CPU per transaction of one that has run for a minute (15 ms against 2.5 ms here, a
 * plain kafkajs producer): JIT compilation. Measured on a cold broker, every Kafka figure would
 * carry that, and whatever ran first would pay the most. Without the broker's pid (a remote
 * broker), `MIN_ROUNDS` rounds.
 */
export const warmBroker = async (options: {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly brokerPid: number | undefined;
  readonly say: (line: string) => void;
}): Promise<WarmBrokerRound[]> => {
  const { kafka, topic, brokerPid, say } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({
    transactionalId: `${topic}.tx`,
    idempotent: true,
    maxInFlightRequests: 1,
    // The broker answers CONCURRENT_TRANSACTIONS while the last commit's markers are written;
    // kafkajs's default first retry after 300 ms would make this 3–4 transactions/s.
    retry: { initialRetryTime: 5, retries: 20 },
  });
  await producer.connect();
  const value = 'x'.repeat(400);
  const rounds: WarmBrokerRound[] = [];
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const cpu = brokerPid === undefined ? undefined : new ProcessCpu(brokerPid);
      const started = Date.now();
      let transactions = 0;
      while (Date.now() - started < ROUND_MS) {
        const tx = await producer.transaction();
        await tx.send({
          topic,
          messages: [0, 1, 2].map((partition) => ({ partition, key: `k${partition}`, value })),
        });
        await tx.commit();
        transactions += 1;
      }
      const seconds = (Date.now() - started) / 1000;
      const cores = cpu?.stop();
      const r: WarmBrokerRound = {
        transactionsPerSecond: Math.round((transactions / seconds) * 10) / 10,
        brokerMsPerTransaction:
          cores === undefined
            ? undefined
            : Math.round(((cores * 1000) / (transactions / seconds)) * 100) / 100,
      };
      rounds.push(r);
      say(
        `  broker warm-up round ${round + 1}: ${r.transactionsPerSecond} transactions/s, ${r.brokerMsPerTransaction ?? '?'} ms of broker CPU each`,
      );
      const before = rounds.at(-2)?.brokerMsPerTransaction;
      const now = r.brokerMsPerTransaction;
      if (rounds.length < MIN_ROUNDS) continue;
      if (now === undefined || before === undefined) break;
      if (Math.abs(now - before) <= SETTLED * before) break;
    }
  } finally {
    await producer.disconnect();
  }
  return rounds;
};
