import {
  CONCURRENT_RETRY_FOR_MS,
  CONCURRENT_RETRY_MS,
  KafkajsTransactionModules,
  RetryClock,
  useLeanKafkaTransactions,
} from './lean-transactions';

const concurrent = () =>
  Object.assign(new Error('concurrent'), { type: 'CONCURRENT_TRANSACTIONS' });
const notCoordinator = () => Object.assign(new Error('moved'), { type: 'NOT_COORDINATOR' });

/**
 * Stand-ins for kafkajs's Cluster and Broker classes, shaped as kafkajs 2.2's: the lookups and
 * requests they get are counted, and each request answers from a script.
 */
const fakeKafkajs = () => {
  const lookups: { groupId: string; coordinatorType?: number }[] = [];
  const sent: string[] = [];
  const script: Record<string, (() => Error | undefined)[]> = {};
  const answer = (name: string) =>
    async function (this: unknown) {
      sent.push(name);
      const error = script[name]?.shift()?.();
      if (error) throw error;
      return name;
    };
  class Cluster {
    async findGroupCoordinator(args: { groupId: string; coordinatorType?: number }) {
      lookups.push(args);
      return { nodeId: 7 };
    }
    async findBroker({ nodeId }: { nodeId: number }) {
      return { nodeId };
    }
    async refreshMetadata() {}
  }
  class Broker {}
  for (const name of ['addPartitionsToTxn', 'endTxn', 'addOffsetsToTxn']) {
    (Broker.prototype as Record<string, unknown>)[name] = answer(name);
  }
  const eosManager = () =>
    `const findTransactionCoordinator = () => {
    return cluster.findGroupCoordinator({
      groupId: transactionalId,
      coordinatorType: COORDINATOR_TYPES.TRANSACTION,
    })
  }`;
  eosManager.toString = eosManager;
  const modules = { Cluster, Broker, eosManager } as unknown as KafkajsTransactionModules;
  return { modules, Cluster, Broker, lookups, sent, script };
};

/** A clock that moves only when slept on. */
const steppedClock = (): RetryClock & { slept: number[] } => {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
};

type Lean = ReturnType<typeof fakeKafkajs>;
const call = (kafkajs: Lean, name: string) =>
  (new kafkajs.Broker() as unknown as Record<string, () => Promise<unknown>>)[name]();

describe('useLeanKafkaTransactions', () => {
  it('looks the transaction coordinator up once per cluster, and other coordinators every time', async () => {
    const kafkajs = fakeKafkajs();
    expect(useLeanKafkaTransactions(kafkajs.modules, '2.2.4', steppedClock())).toBe(true);
    const [one, two] = [new kafkajs.Cluster(), new kafkajs.Cluster()];

    for (let i = 0; i < 3; i++) {
      await one.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
      await one.findGroupCoordinator({ groupId: 'group', coordinatorType: 0 });
    }
    await two.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    await one.findGroupCoordinator({ groupId: 'other-tx', coordinatorType: 1 });

    expect(kafkajs.lookups).toEqual([
      { groupId: 'tx', coordinatorType: 1 },
      { groupId: 'group', coordinatorType: 0 },
      { groupId: 'group', coordinatorType: 0 },
      { groupId: 'group', coordinatorType: 0 },
      { groupId: 'tx', coordinatorType: 1 },
      { groupId: 'other-tx', coordinatorType: 1 },
    ]);
  });

  it("forgets a cluster's coordinator when it refreshes its metadata", async () => {
    const kafkajs = fakeKafkajs();
    useLeanKafkaTransactions(kafkajs.modules, '2.2.4', steppedClock());
    const cluster = new kafkajs.Cluster();
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    await cluster.refreshMetadata();
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    expect(kafkajs.lookups).toHaveLength(2);
  });

  it.each(['addPartitionsToTxn', 'endTxn', 'addOffsetsToTxn'])(
    'forgets every coordinator when %s fails, and throws that failure at once',
    async (name) => {
      const kafkajs = fakeKafkajs();
      const clock = steppedClock();
      useLeanKafkaTransactions(kafkajs.modules, '2.2.4', clock);
      const clusters = [new kafkajs.Cluster(), new kafkajs.Cluster()];
      const lookUp = () =>
        Promise.all(
          clusters.map((c) => c.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 })),
        );
      await lookUp();
      kafkajs.script[name] = [notCoordinator];

      await expect(call(kafkajs, name)).rejects.toThrow('moved');
      await lookUp();

      expect(kafkajs.sent).toEqual([name]);
      expect(clock.slept).toEqual([]);
      expect(kafkajs.lookups).toHaveLength(4);
    },
  );

  it('sends AddPartitionsToTxn again while the broker answers CONCURRENT_TRANSACTIONS, keeping the coordinator', async () => {
    const kafkajs = fakeKafkajs();
    const clock = steppedClock();
    useLeanKafkaTransactions(kafkajs.modules, '2.2.4', clock);
    const cluster = new kafkajs.Cluster();
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    kafkajs.script.addPartitionsToTxn = [concurrent, concurrent, concurrent];

    await expect(call(kafkajs, 'addPartitionsToTxn')).resolves.toBe('addPartitionsToTxn');
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });

    expect(kafkajs.sent).toEqual(Array(4).fill('addPartitionsToTxn'));
    expect(clock.slept).toEqual([CONCURRENT_RETRY_MS, CONCURRENT_RETRY_MS, CONCURRENT_RETRY_MS]);
    expect(kafkajs.lookups).toHaveLength(1);
  });

  it("hands CONCURRENT_TRANSACTIONS to kafkajs's own retry after CONCURRENT_RETRY_FOR_MS", async () => {
    const kafkajs = fakeKafkajs();
    const clock = steppedClock();
    useLeanKafkaTransactions(kafkajs.modules, '2.2.4', clock);
    kafkajs.script.addPartitionsToTxn = Array(10_000).fill(concurrent);

    await expect(call(kafkajs, 'addPartitionsToTxn')).rejects.toMatchObject({
      type: 'CONCURRENT_TRANSACTIONS',
    });
    expect(clock.slept).toHaveLength(CONCURRENT_RETRY_FOR_MS / CONCURRENT_RETRY_MS);
  });

  it('does not retry CONCURRENT_TRANSACTIONS on EndTxn (kafkajs does not either)', async () => {
    const kafkajs = fakeKafkajs();
    useLeanKafkaTransactions(kafkajs.modules, '2.2.4', steppedClock());
    kafkajs.script.endTxn = [concurrent];
    await expect(call(kafkajs, 'endTxn')).rejects.toThrow('concurrent');
    expect(kafkajs.sent).toEqual(['endTxn']);
  });

  it('changes nothing on another kafkajs version, or when kafkajs looks coordinators up otherwise', async () => {
    const other = fakeKafkajs();
    expect(useLeanKafkaTransactions(other.modules, '2.3.0', steppedClock())).toBe(false);
    const changed = fakeKafkajs();
    const eosManager = () => 'cluster.findGroupCoordinator({ groupId })';
    eosManager.toString = eosManager;
    const modules = { ...changed.modules, eosManager };
    expect(useLeanKafkaTransactions(modules, '2.2.4', steppedClock())).toBe(false);

    for (const kafkajs of [other, changed]) {
      const cluster = new kafkajs.Cluster();
      await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
      await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
      expect(kafkajs.lookups).toHaveLength(2);
    }
  });

  it('installs once', () => {
    const kafkajs = fakeKafkajs();
    expect(useLeanKafkaTransactions(kafkajs.modules, '2.2.4', steppedClock())).toBe(true);
    const patched = kafkajs.Cluster.prototype.findGroupCoordinator;
    expect(useLeanKafkaTransactions(kafkajs.modules, '2.2.4', steppedClock())).toBe(true);
    expect(kafkajs.Cluster.prototype.findGroupCoordinator).toBe(patched);
  });
});
