import { Admin, KafkaJSProtocolError } from 'kafkajs';
import { ensureTopics, publishedTopicSpecs } from './topics';

/** What kafkajs throws for the broker's error code 3 (its types declare only `Error | string`). */
const notServedYet = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      code: 3,
      retriable: true,
    }),
  );

/**
 * An admin whose broker knows `existing` topics and answers `createTopics` with `failures` first
 * (then creates them): the retry logic alone, without a broker.
 */
const fakeAdmin = (failures: Error[]) => {
  const existing = new Set<string>();
  const calls = { listTopics: 0, createTopics: 0 };
  const admin = {
    listTopics: async () => {
      calls.listTopics += 1;
      return [...existing];
    },
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      calls.createTopics += 1;
      // The broker creates the topics even when it then fails to serve their metadata.
      for (const { topic } of topics) existing.add(topic);
      const failure = failures.shift();
      if (failure) throw failure;
      return true;
    },
    describeConfigs: async () => ({ resources: [] }),
  } as unknown as Admin;
  return { admin, calls, existing };
};

const specs = publishedTopicSpecs({ callState: 's', operationState: 'o', callEvents: 'e' }, 3);

describe('ensureTopics', () => {
  it('tries again while the broker does not serve topics it has just created', async () => {
    const { admin, calls, existing } = fakeAdmin([notServedYet()]);
    await ensureTopics(admin, specs, () => undefined, 0);
    expect([...existing].sort()).toEqual(['e', 'o', 's']);
    // Created once; the later attempts find them and create nothing.
    expect(calls).toEqual({ listTopics: 2, createTopics: 1 });
  });

  it('gives up after five attempts, and at once on any other error', async () => {
    const stuck = fakeAdmin([]);
    stuck.admin.listTopics = async () => {
      stuck.calls.listTopics += 1;
      throw notServedYet();
    };
    await expect(ensureTopics(stuck.admin, specs, () => undefined, 0)).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect(stuck.calls.listTopics).toBe(5);

    const other = fakeAdmin([new Error('authorization failed')]);
    await expect(ensureTopics(other.admin, specs, () => undefined, 0)).rejects.toThrow(
      'authorization failed',
    );
    expect(other.calls.createTopics).toBe(1);
  });
});
