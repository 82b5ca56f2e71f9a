/**
 * The fan-out ceiling: a plain kafkajs transactional producer sending the same records the service
 * publishes, with the same settings as KafkaPublisher (libs/fanout/src/kafka-publisher.ts and
 * apps/tracker/src/fanout/fanout.module.ts): idempotent, transactional, maxInFlightRequests 1,
 * acks all (kafkajs' default for transactions), no compression, one transaction per 500 stored
 * events holding their records and the progress record (as the publisher writes it), then commit.
 *
 * The records are made before the clock starts, by the service's own mapper (CallRecordMapper) over
 * the same store, so the difference between the two figures is what the publisher costs on top of
 * Kafka: reading the store, folding state, mapping, and its batching.
 */
import { Kafka, logLevel, Message } from 'kafkajs';
import { EmbeddedEventStore, RecordedEvent } from '@tracker/event-store';
import { PRODUCER_RETRY, progressMessage } from '@tracker/fanout';
import { CallRecordMapper } from '@tracker/fanout';
import { CallStateFolder } from '@tracker/call-stream';
import { serveIpc } from './lib/procs';
import { nowMs, round } from './lib/stats';

interface Args {
  storePath: string;
  events: number;
  brokers: string[];
  prefix: string;
  partitions: number;
  maxBatch: number;
}

async function run(args: Args) {
  const topics = {
    callState: `${args.prefix}.call-state`,
    operationState: `${args.prefix}.operation-state`,
    callEvents: `${args.prefix}.call-events`,
  };
  const store = EmbeddedEventStore.open({ path: args.storePath });
  const mapper = new CallRecordMapper(topics, new CallStateFolder(store));
  const transactions: Array<{ topicMessages: { topic: string; messages: Message[] }[] }> = [];
  let records = 0;
  let events = 0;
  let batch: RecordedEvent[] = [];
  const flush = async () => {
    const byTopic = new Map<string, Message[]>();
    for (const event of batch) {
      for (const r of await mapper.recordsFor(event)) {
        const list = byTopic.get(r.topic) ?? [];
        list.push({ key: r.key, value: r.value, headers: { ...r.headers } });
        byTopic.set(r.topic, list);
        records += 1;
      }
    }
    transactions.push({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    batch = [];
  };
  for await (const event of store.readAll()) {
    batch.push(event);
    events += 1;
    if (batch.length >= args.maxBatch) await flush();
    if (events >= args.events) break;
  }
  if (batch.length > 0) await flush();
  await store.close();

  const kafka = new Kafka({
    clientId: 'bench-plain-producer',
    brokers: args.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  const progressTopic = `${args.prefix}.progress`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      ...Object.values(topics).map((topic) => ({
        topic,
        numPartitions: args.partitions,
        configEntries:
          topic === topics.callEvents ? [] : [{ name: 'cleanup.policy', value: 'compact' }],
      })),
      {
        topic: progressTopic,
        numPartitions: 2,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ],
  });
  await admin.disconnect();
  const connectProducer = async () => {
    const p = kafka.producer({
      transactionalId: `${args.prefix}.producer`,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: PRODUCER_RETRY,
    });
    await p.connect();
    await (await p.transaction()).abort();
    // Like the publisher (which reads its progress next), give the broker a moment to finish that
    // abort: a transaction begun at once can meet CONCURRENT_TRANSACTIONS.
    await new Promise((r) => setTimeout(r, 500));
    return p;
  };
  let producer = await connectProducer();

  // A failed transaction is redone the way KafkaPublisher does it: abort, a new producer, again
  // from the last committed batch (its time counts, as the publisher's does).
  let restarts = 0;
  const started = nowMs();
  let position = 0;
  for (const t of transactions) {
    for (let attempt = 1; ; attempt++) {
      const transaction = await producer.transaction();
      try {
        const end = BigInt(position + args.maxBatch);
        await transaction.sendBatch({
          topicMessages: [
            ...t.topicMessages,
            progressMessage(progressTopic, { commit: end, prepare: end }),
          ],
        });
        await transaction.commit();
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        restarts += 1;
        await transaction.abort().catch(() => undefined);
        await producer.disconnect().catch(() => undefined);
        producer = await connectProducer();
      }
    }
    position += args.maxBatch;
  }
  const seconds = (nowMs() - started) / 1000;
  await producer.disconnect();
  return {
    events,
    records,
    transactions: transactions.length,
    restarts,
    seconds: round(seconds, 3),
    recordsPerSecond: round(records / seconds, 1),
    eventsPerSecond: round(events / seconds, 1),
  };
}

serveIpc({ run: (a) => run(a as unknown as Args) });
