import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const kafkaSh = resolve(__dirname, '../../../../deploy/kafka/kafka.sh');

export const testKafka = (clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });

export interface TopicNames {
  readonly callState: string;
  readonly operationState: string;
  readonly callEvents: string;
}

/** Topics of a test's own, so tests never read each other's records. */
export const topicNames = (prefix: string): TopicNames => ({
  callState: `${prefix}.call-state`,
  operationState: `${prefix}.operation-state`,
  callEvents: `${prefix}.call-events`,
});

/** The service's Kafka settings for a test: the broker under test, its own topics and publisher. */
export const serviceKafkaEnv = (prefix: string, topics: TopicNames): Record<string, string> => ({
  KAFKA_BROKERS: brokers.join(','),
  KAFKA_TRANSACTIONAL_ID: `${prefix}.publisher`,
  KAFKA_TOPIC_CALL_STATE: topics.callState,
  KAFKA_TOPIC_OPERATION_STATE: topics.operationState,
  KAFKA_TOPIC_CALL_EVENTS: topics.callEvents,
  KAFKA_TOPIC_PARTITIONS: '3',
});

export interface Seen {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly partition: number;
  readonly offset: string;
}

const headersOf = (message: KafkaMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * Subscribes, waiting out a topic the broker does not serve yet: right after a topic is created
 * its metadata can still answer UNKNOWN_TOPIC_OR_PARTITION ("does not host this topic-partition").
 */
const subscribeWhenKnown = async (consumer: Consumer, topics: string[]): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= 25) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
};

/** A read-committed consumer that keeps every record of `topics` from the beginning. */
export const readCommitted = async (kafka: Kafka, topics: string[]) => {
  const seen = new Map<string, Seen[]>(topics.map((t) => [t, []]));
  const consumer = kafka.consumer({
    groupId: `test-${Date.now()}-${Math.random()}`,
    readUncommitted: false,
  });
  await consumer.connect();
  await subscribeWhenKnown(consumer, topics);
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      seen.get(topic)!.push({
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: headersOf(message),
        partition,
        offset: message.offset,
      });
    },
  });
  return {
    seen,
    /** Waits until `topic` holds at least `count` records, then a little longer for stragglers. */
    async waitFor(
      topic: string,
      count: number,
      timeoutMs = 60_000,
      settleMs = 1000,
    ): Promise<Seen[]> {
      const deadline = Date.now() + timeoutMs;
      while (seen.get(topic)!.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`timed out: ${seen.get(topic)!.length} of ${count} records on ${topic}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, settleMs));
      return seen.get(topic)!;
    },
    stop: () => consumer.disconnect(),
  };
};

/** kafka.sh manages one broker per port: address the one under test. */
const kafkaShEnv = { ...process.env, KAFKA_PORT: brokers[0].split(':').pop() };

/** True when the broker under test is the local one that deploy/kafka/kafka.sh manages. */
export const brokerIsLocal = (): boolean =>
  spawnSync('bash', [kafkaSh, 'status'], { stdio: 'ignore', env: kafkaShEnv }).status === 0;

export const runKafkaSh = (...args: string[]): void => {
  const result = spawnSync('bash', [kafkaSh, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: kafkaShEnv,
  });
  if (result.status !== 0) throw new Error(`kafka.sh ${args.join(' ')} failed`);
};
