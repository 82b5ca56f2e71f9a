import type { Consumer, Kafka } from 'kafkajs';
import type { StorePosition } from '@tracker/event-store';
import type { TopicSpec } from '../fanout-record';
import type { Publisher, PublisherLogger, PublisherState } from '../kafka-publisher';
import { ensureTopics } from '../topics';
import { ACTIVE_PARTITION, activePublisherAssigner } from './active-publisher-assigner';

export interface PublisherLeadershipOptions {
  readonly kafka: Kafka;
  /** The group of the deployment's instances, and its one-partition coordination topic. */
  readonly groupId: string;
  readonly topic: string;
  /** A fresh publisher for each term as the active instance (all with the same transactional id). */
  readonly newPublisher: () => Publisher;
  readonly logger: PublisherLogger;
  /** How long the group waits for a silent member before it moves the role (the broker allows 6 s and up). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly retryMs?: number;
}

/**
 * `active`: elected, publishing; `standby`: a member in good standing, another instance publishes;
 * `joining`: not in touch with the group (starting, or the broker is unreachable).
 */
export type PublisherRole = 'active' | 'standby' | 'joining';

export interface FanoutStatus {
  readonly role: PublisherRole;
  /** The publisher's state while active; the role otherwise. */
  readonly state: PublisherState | Exclude<PublisherRole, 'active'>;
  /** Store position of the last event this instance committed to Kafka in its current term. */
  readonly publishedPosition?: StorePosition;
  /** Totals over every term of this process. */
  readonly publishedEvents: number;
  readonly transactions: number;
  readonly lastError?: string;
}

interface Term {
  readonly publisher: Publisher;
  /** When this term was first seen fenced by another publisher. */
  fencedSeenAt?: number;
}

/** The coordination topic: one partition, the role; never written to. */
export const coordinationTopicSpec = (name: string): TopicSpec => ({
  name,
  compacted: false,
  partitions: 1,
});

const DISCONNECT_TIMEOUT_MS = 5000;
const RECONCILE_EVERY_MS = 250;
/** Waits for `promise`, but no longer than `ms`: shutdown must not hang on a silent broker. */
const atMost = (promise: Promise<unknown>, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });

/**
 * Exactly one active Kafka publisher among the instances of a deployment, with fail-over.
 *
 * Every instance is a member of one Kafka consumer group subscribed to a one-partition coordination
 * topic (no records are ever written to it); the member assigned that partition is the active
 * publisher and runs a `Publisher`, the others stand by. The assignment is sticky
 * (`chooseActive`): members joining or standbys leaving never move the role. It moves when its
 * holder leaves (a graceful stop ends the publisher's term first, then leaves the group, so the
 * next one starts after it) or stops heartbeating (crash, SIGKILL, partition): the group expires it
 * after the session timeout and assigns the partition to a live member.
 *
 * Safety does not rest on the election. Every publisher uses the same transactional id and commits
 * its store position inside each transaction, so a new term fences any older producer (its
 * unfinished transaction is aborted) and resumes from the last committed position: even two
 * instances that both think they are active cannot make a read-committed consumer see a gap or a
 * duplicate. The election only makes sure that normally one publishes and that someone always does.
 * To keep overlaps short, an active instance that has not heard from the group for most of the
 * session timeout stops (it may have been replaced), and one whose publisher was fenced while the
 * group still names it starts a new term only after a heartbeat confirms that it still holds the
 * role.
 */
export class PublisherLeadership {
  private readonly sessionTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly retryMs: number;
  private readonly leaseMs: number;
  private consumer: Consumer | undefined;
  private assigned = false;
  private lastContact = 0;
  private closing = true;
  private term: Term | undefined;
  private ended = { publishedEvents: 0, transactions: 0 };
  private timer: NodeJS.Timeout | undefined;
  private joining: Promise<void> = Promise.resolve();
  private reconciling: Promise<void> | undefined;
  private reconcileAgain = false;

  constructor(private readonly options: PublisherLeadershipOptions) {
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 6000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 500;
    this.retryMs = options.retryMs ?? 1000;
    this.leaseMs = this.sessionTimeoutMs - 2 * this.heartbeatIntervalMs;
  }

  get currentStatus(): FanoutStatus {
    const totals = {
      publishedEvents: this.ended.publishedEvents,
      transactions: this.ended.transactions,
    };
    const status = this.term?.publisher.currentStatus;
    if (!status) {
      const role = this.inTouch() ? 'standby' : 'joining';
      return { role, state: role, ...totals };
    }
    return {
      role: 'active',
      state: status.state,
      publishedPosition: status.publishedPosition,
      publishedEvents: totals.publishedEvents + status.publishedEvents,
      transactions: totals.transactions + status.transactions,
      ...(status.lastError ? { lastError: status.lastError } : {}),
    };
  }

  start(): void {
    if (!this.closing) return;
    this.closing = false;
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_EVERY_MS);
    this.joining = this.joinUntilMember();
  }

  /** Ends the current term first (bounded by the publisher's own stop), then leaves the group. */
  async stop(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    await this.reconcile();
    await atMost(this.joining, DISCONNECT_TIMEOUT_MS);
    await this.leaveGroup();
  }

  /** A member that heard from the group recently enough to believe what it last said. */
  private inTouch(): boolean {
    return (
      !this.closing && this.consumer !== undefined && Date.now() - this.lastContact < this.leaseMs
    );
  }

  /** The group names this instance, and the lease on what it said still runs. */
  private holdsRole(): boolean {
    return this.assigned && this.inTouch();
  }

  private async joinUntilMember(): Promise<void> {
    while (!this.closing) {
      try {
        await this.join();
        return;
      } catch (error) {
        this.options.logger.warn(
          `could not join the publisher group (${(error as Error).message}); retrying in ${this.retryMs} ms`,
        );
        await this.leaveGroup();
        await new Promise((resolve) => setTimeout(resolve, this.retryMs));
      }
    }
  }

  private async join(): Promise<void> {
    const { kafka, groupId, topic, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [coordinationTopicSpec(topic)], (m) => logger.warn(m));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.sessionTimeoutMs,
      rebalanceTimeout: 2 * this.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      // kafkajs heartbeats between fetches: an idle fetch must not outlast the heartbeat interval.
      maxWaitTimeInMs: this.heartbeatIntervalMs / 2,
      allowAutoTopicCreation: false,
      partitionAssigners: [activePublisherAssigner(topic, () => this.holdsRole())],
    });
    this.consumer = consumer;
    const { GROUP_JOIN, HEARTBEAT, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[topic]?.includes(ACTIVE_PARTITION) ?? false;
      this.lastContact = Date.now();
      void this.reconcile();
    });
    consumer.on(HEARTBEAT, () => (this.lastContact = Date.now()));
    // Losing the broker needs no handler of its own: without heartbeats the lease runs out.
    consumer.on(CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself after retriable errors; otherwise join anew.
      if (!payload.restart && !this.closing && this.consumer === consumer) {
        logger.warn(`the publisher group member crashed (${payload.error.message}); joining again`);
        this.joining = this.leaveGroup().then(() => this.joinUntilMember());
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  }

  private async leaveGroup(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.assigned = false;
    if (consumer) await atMost(consumer.disconnect(), DISCONNECT_TIMEOUT_MS);
  }

  /** Brings the publisher in line with the role; one pass at a time, again if asked meanwhile. */
  private reconcile(): Promise<void> {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      try {
        do {
          this.reconcileAgain = false;
          await this.reconcileOnce();
        } while (this.reconcileAgain);
      } catch (error) {
        this.options.logger.error(`publisher hand-over failed: ${(error as Error).message}`);
      } finally {
        this.reconciling = undefined;
      }
    })();
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const active = this.holdsRole();
    if (this.term && (!active || this.fencedAndConfirmed(this.term))) {
      await this.endTerm(active ? 'fenced by another publisher; starting a new term' : undefined);
    }
    if (active && !this.term) {
      this.options.logger.log('this instance is now the active Kafka publisher');
      const publisher = this.options.newPublisher();
      this.term = { publisher };
      publisher.start();
    }
  }

  /**
   * A fenced publisher has stopped for good. Another one started with our transactional id, so the
   * role may have moved: a new term only once the group has confirmed, after the fencing, that
   * this instance still holds it (a heartbeat succeeds only for a member of the current generation).
   */
  private fencedAndConfirmed(term: Term): boolean {
    if (term.publisher.currentStatus.state !== 'fenced') return false;
    term.fencedSeenAt ??= Date.now();
    return this.lastContact > term.fencedSeenAt;
  }

  private async endTerm(
    reason = 'this instance is no longer the active Kafka publisher',
  ): Promise<void> {
    const term = this.term!;
    this.options.logger.log(`${reason}; stopping its publisher`);
    await term.publisher.stop();
    const { publishedEvents, transactions } = term.publisher.currentStatus;
    this.ended = {
      publishedEvents: this.ended.publishedEvents + publishedEvents,
      transactions: this.ended.transactions + transactions,
    };
    this.term = undefined;
  }
}
