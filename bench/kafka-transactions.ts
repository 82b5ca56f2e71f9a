/**
 * What a Kafka transaction costs with kafkajs as it ships against kafkajs as the service uses it
 * (`kafkaClient`: the lean encoder, the lean transactions, the quiet request queue;
 * libs/fanout/src/kafka/). Each side commits back-to-back transactions shaped like the publisher's
 * (records for three topics of 6 partitions and a progress record) for `seconds`, in a process of
 * its own, the two alternating `rounds` times, and counts the requests kafkajs sent by API, the
 * transactions' durations, and the CPU of the client and (a local broker) of the broker.
 *
 *   KAFKA_BROKERS=127.0.0.1:19600 npx ts-node --transpile-only -r tsconfig-paths/register \
 *     bench/kafka-transactions.ts [rounds=2] [seconds=10]
 *
 * Needs a running broker (deploy/kafka/kafka.sh start); its CPU is read only when it is the one
 * kafka.sh runs on this machine. One core's worth of client, one broker, the same machine.
 */
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClient, PRODUCER_RETRY } from '@tracker/fanout';
import { localBrokerPid, ProcessCpu, repoRoot, TS_NODE_ARGS } from './lib/procs';
import { round } from './lib/stats';

type Side = 'stock' | 'service';

interface Result {
  readonly side: Side;
  readonly transactions: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly clientMsEach: number;
  readonly brokerMsEach?: number;
  readonly requestsEach: Record<string, number>;
}

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19600';
const PARTITIONS = 6;
const WARM_UP_MS = 3_000;

const child = async (side: Side, seconds: number): Promise<Result> => {
  const clientId = 'bench-kafka-transactions';
  const kafka =
    side === 'service'
      ? kafkaClient({ clientId, brokers: brokers.split(',') })
      : new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const tag = `bench-tx-${side}-${Date.now()}`;
  const topics = ['a', 'b', 'c'].map((t) => `${tag}.${t}`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      ...topics.map((topic) => ({ topic, numPartitions: PARTITIONS })),
      { topic: `${tag}.progress`, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  // The publisher's producer settings (libs/fanout/src/kafka-publisher.ts).
  const producer = kafka.producer({
    transactionalId: `${tag}.tx`,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: PRODUCER_RETRY,
  });
  const requests = new Map<string, number>();
  producer.on(producer.events.REQUEST, ({ payload }) =>
    requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1),
  );
  await producer.connect();
  const value = 'x'.repeat(600);
  const brokerPid = localBrokerPid(brokers);
  const run = async (ms: number) => {
    requests.clear();
    const broker = brokerPid === undefined ? undefined : new ProcessCpu(brokerPid);
    const client = new ProcessCpu('self');
    const durations: number[] = [];
    const started = Date.now();
    while (Date.now() - started < ms) {
      const t0 = performance.now();
      const n = durations.length;
      const [one, two] = [`call-${n}`, `call-${n}-b`];
      const transaction = await producer.transaction();
      await transaction.sendBatch({
        topicMessages: [
          {
            topic: topics[0],
            messages: [
              { key: one, value },
              { key: two, value },
            ],
          },
          { topic: topics[1], messages: [{ key: one, value }] },
          {
            topic: topics[2],
            messages: [
              { key: one, value },
              { key: two, value },
            ],
          },
          { topic: `${tag}.progress`, messages: [{ key: 'progress', value: String(n) }] },
        ],
      });
      await transaction.commit();
      durations.push(performance.now() - t0);
    }
    const wallMs = Date.now() - started;
    const n = durations.length;
    durations.sort((a, b) => a - b);
    const brokerCores = broker?.stop();
    return {
      side,
      transactions: n,
      perSecond: round((n * 1000) / wallMs, 1),
      p50Ms: round(durations[Math.floor(n / 2)], 1),
      p99Ms: round(durations[Math.floor(n * 0.99)], 1),
      clientMsEach: round(((client.stop() ?? NaN) * wallMs) / n),
      brokerMsEach: brokerCores === undefined ? undefined : round((brokerCores * wallMs) / n),
      requestsEach: Object.fromEntries([...requests].map(([api, c]) => [api, round(c / n)])),
    };
  };
  await run(WARM_UP_MS);
  const result = await run(seconds * 1000);
  await producer.disconnect();
  await admin.deleteTopics({ topics: [...topics, `${tag}.progress`] }).catch(() => undefined);
  await admin.disconnect();
  return result;
};

const parent = (rounds: number, seconds: number) => {
  console.log(`broker ${brokers}; ${rounds} rounds of ${seconds} s a side, alternating`);
  for (let r = 0; r < rounds; r++) {
    for (const side of ['stock', 'service'] as const) {
      const out = spawnSync(process.execPath, [...TS_NODE_ARGS, __filename, side, `${seconds}`], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: process.env,
      });
      const line = out.stdout.trim().split('\n').pop() ?? '';
      if (out.status !== 0 || !line.startsWith('{')) {
        throw new Error(`the ${side} side failed: ${out.stderr || out.stdout}`);
      }
      const result = JSON.parse(line) as Result;
      const apis = Object.entries(result.requestsEach)
        .map(([api, each]) => `${api} ${each}`)
        .join(', ');
      const total = round(
        Object.values(result.requestsEach).reduce((a, b) => a + b, 0),
        1,
      );
      console.log(
        `${side.padEnd(7)} ${result.perSecond} transactions/s, p50 ${result.p50Ms} ms, ` +
          `p99 ${result.p99Ms} ms, client ${result.clientMsEach} ms CPU each, broker ` +
          `${result.brokerMsEach ?? '?'} ms CPU each; ${total} requests each (${apis})`,
      );
    }
  }
};

const [arg1, arg2] = process.argv.slice(2);
if (arg1 === 'stock' || arg1 === 'service') {
  child(arg1, Number(arg2)).then(
    (result) => console.log(JSON.stringify(result)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  parent(Number(arg1 ?? 2), Number(arg2 ?? 10));
}
