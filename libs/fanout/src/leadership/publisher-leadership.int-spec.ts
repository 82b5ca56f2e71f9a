import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore } from '@tracker/event-store';
import { KafkaPublisher } from '../kafka-publisher';
import { readCommitted, testKafka } from '../testing/kafka-test-kit';
import {
  appendEvents,
  expectExactlyOnceInOrder,
  quietLogger,
  testPublisherOptions,
  waitUntil,
} from '../testing/publisher-fixtures';
import { PublisherLeadership } from './publisher-leadership';

/**
 * The election on a real broker, with real publishers over one embedded store, several members in
 * one process. (A member killed outright is the e2e test's job: test/publisher-failover.e2e-spec.ts.)
 */
describe('PublisherLeadership on a real broker', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  let prefix: string;
  const kafka = testKafka('leadership-test');
  const started: Array<{ stop(): Promise<void> }> = [];
  const timers: NodeJS.Timeout[] = [];
  /** Runs `probe` every 20 ms until the test ends (a failed test must not leave it running). */
  const every20ms = (probe: () => void) => timers.push(setInterval(probe, 20));

  const member = (name: string) => {
    const leadership = new PublisherLeadership({
      kafka: testKafka(`leadership-${name}`),
      groupId: `${prefix}.leader`,
      topic: `${prefix}.leader`,
      newPublisher: () => new KafkaPublisher(testPublisherOptions(prefix, kafka, store)),
      logger: quietLogger,
    });
    started.push(leadership);
    leadership.start();
    return leadership;
  };
  const running = (m: PublisherLeadership) =>
    m.currentStatus.role === 'active' && m.currentStatus.state === 'running';

  /** The group's members as the broker sees them, once it is stable. */
  const stableMembers = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`${prefix}.leader`]);
      return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
    } finally {
      await admin.disconnect();
    }
  };

  /** Samples every member's role every 20 ms: the most that were ever active at once. */
  const watchRoles = (members: readonly PublisherLeadership[]) => {
    let most = 0;
    every20ms(() => {
      const active = members.filter((m) => m.currentStatus.role === 'active').length;
      most = Math.max(most, active);
    });
    return () => most;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-leadership-'));
    store = EmbeddedEventStore.open({ path: join(dir, 'events.db'), pollIntervalMs: 20 });
    prefix = `leader-${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    timers.splice(0).forEach(clearInterval);
    await Promise.all(started.splice(0).map((m) => m.stop()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the role where it is while members join, and hands it over on a graceful stop', async () => {
    await appendEvents(store, 5, 10);
    const a = member('a');
    await waitUntil(() => running(a));
    let aLeftActive = false;
    every20ms(() => (aLeftActive ||= a.currentStatus.role !== 'active'));

    const [b, c] = [member('b'), member('c')];
    const mostActiveAtOnce = watchRoles([a, b, c]);
    const deadline = Date.now() + 30_000;
    while ((await stableMembers()) !== 3) {
      if (Date.now() > deadline) throw new Error('the group never settled on three members');
      await new Promise((r) => setTimeout(r, 200));
    }
    await appendEvents(store, 5, 10);
    await waitUntil(() => a.currentStatus.publishedEvents === 100);
    // joining members did not move the role: a published throughout, b and c stood by
    expect(aLeftActive).toBe(false);
    expect([b, c].map((m) => m.currentStatus)).toEqual([
      expect.objectContaining({ role: 'standby', state: 'standby', publishedEvents: 0 }),
      expect.objectContaining({ role: 'standby', state: 'standby', publishedEvents: 0 }),
    ]);

    // a graceful stop ends a's term before it leaves: the next one starts after it, quickly
    const stoppedAt = Date.now();
    await a.stop();
    expect(a.currentStatus.role).not.toBe('active');
    await waitUntil(() => running(b) || running(c), 10_000);
    const handOverMs = Date.now() - stoppedAt;
    await appendEvents(store, 5, 10);
    const next = running(b) ? b : c;
    await waitUntil(() => next.currentStatus.publishedEvents === 50, 30_000);
    expect(mostActiveAtOnce()).toBe(1);
    expect(handOverMs).toBeLessThan(5000);

    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    const seen = await consumer.waitFor(`${prefix}.events`, 150, 30_000, 1500);
    await consumer.stop();
    expectExactlyOnceInOrder(seen, 150);
  }, 90_000);

  it('starts a new term when an outside publisher fences the elected one, and fences it back', async () => {
    await appendEvents(store, 3, 10);
    const a = member('a');
    await waitUntil(() => running(a));
    // Someone runs a publisher with the deployment's transactional id outside the election (an
    // instance of an older version during a rolling upgrade, say).
    const intruder = new KafkaPublisher(testPublisherOptions(prefix, kafka, store));
    started.push(intruder);
    intruder.start();
    await waitUntil(() => intruder.currentStatus.state === 'running');
    // a's next transaction meets the intruder's newer epoch; the group still names a, so a starts
    // a new term, whose producer fences the intruder in turn
    await appendEvents(store, 3, 10);
    await waitUntil(() => a.currentStatus.state !== 'running', 10_000);
    await waitUntil(() => running(a), 20_000);
    await appendEvents(store, 3, 10);
    await waitUntil(() => intruder.currentStatus.state === 'fenced', 20_000);

    const consumer = await readCommitted(kafka, [`${prefix}.events`]);
    const seen = await consumer.waitFor(`${prefix}.events`, 90, 30_000, 1500);
    await consumer.stop();
    expectExactlyOnceInOrder(seen, 90);
    expect(a.currentStatus.role).toBe('active');
  }, 90_000);
});
