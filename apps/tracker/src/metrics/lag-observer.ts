import { Histogram, Registry } from 'prom-client';
import type { CommittedBatch } from './committed-batch';

/** From a few milliseconds (live) to minutes (catching up after a restart or a broker outage). */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/**
 * A histogram of how long after it was stored each event reached a follower of the store (the
 * read model, Kafka), and the observer to give that follower: it takes each batch the follower has
 * just committed.
 *
 * Measured from the event's `created` time, which the embedded store stamps when it hands the group
 * commit that writes the event to its writer thread: the 202 follows once that commit's fsync
 * returns, so this is the time from 202 to arrival plus that commit's own time (see
 * tracker_store_commit_duration_seconds) — never less than the time from the 202. It covers events this process did not acknowledge
 * (another process on the same file, or stored before a restart) with their whole wait. With
 * EventStoreDB, `created` is the server's clock, so clock skew between hosts adds in (negative
 * differences count as 0).
 */
export const lagObserver = (
  registry: Registry,
  name: string,
  help: string,
): ((batch: CommittedBatch) => void) => {
  const histogram = new Histogram({ name, help, buckets: LAG_BUCKETS, registers: [registry] });
  return ({ createdMs, committedMs }) => {
    for (const created of createdMs) histogram.observe(Math.max(0, committedMs - created) / 1000);
  };
};
