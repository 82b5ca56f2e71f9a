import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ANY, EmbeddedEventStore, EventStore } from '@tracker/event-store';
import { KafkaPublisherOptions, PUBLISH_STAGES, PublishTimes } from '../kafka-publisher';
import type { Seen } from './kafka-test-kit';

/** Publisher tests' logger: silent unless DEBUG_PUBLISHER is set. */
export const quietLogger = process.env.DEBUG_PUBLISHER
  ? console
  : { log: () => undefined, warn: () => undefined, error: () => undefined };

/** `perStream` rounds of one event on each of `streams` streams. */
export const appendEvents = async (
  store: EmbeddedEventStore,
  streams: number,
  perStream: number,
) => {
  for (let n = 0; n < perStream; n++) {
    await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        store.appendToStream(
          `stream-${s}`,
          [{ id: randomUUID(), type: 'Tested', data: { s, n } }],
          ANY,
        ),
      ),
    );
  }
};

/**
 * A test publisher's settings over `store`: one events topic `<prefix>.events` (3 partitions), one
 * record per event carrying its id and revision, transactional id `<prefix>.tx`.
 */
export const testPublisherOptions = (
  prefix: string,
  kafka: Kafka,
  store: EventStore,
): KafkaPublisherOptions => ({
  kafka,
  store,
  transactionalId: `${prefix}.tx`,
  progressTopic: `${prefix}.progress`,
  progressGroupId: `${prefix}.progress`,
  topics: [{ name: `${prefix}.events`, compacted: false, partitions: 3 }],
  maxBatch: 50,
  retryInitialMs: 100,
  retryMaxMs: 1000,
  recordsFor: async (event) => [
    {
      topic: `${prefix}.events`,
      key: event.streamId,
      value: JSON.stringify({ id: event.id, revision: Number(event.revision) }),
      headers: { ce_id: event.id },
    },
  ],
  logger: quietLogger,
});

/** Every stored event exactly once, and per key in revision order (records of testPublisherOptions). */
export const expectExactlyOnceInOrder = (seen: Seen[], expected: number) => {
  const ids = seen.map((r) => JSON.parse(r.value).id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toHaveLength(expected);
  const byKey = new Map<string, number[]>();
  for (const record of seen) {
    byKey.set(record.key, [...(byKey.get(record.key) ?? []), JSON.parse(record.value).revision]);
  }
  for (const revisions of byKey.values()) {
    expect(revisions).toEqual(revisions.map((_, i) => i));
  }
};

/**
 * A transaction's stages and its own time, each at least 0, add up to its first event's lag
 * (`lagMs`: `created` to the commit) within 3 ms: the stages' bounds are whole ms from `Date.now()`,
 * the transaction's time a fraction from `performance.now()`.
 */
export const expectStagesAddUpTo = (times: PublishTimes, lagMs: number) => {
  for (const stage of [...PUBLISH_STAGES, 'transaction'] as const) {
    expect(times[stage]).toBeGreaterThanOrEqual(0);
  }
  const total = PUBLISH_STAGES.reduce((sum, stage) => sum + times[stage], times.transaction);
  expect(Math.abs(total - lagMs)).toBeLessThan(3);
};

export const waitUntil = async (condition: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
