import { Kafka, logLevel } from 'kafkajs';
import { useLeanKafkaEncoder } from './lean-encoder';
import { useLeanKafkaTransactions } from './lean-transactions';

/**
 * The one way the service and the CLI make a Kafka client: kafkajs's own logging off (failures
 * reach our logs as errors), a few connection retries, and its record encoding and transactions
 * made lean first.
 */
export const kafkaClient = (options: {
  readonly clientId: string;
  readonly brokers: readonly string[];
}): Kafka => {
  useLeanKafkaEncoder();
  useLeanKafkaTransactions();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
};
