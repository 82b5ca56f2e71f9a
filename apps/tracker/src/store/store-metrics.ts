import { Counter, Histogram, Registry } from 'prom-client';
import type { EmbeddedStoreOptions } from '@tracker/event-store';

/** One fsync takes about a millisecond on a good disk; a contended file lock, seconds. */
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
const GROUP_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** The embedded store's group-commit metrics (registered only when that store is used). */
export const storeCommitObserver = (
  registry: Registry,
): NonNullable<EmbeddedStoreOptions['onCommit']> => {
  const registers = [registry];
  const commits = new Counter({
    name: 'tracker_store_commits_total',
    help: 'Embedded store transactions (group commits)',
    registers,
  });
  const appends = new Counter({
    name: 'tracker_store_appends_total',
    help: 'Embedded store appends committed',
    registers,
  });
  const duration = new Histogram({
    name: 'tracker_store_commit_duration_seconds',
    help: 'Embedded store group commits, as long as the writer thread took (fsync included)',
    buckets: COMMIT_BUCKETS,
    registers,
  });
  const groupSize = new Histogram({
    name: 'tracker_store_commit_group_size',
    help: 'Appends written together in one embedded store group commit',
    buckets: GROUP_BUCKETS,
    registers,
  });
  return (commit) => {
    commits.inc();
    appends.inc(commit.appends);
    duration.observe(commit.durationMs / 1000);
    groupSize.observe(commit.appends);
  };
};
