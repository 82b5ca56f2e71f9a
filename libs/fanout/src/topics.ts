import type { Admin } from 'kafkajs';
import type { TopicSpec } from './fanout-record';

/**
 * Creates the topics that are missing, with their cleanup policy. Existing topics are left as they
 * are (an operator may have tuned them); a state topic that exists without compaction is reported.
 */
export const ensureTopics = async (
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
