import { changeKafkajs, kafkajsVersion } from './kafkajs-version';

/**
 * Stops kafkajs 2.2's request queues from waking every millisecond while idle.
 *
 * Each kafkajs connection has a `RequestQueue`. Once it has had an answer, its
 * `scheduleCheckPendingRequests` sets a timer for `throttledUntil - Date.now()` ms, which with no
 * throttling (`throttledUntil` is -1) is negative, so 1 ms; the timer checks the (empty) queue and
 * schedules itself again, for as long as the connection is open (kafkajs issues #1556 and #1704,
 * unfixed in 2.2.4). The service keeps several connections open (the publisher's producer and
 * admin, the election's consumer group, the progress reader), each waking its thread a thousand
 * times a second. On the bench's machine a timer's wake-up costs 23–172 µs of CPU
 * (bench/wake-costs.ts); one idle producer took 2.7 % of a core (267 ms of CPU in 10 s, 8,678
 * checks), on the threads that answer webhooks and publish.
 *
 * Changed: with no request waiting and no throttling, nothing is scheduled. A request that cannot
 * be sent at once is queued by `push`, which schedules the check as before, and every answer or
 * timeout checks the queue; so only the timer that found nothing to do is gone. Only on the
 * kafkajs version checked (2.2.x), when the method has the expected source; otherwise nothing
 * changes and this returns false. Installing twice is a no-op.
 */
interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  scheduleCheckPendingRequests(): void;
}

export interface KafkajsRequestQueueClass {
  readonly prototype: KafkajsRequestQueue;
}

const QUIET = Symbol.for('comms-tracker.quiet-kafka-request-queue');

/** kafkajs 2.2.4's own method, up to its timer: the loop is the negative delay when idle. */
const EXPECTED_SOURCE =
  /let scheduleAt = this\.throttledUntil - Date\.now\(\)\s*if \(!this\.throttleCheckTimeoutId\) \{\s*if \(this\.pending\.length > 0\) \{/;

export const useQuietKafkaRequestQueue = (
  RequestQueue: KafkajsRequestQueueClass = kafkajsRequestQueue(),
  version: string = kafkajsVersion(),
  now: () => number = Date.now,
): boolean => {
  const proto = RequestQueue.prototype;
  const schedule = proto.scheduleCheckPendingRequests;
  return changeKafkajs({
    marked: proto,
    flag: QUIET,
    version,
    expected: () => typeof schedule === 'function' && EXPECTED_SOURCE.test(String(schedule)),
    apply: () => {
      proto.scheduleCheckPendingRequests = function (this: KafkajsRequestQueue) {
        if (this.pending.length === 0 && this.throttledUntil <= now()) return;
        schedule.call(this);
      };
    },
  });
};

const kafkajsRequestQueue = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, untyped
  require('kafkajs/src/network/requestQueue') as KafkajsRequestQueueClass;
