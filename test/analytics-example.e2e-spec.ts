import { randomUUID } from 'node:crypto';
import {
  consumeOperationStats,
  OPERATION_STATE_TOPIC,
} from '../examples/analytics-consumer/consumer';
import { OperationStats, percentile } from '../examples/analytics-consumer/operation-stats';
import {
  brokers,
  readCommitted,
  serviceKafkaEnv,
  testKafka,
  topicNames,
  TopicNames,
} from '../libs/fanout/src/testing/kafka-test-kit';
import { fixture, RunningService, startService, FIXTURE_CALL } from './support/running-service';

const CALL = FIXTURE_CALL;

const acsEvent = (connection: string, type: string, seconds: number, data = {}) => ({
  id: randomUUID(),
  source: `calling/callConnections/${connection}`,
  type: `Microsoft.Communication.${type}`,
  subject: `calling/callConnections/${connection}`,
  time: new Date(Date.UTC(2026, 10, 21, 10, 0, seconds)).toISOString(),
  specversion: '1.0',
  data: { callConnectionId: connection, serverCallId: `server-${connection}`, ...data },
});

/** An ACS call that starts playing a prompt. */
const acsPlayStarted = (connection: string) => [
  acsEvent(connection, 'CallConnected', 0),
  acsEvent(connection, 'PlayStarted', 1, { operationContext: 'welcome' }),
];

/** The prompt's end (the tracker times operations by when it learns of their start and end). */
const acsPlayEnded = (connection: string, end: 'PlayCompleted' | 'PlayFailed') => [
  acsEvent(connection, end, 2, {
    operationContext: 'welcome',
    resultInformation:
      end === 'PlayCompleted'
        ? { code: 200, subCode: 0, message: 'Action completed successfully.' }
        : { code: 400, subCode: 8535, message: 'Action failed, file format is invalid.' },
  }),
];

describe('examples/analytics-consumer: the figures it keeps', () => {
  const op = (id: string, over: Partial<Parameters<OperationStats['add']>[0]> = {}) => ({
    operationId: id,
    type: 'play',
    finished: true,
    outcome: 'completed' as const,
    completionReason: null,
    durationMs: 1000,
    ...over,
  });

  it('counts each finished operation once, by its latest state, per type and reason', () => {
    const stats = new OperationStats();
    stats.add(op('a', { finished: false, outcome: null }));
    stats.add(op('a', { durationMs: 1000 }));
    stats.add(op('a', { durationMs: 1000 })); // republished
    stats.add(op('b', { outcome: 'failed', durationMs: 3000 }));
    stats.add(op('c', { type: 'recordResponse', completionReason: 'stopToneDetected' }));
    stats.add(op('d', { finished: false, outcome: null }));
    expect(stats.operations).toBe(3);
    expect(stats.groups()).toEqual([
      {
        type: 'play',
        completionReason: null,
        finished: 2,
        succeeded: 1,
        failed: 1,
        successRate: 0.5,
        durationMs: { p50: 1000, p90: 3000, p99: 3000 },
      },
      expect.objectContaining({ type: 'recordResponse', completionReason: 'stopToneDetected' }),
    ]);
    expect(stats.table()).toMatch(/^type\s+completion reason\s+finished\s+success/);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 90, 99, 100].map((p) => percentile(values, p))).toEqual([50, 90, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('examples/analytics-consumer against the real broker and the running service', () => {
  let service: RunningService;
  let topics: TopicNames;

  beforeAll(async () => {
    const prefix = `analytics-${randomUUID().slice(0, 8)}`;
    topics = topicNames(prefix);
    service = await startService(serviceKafkaEnv(prefix, topics));
  }, 60_000);
  afterAll(async () => service?.stop());

  it('reads the operation-state topic (read_committed) and reports rates and percentiles', async () => {
    // Graph: a recordResponse that ends with stopToneDetected.
    expect(
      (await service.post('/api/calls', fixture('graph/recordresponse-completed.json'))).status,
    ).toBe(202);
    await service.post(
      `/api/calls/${CALL}/operations`,
      fixture('graph/recordresponse-response.json'),
    );
    // ACS: three plays that complete and one that fails, of different lengths.
    const plays: Array<'PlayCompleted' | 'PlayFailed'> = [
      'PlayCompleted',
      'PlayCompleted',
      'PlayCompleted',
      'PlayFailed',
    ];
    const connection = (i: number) => `a1b2c3d4-0000-4000-8000-00000000010${i}`;
    for (const i of plays.keys()) {
      const reply = await service.post('/api/acs/events', acsPlayStarted(connection(i)));
      expect(reply.status).toBe(202);
    }
    for (const [i, end] of plays.entries()) {
      await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      const reply = await service.post('/api/acs/events', acsPlayEnded(connection(i), end));
      expect(reply.status).toBe(202);
    }
    await service.settle();
    const views: Array<{ finished: boolean; durationMs: number }> = [];
    for (const i of plays.keys()) {
      views.push(...(await service.get(`/api/calls/${connection(i)}/operations`)).body.operations);
    }
    expect(views.map((o) => o.finished)).toEqual([true, true, true, true]);
    const durations = views.map((o) => o.durationMs).sort((a, b) => a - b);
    expect(durations[0]).toBeGreaterThan(0);

    // Wait until the publisher has committed every operation's final state.
    const kafka = testKafka('analytics-e2e');
    const watcher = await readCommitted(kafka, [topics.operationState]);
    try {
      const deadline = Date.now() + 60_000;
      const finishedIds = () =>
        new Set(
          watcher.seen
            .get(topics.operationState)!
            .map((r) => JSON.parse(r.value))
            .filter((v) => v.finished)
            .map((v) => v.operationId),
        );
      while (finishedIds().size < 5 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(finishedIds().size).toBe(5);
    } finally {
      await watcher.stop();
    }

    const stats = await consumeOperationStats({
      brokers,
      topic: topics.operationState,
      untilIdleMs: 3_000,
    });
    expect(stats.groups()).toEqual([
      {
        type: 'play',
        completionReason: null,
        finished: 4,
        succeeded: 3,
        failed: 1,
        successRate: 0.75,
        durationMs: {
          p50: percentile(durations, 50),
          p90: percentile(durations, 90),
          p99: percentile(durations, 99),
        },
      },
      {
        type: 'recordResponse',
        completionReason: 'stopToneDetected',
        finished: 1,
        succeeded: 1,
        failed: 0,
        successRate: 1,
        durationMs: expect.objectContaining({ p50: expect.any(Number) }),
      },
    ]);
    expect(OPERATION_STATE_TOPIC).toBe('comms.operation-state.v1');
  }, 180_000);
});
