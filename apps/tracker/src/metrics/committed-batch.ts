/**
 * A batch a follower of the store committed: its events' stored `created` times and when the
 * follower committed them (ms since the epoch). The commit time is taken where the commit happened
 * (a follower's own thread), not where the metric is observed: a follower thread's message can wait
 * behind a busy HTTP loop, and that wait is not the follower's lag.
 */
export interface CommittedBatch {
  readonly createdMs: readonly number[];
  readonly committedMs: number;
}

/** `CommittedBatch` of `events` committed now, by the thread that calls it. */
export const committedNow = (events: ReadonlyArray<{ readonly created: Date }>): CommittedBatch => {
  const committedMs = Date.now(); // first: the commit's time, not the copy's
  return { createdMs: events.map((event) => event.created.getTime()), committedMs };
};
