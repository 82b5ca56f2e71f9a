import { randomUUID } from 'node:crypto';
import {
  readCommitted,
  serviceKafkaEnv,
  testKafka,
  topicNames,
  TopicNames,
} from '../libs/fanout/src/testing/kafka-test-kit';
import {
  fixture,
  RunningService,
  startService,
  FIXTURE_CALL,
  postRecordedCall,
} from './support/running-service';

const CALL = FIXTURE_CALL;
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';

describe('Kafka fan-out from the running service (real broker)', () => {
  let service: RunningService;
  let topics: TopicNames;

  beforeAll(async () => {
    const prefix = `e2e-${randomUUID().slice(0, 8)}`;
    topics = topicNames(prefix);
    service = await startService(serviceKafkaEnv(prefix, topics));
  });
  afterAll(async () => service.stop());

  it('publishes events, call state and operation state with CloudEvents headers, and no secret', async () => {
    await postRecordedCall(service);
    let stored = 0;
    for await (const _ of service.store.readAll()) stored += 1;

    // the topics exist once the publisher runs; wait for them before subscribing
    const kafka = testKafka('fanout-e2e');
    const admin = kafka.admin();
    await admin.connect();
    const deadline = Date.now() + 30_000;
    while (!(await admin.listTopics()).includes(topics.callEvents) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await admin.disconnect();

    const consumer = await readCommitted(kafka, [
      topics.callEvents,
      topics.callState,
      topics.operationState,
    ]);
    try {
      const events = await consumer.waitFor(topics.callEvents, stored, 60_000, 1000);
      expect(events).toHaveLength(stored);
      expect(new Set(events.map((e) => e.headers.ce_id)).size).toBe(stored);
      const revisions = events.map((e) => JSON.parse(e.value).revision);
      expect(revisions).toEqual(revisions.map((_, i) => i)); // one call, one partition, in order
      expect(events[0].headers).toMatchObject({
        ce_specversion: '1.0',
        ce_type: 'comms.tracker.NotificationReceived.v1',
        ce_subject: CALL,
        'content-type': 'application/json',
      });
      expect(events.every((e) => e.key === CALL)).toBe(true);

      const callStates = consumer.seen.get(topics.callState)!;
      expect(callStates).toHaveLength(stored);
      expect(JSON.parse(callStates[callStates.length - 1].value)).toMatchObject({
        callId: CALL,
        state: 'established',
      });
      const operationStates = consumer.seen.get(topics.operationState)!;
      const latest = operationStates.filter((r) => r.key === OPERATION).pop()!;
      expect(JSON.parse(latest.value)).toMatchObject({
        status: 'completed',
        type: 'recordResponse',
      });
      expect(latest.headers.ce_type).toBe('comms.tracker.OperationState.v1');

      const ready = await service.get('/health/ready');
      expect(ready.body.checks.fanout).toMatchObject({ status: 'running', lag: 0 });
      const metrics = await fetch(`${service.base}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^tracker_fanout_lag 0$/m);
      expect(metrics).toMatch(new RegExp(`^tracker_fanout_published_events_total ${stored}$`, 'm'));

      const everything = [...consumer.seen.values()]
        .flat()
        .map((r) => r.value + JSON.stringify(r.headers));
      expect(everything.length).toBeGreaterThan(stored);
      for (const text of everything) expect(text).not.toContain('<access-token>');
    } finally {
      await consumer.stop();
    }
  }, 120_000);

  it('publishes an operation that ended with its call as finished (callEnded), then the platform’s late completion', async () => {
    const timeline = fixture('acs/play-call-timeline.json') as Array<Record<string, unknown>>;
    const [, , welcomeCompleted] = timeline;
    expect((await service.post('/api/acs/events', timeline)).status).toBe(202);
    const menuCompleted = {
      ...welcomeCompleted,
      id: 'menu-completed-late',
      data: { ...(welcomeCompleted.data as object), operationContext: 'menu-prompt' },
    };
    expect((await service.post('/api/acs/events', [menuCompleted])).status).toBe(202);
    await service.settle();
    const rest = await service.get(
      '/api/calls/401f3500-62bd-46a9-8c09-9e1b06caca01/operations?context=menu-prompt',
    );
    const menu = rest.body.operations[0].operationId as string;

    const consumer = await readCommitted(testKafka('fanout-e2e-call-ended'), [
      topics.operationState,
    ]);
    try {
      const outcomes = async () => {
        const records = consumer.seen.get(topics.operationState)!.filter((r) => r.key === menu);
        return records.map((r) => JSON.parse(r.value).outcome);
      };
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        if ((await outcomes()).includes('completed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await outcomes()).toEqual([null, 'callEnded', 'completed']);
    } finally {
      await consumer.stop();
    }
  }, 120_000);
});
