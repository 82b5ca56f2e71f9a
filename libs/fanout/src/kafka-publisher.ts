import type { Admin, Kafka, Producer } from 'kafkajs';
import {
  batches,
  EventStore,
  formatPosition,
  RecordedEvent,
  StorePosition,
  StoreSubscription,
} from '@tracker/event-store';
import type { FanoutRecord, TopicSpec } from './fanout-record';
import { progressTopicSpec, PublisherProgress } from './progress';
import { ensureTopics } from './topics';
import {
  inTransactions,
  isFenced,
  mapInOrder,
  MAX_TOPIC_BATCH_BYTES,
  readPartitionOf,
  RecordsFor,
  sendInTransaction,
  withTimeout,
} from './transactions';

export interface PublisherLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface KafkaPublisherOptions {
  readonly kafka: Kafka;
  readonly store: EventStore;
  readonly recordsFor: RecordsFor;
  readonly topics: readonly TopicSpec[];
  /** One per deployment: a second publisher with the same id fences the first. */
  readonly transactionalId: string;
  readonly progressTopic: string;
  readonly progressGroupId: string;
  readonly maxBatch?: number;
  /** Bytes of records a transaction sends to one topic partition at most (`MAX_TOPIC_BATCH_BYTES`). */
  readonly maxTopicBatchBytes?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly logger: PublisherLogger;
  /**
   * Told of each batch once its Kafka transaction is committed, with where the time of its first
   * event went (metrics). Must not throw.
   */
  readonly onPublished?: (batch: readonly RecordedEvent[], times: PublishTimes) => void;
}

/**
 * The stages of a transaction's first event before its transaction is sent, in order (ms, wall
 * clock, each from the end of the one before):
 * - `read`: stored (`created`) → out of the store subscription: the publisher's wake-up and read.
 *   A read is usually waiting while the previous batch is mapped and sent; when none is (the batch
 *   before filled to `maxBatch`, as in a catch-up), the time the publisher was busy counts here;
 * - `linger`: → its batch handed over: the rest of the previous batch's mapping and sending, and
 *   the wait while the previous transaction commits (the batch grows meanwhile);
 * - `map`: → its batch's records mapped (fold, serialise);
 * - `queued`: → its transaction sent: the wait for the transactions before it (one at a time, and
 *   a batch cut into several sends them in turn).
 */
export const PUBLISH_STAGES = ['read', 'linger', 'map', 'queued'] as const;
export type PublishStage = (typeof PUBLISH_STAGES)[number];

/**
 * Where a transaction's first event spent its time from being stored to its records' commit (ms):
 * the publisher's stages, then `transaction`, from sending the records to the broker's answer to
 * the commit (the client's encoding, the round trips, the broker's work).
 */
export interface PublishTimes extends Readonly<Record<PublishStage, number>> {
  readonly transaction: number;
}

/** What the leadership runs for each term: this class, or the same in a thread of its own. */
export interface Publisher {
  start(): void;
  /** Stops after the transaction in flight, if any; bounded. */
  stop(): Promise<void>;
  readonly currentStatus: PublisherStatus;
}

export type PublisherState = 'starting' | 'running' | 'retrying' | 'fenced' | 'stopped';

export interface PublisherStatus {
  readonly state: PublisherState;
  /** Store position of the last event whose records are committed in Kafka. */
  readonly publishedPosition?: StorePosition;
  readonly publishedEvents: number;
  readonly transactions: number;
  readonly lastError?: string;
}

/**
 * The client's own retries. Back to back, a transaction's AddPartitionsToTxn usually meets
 * CONCURRENT_TRANSACTIONS while the broker still writes the previous one's markers (a few ms);
 * kafkajs's default 100 ms first retry made that the floor of every transaction, and of the lag.
 * So: a first retry after 2 ms, doubling to 250 ms, about a second in all before this loop takes
 * over (from the committed position). Fencing is not retried by the client, so it is seen at once.
 */
export const PRODUCER_RETRY = { retries: 10, initialRetryTime: 2, maxRetryTime: 250 } as const;

const STOP_TIMEOUT_MS = 5000;

/**
 * Publishes every stored event to Kafka from a store subscription, never from the request path.
 *
 * Exactly once for read-committed consumers: each batch of records and the store position they
 * reach are committed in one Kafka transaction. On any failure the transaction is aborted, and the
 * publisher reconnects with backoff and resumes from the position Kafka says was committed, so
 * nothing is skipped and nothing committed is repeated. The transactional id fences a second
 * publisher: the older one learns it is fenced and stops.
 */
export class KafkaPublisher implements Publisher {
  private readonly maxBatch: number;
  private readonly maxTopicBatchBytes: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private stopping = false;
  private running: Promise<void> | undefined;
  private subscription: StoreSubscription | undefined;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private wakeFromBackoff: (() => void) | undefined;
  private status: PublisherStatus = { state: 'stopped', publishedEvents: 0, transactions: 0 };

  constructor(private readonly options: KafkaPublisherOptions) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxTopicBatchBytes = options.maxTopicBatchBytes ?? MAX_TOPIC_BATCH_BYTES;
    this.retryInitialMs = options.retryInitialMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
  }

  get currentStatus(): PublisherStatus {
    return this.status;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.runWithRetries();
  }

  /**
   * Stops after the transaction in flight, if any. Bounded: a broker that does not answer must not
   * hold up the service's shutdown (an unfinished transaction is aborted by Kafka and redone by the
   * next publisher, from the committed position).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();
    await this.subscription?.close();
    await withTimeout(this.running ?? Promise.resolve(), STOP_TIMEOUT_MS).catch(() =>
      this.disconnect(),
    );
    this.running = undefined;
  }

  private async runWithRetries(): Promise<void> {
    let delay = this.retryInitialMs;
    while (!this.stopping) {
      this.update({ state: 'starting' });
      try {
        await this.publishFromCommittedProgress(() => (delay = this.retryInitialMs));
      } catch (error) {
        if (this.stopping) break;
        if (isFenced(error)) {
          this.options.logger.error(
            `another publisher took over transactional id "${this.options.transactionalId}"; this one stops`,
          );
          this.update({ state: 'fenced', lastError: String((error as Error).message) });
          await this.disconnect();
          return;
        }
        this.options.logger.warn(
          `publishing failed (${(error as Error).message}); retrying in ${delay} ms from the committed position`,
        );
        this.update({ state: 'retrying', lastError: String((error as Error).message) });
      }
      await this.disconnect();
      if (this.stopping) break;
      await this.backoff(delay);
      delay = Math.min(delay * 2, this.retryMaxMs);
    }
    this.update({ state: 'stopped' });
  }

  private async publishFromCommittedProgress(onProgress: () => void): Promise<void> {
    const { kafka, topics, transactionalId, progressTopic, progressGroupId, logger } = this.options;
    this.admin = kafka.admin();
    await this.admin.connect();
    await ensureTopics(this.admin, [...topics, progressTopicSpec(progressTopic)], (m) =>
      logger.warn(m),
    );
    // The partition each record goes to, so that the byte bound counts what the broker limits: one
    // partition's record batch. Counted per topic, the bench's catch-up took 133 transactions of
    // 330 events on average, where the plain producer took 88 of 497.
    const partitionOf = await readPartitionOf(
      this.admin,
      topics.map((t) => t.name),
    );
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: PRODUCER_RETRY,
    });
    await this.producer.connect();
    const progress = new PublisherProgress(kafka, this.admin, progressTopic, progressGroupId);
    // kafkajs registers the transactional id (InitProducerId) only when a first transaction begins,
    // not on connect. That transaction, now, fences any older instance and completes or aborts its
    // open transaction; its barrier record makes the progress read next see every commit before.
    await sendInTransaction(this.producer, [], progress.barrier());
    const from = await progress.read();
    logger.log(`publishing from ${from ? formatPosition(from) : 'the start of the store'}`);
    this.update({ state: 'running', publishedPosition: from, lastError: undefined });

    this.subscription = this.options.store.subscribeToAll({ after: from });
    // Pipelined: the next batch is read and mapped while the previous transaction commits (a round
    // trip to the broker, most of a transaction's time). Transactions still go one at a time, in
    // store order, and a failed one stops the loop before the next is sent.
    let committing: Promise<void> | undefined;
    // No timer: a batch takes what is ready, and grows while the previous transaction commits.
    const whileCommitting = () => committing;
    // When each event came out of the subscription: the end of its `read` stage. Stamped in a
    // generator of its own so that it is the arrival, not when the batching loop resumed (about
    // 0.5 µs per event on the bench's machine, against ~40 µs to map the event).
    const arrived = new WeakMap<RecordedEvent, number>();
    const subscription = this.subscription;
    async function* stamped(): AsyncGenerator<RecordedEvent> {
      for await (const event of subscription) {
        arrived.set(event, Date.now());
        yield event;
      }
    }
    try {
      for await (const batch of batches(stamped(), this.maxBatch, whileCommitting)) {
        if (this.stopping) break;
        const handed = Date.now();
        const mapped = await mapInOrder(batch, this.options.recordsFor);
        const mappedAt = Date.now();
        const transactions = inTransactions(batch, mapped, this.maxTopicBatchBytes, partitionOf);
        for (const { events, records } of transactions) {
          await committing;
          if (this.stopping) break;
          const first = events[0];
          const arrivedAt = arrived.get(first) ?? handed;
          // Wall clock (`created` is), so each is clamped: a clock step back gives 0, not less.
          const stages: Record<PublishStage, number> = {
            read: Math.max(0, arrivedAt - first.created.getTime()),
            linger: Math.max(0, handed - arrivedAt),
            map: Math.max(0, mappedAt - handed),
            queued: Math.max(0, Date.now() - mappedAt),
          };
          committing = this.publishBatch(this.producer, progress, events, records, stages).then(
            onProgress,
          );
          // A failed transaction (fenced, broker gone) ends the wait for the next batch at once;
          // the failure itself is thrown below (or at the next batch, if one was already there).
          committing.catch(() => void this.subscription?.close());
        }
      }
    } finally {
      // The transaction in flight finishes (or fails) before the publisher stops or retries.
      await committing?.catch(() => undefined);
    }
    await committing;
    if (!this.stopping) throw new Error('store subscription ended');
  }

  private async publishBatch(
    producer: Producer,
    progress: PublisherProgress,
    batch: readonly RecordedEvent[],
    records: readonly FanoutRecord[],
    stages: Record<PublishStage, number>,
  ): Promise<void> {
    const last = batch[batch.length - 1].position;
    const sent = performance.now();
    await sendInTransaction(producer, records, progress.message(last));
    const transaction = performance.now() - sent;
    this.update({
      publishedPosition: last,
      publishedEvents: this.status.publishedEvents + batch.length,
      transactions: this.status.transactions + 1,
    });
    this.options.onPublished?.(batch, { ...stages, transaction });
  }

  private async disconnect(): Promise<void> {
    const { subscription, producer, admin } = this;
    this.subscription = this.producer = this.admin = undefined;
    await subscription?.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private update(change: Partial<PublisherStatus>): void {
    this.status = { ...this.status, ...change };
  }
}
