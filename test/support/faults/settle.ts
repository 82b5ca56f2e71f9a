import { stripVTControlCharacters } from 'node:util';
import { testKafka, TopicNames } from '../../../libs/fanout/src/testing/kafka-test-kit';
import { eventually, getJson, Json, metric, ServiceAddress } from '../service-process';
import {
  concernsOperation,
  latestByKey,
  readTopics,
  secondOpinion,
  summarise,
  topicProblems,
} from './verify';
import type { WorkloadCall } from './workload';

/** Waits until the read model has projected everything stored (the store head is shared). */
export const projectionSettled = (service: ServiceAddress, timeoutMs = 20_000) =>
  eventually(
    `${service.name}'s projection lag 0`,
    () => metric(service, 'tracker_projection_lag'),
    (lag) => lag === 0,
    timeoutMs,
  );

/** Waits until this instance's publisher runs and everything stored is committed to Kafka. */
export const fanoutSettled = (service: ServiceAddress, timeoutMs = 30_000) =>
  eventually(
    `${service.name}'s fan-out to catch up`,
    async () => (await getJson(service, '/health/ready')).body?.checks?.fanout,
    (fanout) => fanout?.status === 'running' && fanout.lag === 0,
    timeoutMs,
  );

/** Each call's view as the service's REST API returns it. */
export const callViews = async (service: ServiceAddress, calls: readonly WorkloadCall[]) => {
  const views = new Map<string, Json>();
  for (const call of calls) {
    const reply = await getJson(service, `/api/calls/${call.callId}`);
    expect(reply.status).toBe(200);
    views.set(call.callId, reply.body);
  }
  return views;
};

/**
 * The topics hold exactly what the store holds (read-committed, by `ce_id`: no gap, no duplicate),
 * in order per call, and each call's newest state is its view.
 */
export const expectTopicsMatchStore = async (
  prefix: string,
  topics: TopicNames,
  stored: ReturnType<typeof summarise>,
  calls: readonly WorkloadCall[],
  views: ReadonlyMap<string, Json>,
  /** The service's output, whose fan-out lines are shown when the topics are wrong. */
  serviceOutput?: () => string,
) => {
  const operationRecords = stored.events.filter(concernsOperation).length;
  const seen = await readTopics(
    testKafka(prefix),
    topics,
    {
      callEvents: stored.events.length,
      callState: stored.events.length,
      operationState: operationRecords,
    },
    30_000,
  );
  const problems = topicProblems(stored, seen);
  if (problems.length > 0) {
    problems.push(...(await secondOpinion(topics.callEvents, seen.callEvents)));
    const fanout = (serviceOutput?.() ?? '')
      .split('\n')
      .filter((line) => line.includes('[Fanout]'));
    problems.push(...fanout.slice(-40).map((line) => `service: ${stripVTControlCharacters(line)}`));
  }
  expect(problems).toEqual([]);
  expect(seen.callEvents).toHaveLength(stored.events.length);
  expect(seen.callState).toHaveLength(stored.events.length);
  expect(seen.operationState).toHaveLength(operationRecords);
  const latest = latestByKey(seen.callState);
  expect(latest.size).toBe(calls.length);
  for (const call of calls) {
    expect(JSON.parse(latest.get(call.callId)!.value)).toEqual(views.get(call.callId));
  }
};
