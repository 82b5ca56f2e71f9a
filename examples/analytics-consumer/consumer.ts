/**
 * An analytics consumer of the tracker's Kafka topics (kafkajs): success rates and duration
 * percentiles per operation type and completion reason. Walkthrough: README.md beside this file.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 npx ts-node --transpile-only examples/analytics-consumer/consumer.ts
 *       [--topic comms.operation-state.v1] [--every 10] [--until-idle 5000] [--json]
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { OperationState, OperationStats } from './operation-stats';

export const OPERATION_STATE_TOPIC = 'comms.operation-state.v1';

export interface ConsumeOptions {
  readonly brokers: readonly string[];
  readonly topic?: string;
  /**
   * Stop once nothing has arrived for this long (after joining the group); without it, run until
   * `signal` aborts.
   */
  readonly untilIdleMs?: number;
  readonly signal?: AbortSignal;
  /** Called after every batch, e.g. to print the table now and then. */
  readonly onBatch?: (stats: OperationStats) => void;
}

/**
 * Reads the operation-state topic from the beginning and keeps the figures in memory. The topic
 * is compacted, so the beginning holds at least the latest state of every operation: reading it
 * whole is how a job like this one starts. Each run uses a group of its own and commits nothing,
 * since the figures live only in this process; a job that stores its figures would commit the
 * offsets it has folded in, in the same transaction as the figures.
 */
export const consumeOperationStats = async (options: ConsumeOptions): Promise<OperationStats> => {
  const stats = new OperationStats();
  const kafka = new Kafka({
    clientId: 'analytics-example',
    brokers: [...options.brokers],
    logLevel: logLevel.ERROR,
  });
  const consumer = kafka.consumer({
    groupId: `analytics-example-${randomUUID()}`,
    // read_committed (the kafkajs default, said explicitly): only records of committed
    // transactions, so no aborted retry of the tracker's publisher is ever counted.
    readUncommitted: false,
  });
  let lastActivity = Date.now();
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    lastActivity = Date.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: [options.topic ?? OPERATION_STATE_TOPIC],
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (!message.value) continue; // the tracker publishes no tombstones; be tolerant anyway
          stats.add(JSON.parse(message.value.toString()) as OperationState);
        }
        lastActivity = Date.now();
        options.onBatch?.(stats);
      },
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const idle =
          options.untilIdleMs !== undefined &&
          joined &&
          Date.now() - lastActivity >= options.untilIdleMs;
        if (idle || options.signal?.aborted) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
    });
  } finally {
    await consumer.disconnect();
  }
  return stats;
};

const flag = (args: readonly string[], name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const main = async (args: readonly string[]): Promise<void> => {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const untilIdle = flag(args, 'until-idle');
  const everySeconds = Number(flag(args, 'every') ?? 10);
  const json = args.includes('--json');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  let printed = Date.now();
  const stats = await consumeOperationStats({
    brokers,
    topic: flag(args, 'topic'),
    untilIdleMs: untilIdle === undefined ? undefined : Number(untilIdle),
    signal: stop.signal,
    onBatch: (current) => {
      if (json || Date.now() - printed < everySeconds * 1000) return;
      printed = Date.now();
      process.stdout.write(`${current.table()}\n\n`);
    },
  });
  process.stdout.write(
    json ? `${JSON.stringify(stats.groups(), null, 2)}\n` : `${stats.table()}\n`,
  );
};

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`analytics-example: ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  });
}
