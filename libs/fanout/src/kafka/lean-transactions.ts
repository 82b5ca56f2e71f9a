import { changeKafkajs, kafkajsVersion } from './kafkajs-version';

/**
 * Fewer broker round trips per Kafka transaction (kafkajs 2.2).
 *
 * A transaction needs three requests: AddPartitionsToTxn, Produce and EndTxn. kafkajs 2.2 sends
 * about 6.4 for the publisher's back-to-back transactions, measured on the bench's broker:
 * - a FindCoordinator before each AddPartitionsToTxn and each EndTxn: the transaction coordinator
 *   is looked up again every time, never kept;
 * - when the broker is still writing the previous transaction's commit markers (a few ms after
 *   EndTxn returned), AddPartitionsToTxn gets CONCURRENT_TRANSACTIONS. kafkajs then retries the
 *   whole send: a Metadata refresh, another FindCoordinator and the AddPartitionsToTxn again, after
 *   an exponential wait (2, 4, 8… ms with `PRODUCER_RETRY`) that overshoots the markers' few ms.
 *
 * Each of these is a round trip that the publisher waits for and the broker spends CPU on. So:
 * - the transaction coordinator a cluster found is kept, per cluster, and asked again only after
 *   that cluster refreshed its metadata or a transactional request failed (any failure but
 *   CONCURRENT_TRANSACTIONS: NOT_COORDINATOR, a lost connection, …), when kafkajs's own retries
 *   then find the new coordinator as before;
 * - AddPartitionsToTxn is sent again by itself every `CONCURRENT_RETRY_MS` while the broker answers
 *   CONCURRENT_TRANSACTIONS, for up to `CONCURRENT_RETRY_FOR_MS`; past that kafkajs's own retry
 *   takes over, unchanged.
 *
 * `bench/kafka-transactions.ts` measures it (back-to-back transactions shaped like the publisher's,
 * kafkajs as it ships against kafkajs as the service uses it, alternating): 6.4 requests a
 * transaction become 3.8–3.9 (0.8–0.9 of them CONCURRENT_TRANSACTIONS answers sent again).
 *
 * Each request is still kafkajs's own, sent to the coordinator the broker named; only the lookups
 * and the waits around them change. Only on the kafkajs version checked (2.2.x), when its classes
 * have the expected shape; otherwise nothing changes and this returns false. Installing twice is a
 * no-op.
 */
export const CONCURRENT_RETRY_MS = 1;
export const CONCURRENT_RETRY_FOR_MS = 500;

/** kafkajs's `COORDINATOR_TYPES.TRANSACTION` (kafkajs/src/protocol/coordinatorTypes.js). */
const TRANSACTION_COORDINATOR = 1;

interface KafkajsBroker {
  readonly nodeId: number;
}

interface KafkajsCluster {
  findGroupCoordinator(args: { groupId: string; coordinatorType?: number }): Promise<KafkajsBroker>;
  findBroker(args: { nodeId: number }): Promise<KafkajsBroker>;
  refreshMetadata(): Promise<void>;
}

type Method = (this: unknown, ...args: unknown[]) => Promise<unknown>;

export interface KafkajsTransactionModules {
  readonly Cluster: { readonly prototype: KafkajsCluster };
  readonly Broker: { readonly prototype: Record<string, unknown> };
  /** kafkajs's eosManager factory, whose source shows how it looks the coordinator up. */
  readonly eosManager: unknown;
}

/** The transactional requests that go to the coordinator; a failure of one forgets it. */
const COORDINATOR_REQUESTS = ['addPartitionsToTxn', 'endTxn', 'addOffsetsToTxn'] as const;

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const LEAN = Symbol.for('comms-tracker.lean-kafka-transactions');

export const useLeanKafkaTransactions = (
  modules: KafkajsTransactionModules = kafkajsModules(),
  version: string = kafkajsVersion(),
  clock: RetryClock = realClock,
): boolean => {
  const cluster = modules.Cluster.prototype;
  const broker = modules.Broker.prototype;
  return changeKafkajs({
    marked: cluster,
    flag: LEAN,
    version,
    expected: () =>
      typeof cluster.findGroupCoordinator === 'function' &&
      typeof cluster.findBroker === 'function' &&
      typeof cluster.refreshMetadata === 'function' &&
      COORDINATOR_REQUESTS.every((name) => typeof broker[name] === 'function') &&
      /cluster\.findGroupCoordinator\(\{\s*groupId: transactionalId,\s*coordinatorType: COORDINATOR_TYPES\.TRANSACTION/.test(
        String(modules.eosManager),
      ),
    apply: () => leanTransactions(cluster, broker, clock),
  });
};

const leanTransactions = (
  cluster: KafkajsCluster,
  broker: Record<string, unknown>,
  clock: RetryClock,
) => {
  // Per cluster (a producer has its own): transactional id → the coordinator's node id. A failed
  // coordinator request forgets every cluster's (rare; the next lookup asks the broker again).
  let generation = 0;
  const coordinators = new WeakMap<object, { generation: number; nodes: Map<string, number> }>();
  const entries = (of: object): Map<string, number> => {
    let entry = coordinators.get(of);
    if (entry?.generation !== generation) {
      entry = { generation, nodes: new Map() };
      coordinators.set(of, entry);
    }
    return entry.nodes;
  };

  const find = cluster.findGroupCoordinator;
  cluster.findGroupCoordinator = async function (this: KafkajsCluster, args) {
    if (args.coordinatorType !== TRANSACTION_COORDINATOR) return find.call(this, args);
    const nodeId = entries(this).get(args.groupId);
    if (nodeId !== undefined) {
      try {
        return await this.findBroker({ nodeId });
      } catch {
        entries(this).delete(args.groupId);
      }
    }
    const found = await find.call(this, args);
    entries(this).set(args.groupId, found.nodeId);
    return found;
  };
  const refresh = cluster.refreshMetadata;
  cluster.refreshMetadata = function (this: KafkajsCluster) {
    coordinators.delete(this);
    return refresh.call(this);
  };

  for (const name of COORDINATOR_REQUESTS) {
    const request = broker[name] as Method;
    const concurrentRetries = name === 'addPartitionsToTxn';
    broker[name] = async function (this: unknown, ...args: unknown[]) {
      const started = clock.now();
      for (;;) {
        try {
          return await request.apply(this, args);
        } catch (error) {
          const concurrent = (error as { type?: string }).type === 'CONCURRENT_TRANSACTIONS';
          if (!concurrent) generation += 1;
          if (
            !concurrent ||
            !concurrentRetries ||
            clock.now() - started >= CONCURRENT_RETRY_FOR_MS
          ) {
            throw error;
          }
          await clock.sleep(CONCURRENT_RETRY_MS);
        }
      }
    };
  }
};

const kafkajsModules = (): KafkajsTransactionModules => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules, untyped
  Cluster: require('kafkajs/src/cluster') as KafkajsTransactionModules['Cluster'],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Broker: require('kafkajs/src/broker') as KafkajsTransactionModules['Broker'],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  eosManager: require('kafkajs/src/producer/eosManager') as unknown,
});
