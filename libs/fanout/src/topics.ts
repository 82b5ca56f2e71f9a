import type { Admin } from 'kafkajs';
import type { CallTopics } from './call-records';
import type { TopicSpec } from './fanout-record';

/** The topics consumers read (docs/kafka.md), as the publisher and `cli republish` create them. */
export const publishedTopicSpecs = (topics: CallTopics, partitions: number): TopicSpec[] => [
  { name: topics.callState, compacted: true, partitions },
  { name: topics.operationState, compacted: true, partitions },
  { name: topics.callEvents, compacted: false, partitions },
];

/** Attempts of `ensureTopics` while the broker does not serve a topic it has just created. */
const NOT_SERVED_YET_ATTEMPTS = 5;

/**
 * Creates the topics that are missing, with their cleanup policy. Existing topics are left as they
 * are (an operator may have tuned them); a state topic that exists without compaction is reported.
 * A broker started a moment ago, with many topics to load, may create a topic and then answer
 * UNKNOWN_TOPIC_OR_PARTITION while kafkajs waits for its leader: that is tried again here, after
 * `retryDelayMs`, rather than failing whoever starts (the publisher, `cli republish`, the bench).
 */
export const ensureTopics = async (
  admin: Admin,
  specs: readonly TopicSpec[],
  warn: (message: string) => void,
  retryDelayMs = 1000,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTopicsOnce(admin, specs, warn);
    } catch (error) {
      const notServedYet = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (!notServedYet || attempt === NOT_SERVED_YET_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
};

const ensureTopicsOnce = async (
  admin: Admin,
  specs: readonly TopicSpec[],
  warn: (message: string) => void,
): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
  }
  const compacted = specs.filter((s) => s.compacted && existing.has(s.name));
  if (compacted.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: compacted.map((s) => ({
      type: 2 /* TOPIC */,
      name: s.name,
      configNames: ['cleanup.policy'],
    })),
  });
  for (const resource of described.resources) {
    const policy = resource.configEntries.find(
      (c) => c.configName === 'cleanup.policy',
    )?.configValue;
    if (!policy?.includes('compact')) {
      warn(
        `topic ${resource.resourceName} exists with cleanup.policy=${policy}; state topics should be compacted`,
      );
    }
  }
};
