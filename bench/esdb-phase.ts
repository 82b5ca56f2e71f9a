/**
 * The bench's `esdb` phase: the service with STORE=esdb over the EventStoreDB *protocol test server*
 * (test/support/esdb-server, in memory, one Node process). The figures show what the service's
 * EventStoreDB path costs (the gRPC client, the adapter, the protocol round trips) beside the
 * embedded store's; they say nothing about EventStoreDB's own speed.
 */
import type { ServiceProcess } from './lib/procs';
import { nowMs, round } from './lib/stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esdbTestServer = require('../scripts/esdb-test-server.js') as {
  ensureEsdb(o: { given: string }): Promise<{ connectionString: string; stop(): Promise<void> }>;
};

export interface EsdbPhaseHooks {
  readonly say: (text: string) => void;
  readonly cleanups: Array<() => Promise<void>>;
  readonly startService: (label: string, env: Record<string, string>) => Promise<ServiceProcess>;
  readonly measureIngest: (
    label: string,
    service: ServiceProcess,
  ) => Promise<{ closed: { notificationsPerSecond: number; latencyMs: { p99: number } } }>;
  readonly kafkaEnv: Record<string, string>;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface EsdbPhaseResult {
  readonly ingestNotificationsPerSecond: number;
  readonly ingestP99Ms: number;
  readonly fanout: { events: number; seconds: number; eventsPerSecond: number };
}

/** Publishes the store from the start with a fresh publisher and times it until the lag is 0. */
const fanoutCatchUp = async (service: ServiceProcess, hooks: EsdbPhaseHooks) => {
  const deadline = nowMs() + 300_000;
  let first: { t: number; events: number } | undefined;
  for (;;) {
    const m = await service.metrics();
    const published = m.tracker_fanout_published_events_total ?? 0;
    const t = nowMs();
    if (!first && published > 0) first = { t, events: published };
    if (first && published > first.events && (m.tracker_fanout_lag ?? 1) === 0) {
      const seconds = (t - first.t) / 1000;
      const events = published - first.events;
      return { events, seconds: round(seconds, 3), eventsPerSecond: round(events / seconds, 1) };
    }
    if (t > deadline) throw new Error(`esdb fan-out did not catch up in 300 s (${published})`);
    await hooks.sleep(25);
  }
};

export const phaseEsdb = async (hooks: EsdbPhaseHooks): Promise<EsdbPhaseResult> => {
  hooks.say('== esdb: the service over the EventStoreDB protocol test server (not EventStoreDB)');
  const server = await esdbTestServer.ensureEsdb({ given: '' });
  hooks.cleanups.push(() => server.stop());
  const env = { STORE: 'esdb', ESDB_CONNECTION_STRING: server.connectionString };

  const ingest = await hooks.startService('service (ingest, esdb test server)', env);
  const measured = await hooks.measureIngest('service on the esdb test server', ingest);
  await ingest.stop();

  hooks.say('esdb: fan-out catch-up of that store through a fresh publisher');
  const publisher = await hooks.startService('service (fan-out, esdb test server)', {
    ...env,
    ...hooks.kafkaEnv,
  });
  const fanout = await fanoutCatchUp(publisher, hooks);
  await publisher.stop();
  await server.stop();
  hooks.say(
    `esdb: ingest ${Math.round(measured.closed.notificationsPerSecond)} notifications/s, fan-out ${Math.round(fanout.eventsPerSecond)} events/s (${fanout.events} events)`,
  );
  return {
    ingestNotificationsPerSecond: round(measured.closed.notificationsPerSecond, 1),
    ingestP99Ms: measured.closed.latencyMs.p99,
    fanout,
  };
};
