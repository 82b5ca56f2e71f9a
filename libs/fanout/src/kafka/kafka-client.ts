import { Kafka, logLevel } from 'kafkajs';
import { useLeanKafkaEncoder } from './lean-encoder';
import { useLeanKafkaTransactions } from './lean-transactions';
import { useQuietKafkaRequestQueue } from './quiet-request-queue';

/**
 * The one way the service and the CLI make a Kafka client: kafkajs's own logging off (failures
 * reach our logs as errors), a few connection retries, and three changes to kafkajs 2.2 first: its
 * record encoding and transactions made lean, and its idle connections no longer woken every ms.
 */
export const kafkaClient = (options: {
  readonly clientId: string;
  readonly brokers: readonly string[];
}): Kafka => {
  useLeanKafkaEncoder();
  useLeanKafkaTransactions();
  useQuietKafkaRequestQueue();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
};
