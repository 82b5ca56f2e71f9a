import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEventStore, EventStore, formatPosition } from '@tracker/event-store';
import { ReadModelLock, ReadModelStore } from '@tracker/read-model';
import {
  readCommitted,
  serviceKafkaEnv,
  testKafka,
  topicNames,
} from '../libs/fanout/src/testing/kafka-test-kit';
import { CLI_BUILD_TIMEOUT_MS, ensureCliBuilt, runCli } from './support/cli-process';
import { fixture, startService } from './support/running-service';
import { spawnService, waitReady } from './support/service-process';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const RAW_CALL = '57DAB8B1894C409AB240BD8BEAE78896';
const OTHER_CALL = 'e71f0300-9c1f-4d99-b5f4-2722e877d497';

const cli = runCli;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const storedEvents = async (store: EventStore) => {
  const all = [];
  for await (const e of store.readAll()) {
    all.push({
      streamId: e.streamId,
      id: e.id,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      revision: e.revision,
    });
  }
  return all;
};

describe('the SRE command line (child processes on a real embedded store)', () => {
  let dir: string;
  let env: Record<string, string>;
  let total: number;
  let callEvents: number;

  beforeAll(ensureCliBuilt, CLI_BUILD_TIMEOUT_MS);
  beforeAll(async () => {
    // The service decides and stores the events from the fixtures, then stops: the CLI works on
    // the store file it leaves behind.
    const service = await startService();
    const post = async (name: string) => {
      expect((await service.post('/api/calls', fixture(name))).status).toBe(202);
      await sleep(15); // distinct recordedAt per notification
    };
    await post('graph/answer-incoming.json');
    await post('graph/answer-established.json');
    await post('graph/playprompt-completed.json');
    await post('graph/policy-recording-incoming.json');
    await service.settle();
    const store = service.store;
    total = (await storedEvents(store)).length;
    callEvents = (await store.readStream(`call-${CALL}`)).length;
    // keep the service's folder: it holds the store file (removed in afterAll)
    await service.app.close();
    dir = service.dir;
    env = {
      STORE: 'embedded',
      STORE_PATH: join(dir, 'events.db'),
      READ_MODEL_PATH: join(dir, 'cli-read-model.db'),
      KAFKA_BROKERS: '',
    };
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('replay prints the timeline as a table, states in order', async () => {
    const run = await cli(['replay', RAW_CALL], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REV\s+TIME\s+SOURCE\/TYPE\s+ARRIVED\s+DECIDED\s+STATE$/);
    expect(lines).toHaveLength(callEvents + 1);
    const states = lines.slice(1).map((line) => line.split(/\s+/).pop());
    const changes = states.filter((s, i) => i === 0 || s !== states[i - 1]);
    expect(changes).toEqual(['-', 'incoming', 'established']);
    expect(lines[1]).toMatch(
      /^0\s+\S+Z\s+graph\/NotificationReceived\s+call \/communications\/calls\/57DAB8B1/,
    );
    expect(run.stdout).toMatch(
      /graph\/CallStateChanged\s+call incoming → established\s+established/,
    );
    expect(run.stdout).toMatch(/playPrompt 0fe0623f-d628-42ed-b4bd-8ac290072cc5 completed/);
  }, 60_000);

  it('replay --json prints one JSON array', async () => {
    const run = await cli(['replay', CALL, '--json'], env);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout);
    expect(rows.map((r: { revision: number }) => r.revision)).toEqual([
      ...Array(callEvents).keys(),
    ]);
    expect(rows[0]).toMatchObject({
      type: 'NotificationReceived',
      source: 'graph',
      arrived: `call /communications/calls/${RAW_CALL}`,
      decided: null,
    });
    expect(rows[rows.length - 1].state).toBe('established');
    expect(rows.every((r: { data: object }) => !('protectedSecrets' in r.data))).toBe(true);
  }, 60_000);

  it('state --at shows the call as it stood then', async () => {
    const rows = JSON.parse((await cli(['replay', CALL, '--json'], env)).stdout) as Array<{
      time: string;
      type: string;
      decided: string | null;
    }>;
    const established = rows.find((r) => r.decided === 'call incoming → established')!;
    const before = new Date(Date.parse(established.time) - 1).toISOString();

    const early = await cli(['state', CALL, '--at', before], env);
    expect(early.code).toBe(0);
    const then = JSON.parse(early.stdout);
    expect(then.call).toMatchObject({ callId: CALL, state: 'incoming' });
    expect(then.operations).toEqual([]);

    const late = await cli(['state', CALL, '--at', established.time], env);
    expect(JSON.parse(late.stdout).call.state).toBe('established');

    const now = JSON.parse(
      (await cli(['state', CALL, '--at', new Date().toISOString()], env)).stdout,
    );
    expect(now.events).toBe(callEvents);
    expect(now.operations).toEqual([
      expect.objectContaining({ type: 'playPrompt', status: 'completed' }),
    ]);

    const tooEarly = await cli(['state', CALL, '--at', '2000-01-01T00:00:00Z'], env);
    expect(tooEarly.code).toBe(1);
    expect(tooEarly.stderr).toMatch(/^error: call has no event recorded at or before/);
  }, 60_000);

  it('rebuild resets the read model and projects the whole store into it', async () => {
    // twice: the second run starts from a full read model and must end with the same counts
    const inOrder = await cli(['rebuild', '--threads', '0'], env);
    expect(inOrder).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/folded in order\)$/m),
    });
    const run = await cli(['rebuild', '--projection', 'calls', '--threads', '1'], env);
    expect(run.code).toBe(0);
    // Nothing holds the read model: nothing to warn about.
    expect(run.stderr).not.toMatch(/warning|stop the service|holds the read model/);
    const match =
      /^rebuilt projection calls: (\d+) events, (\d+) calls in [\d.]+ s \((\d+) events\/s, (\d+) fold threads?\)$/.exec(
        run.stdout.trim(),
      );
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(total);
    expect(Number(match![2])).toBe(2);
    expect(Number(match![4])).toBe(1);

    const readModel = new ReadModelStore(env.READ_MODEL_PATH);
    const store = EmbeddedEventStore.open({ path: env.STORE_PATH });
    try {
      expect(readModel.getCall(CALL)).toMatchObject({ state: 'established', source: 'graph' });
      expect(readModel.getCall(OTHER_CALL)).toBeDefined();
      expect(readModel.listOperations(CALL)).toEqual([
        expect.objectContaining({ status: 'completed' }),
      ]);
      expect(formatPosition(readModel.checkpoint('calls')!)).toBe(
        formatPosition((await store.headPosition())!),
      );
    } finally {
      readModel.close();
      await store.close();
    }

    const unknown = await cli(['rebuild', '--projection', 'nope'], env);
    expect(unknown.code).toBe(2);
    const badThreads = await cli(['rebuild', '--threads', 'many'], env);
    expect(badThreads).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--threads must be a whole number from 0 to 64 \(got "many"\)/),
    });
  }, 60_000);

  it('rebuild refuses (exit 2) while a service holds the read model, unless --force; a SIGKILLed service holds nothing', async () => {
    const holder = await spawnService('holder', {
      STORE_PATH: env.STORE_PATH,
      READ_MODEL_PATH: env.READ_MODEL_PATH,
      // It must not append deadline events to the store the other cases count.
      DEADLINE_CHECK_INTERVAL_MS: '3600000',
      ANSWER_TIMEOUT_MS: '86400000',
      POLICY_RECORDING_ANSWER_TIMEOUT_MS: '86400000',
    });
    try {
      await waitReady(holder);
      const refused = await cli(['rebuild'], env);
      expect(refused).toMatchObject({ code: 2, stdout: '' });
      expect(refused.stderr.trimEnd().split('\n')).toEqual([
        `error: a running service holds the read model (lock ${env.READ_MODEL_PATH}.lock): ` +
          'stop it first, or pass --force to rebuild anyway',
      ]);
      const forced = await cli(['rebuild', '--force'], env);
      expect(forced.code).toBe(0);
      expect(forced.stderr).toMatch(/^warning: a running service holds the read model .*--force/m);
      expect(forced.stdout).toMatch(/^rebuilt projection calls: /);
    } finally {
      await holder.kill(); // SIGKILL: it releases nothing itself
    }
    const after = await cli(['rebuild'], env);
    expect(after.code).toBe(0);
    expect(after.stderr).not.toMatch(/warning|holds the read model/);
  }, 180_000); // four child processes, each a ts-node start

  it('a service does not start on a read model that a rebuild holds', async () => {
    const rebuilding = ReadModelLock.takeAlone(env.READ_MODEL_PATH);
    try {
      const service = await spawnService('while rebuilding', {
        STORE_PATH: env.STORE_PATH,
        READ_MODEL_PATH: env.READ_MODEL_PATH,
      });
      expect(await service.exited).toBe(1);
      expect(service.output()).toContain(
        `the read model is being rebuilt by another process (lock ${env.READ_MODEL_PATH}.lock)`,
      );
    } finally {
      rebuilding.release();
    }
  }, 60_000);

  it('export then import into a fresh store gives identical streams; re-import skips all', async () => {
    const file = join(dir, 'all.ndjson');
    const exported = await cli(['export', '--all', '--out', file], env);
    expect(exported.code).toBe(0);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(total);

    const one = await cli(['export', CALL], env);
    expect(one.code).toBe(0);
    const lines = one.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(callEvents);
    expect(Object.keys(lines[0]).sort()).toEqual(
      ['data', 'id', 'metadata', 'revision', 'streamId', 'type'].sort(),
    );

    const fresh = { ...env, STORE_PATH: join(dir, 'fresh', 'events.db') };
    const first = await cli(['import', file], fresh);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(
      `imported ${total} events, skipped 0 already stored (2 streams)`,
    );
    const again = await cli(['import', file], fresh);
    expect(again.stdout.trim()).toBe(
      `imported 0 events, skipped ${total} already stored (2 streams)`,
    );

    const source = EmbeddedEventStore.open({ path: env.STORE_PATH });
    const copy = EmbeddedEventStore.open({ path: fresh.STORE_PATH });
    try {
      expect(await storedEvents(copy)).toEqual(await storedEvents(source));
    } finally {
      await source.close();
      await copy.close();
    }
  }, 90_000);

  it('usage errors exit 2 with one line on stderr; --help lists the commands', async () => {
    for (const args of [
      ['replay'],
      ['state', CALL, '--at', 'yesterday'],
      ['state', CALL],
      ['frobnicate'],
      ['replay', CALL, '--colour'],
      ['republish', '--from', '1'],
    ]) {
      const run = await cli(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^error: /);
    }
    const help = await cli(['--help'], env);
    expect(help.code).toBe(0);
    for (const name of ['replay', 'state', 'rebuild', 'republish', 'import', 'export'])
      expect(help.stdout).toContain(`  ${name} `);

    const missing = await cli(['replay', CALL], { ...env, STORE_PATH: join(dir, 'none.db') });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `error: no event store at ${join(dir, 'none.db')} (set STORE_PATH)`,
    );
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  }, 90_000);

  it('republish sends the events again through Kafka transactions (real broker)', async () => {
    const prefix = `cli-${randomUUID().slice(0, 8)}`;
    const topics = topicNames(prefix);
    const kafkaEnv = { ...env, ...serviceKafkaEnv(prefix, topics) };
    const all = await cli(['republish', '--from', '0'], kafkaEnv);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      new RegExp(`^republished ${total} events \\(\\d+ records, 1 transactions`),
    );

    // one call, from the time its call was established
    const rows = JSON.parse((await cli(['replay', CALL, '--json'], env)).stdout) as Array<{
      time: string;
      decided: string | null;
      revision: number;
    }>;
    const established = rows.find((r) => r.decided === 'call incoming → established')!;
    const fromTime = rows.filter((r) => r.time >= established.time).length;
    const one = await cli(['republish', '--from', established.time, '--call', RAW_CALL], kafkaEnv);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^republished ${fromTime} events`));

    const kafka = testKafka('cli-e2e');
    const consumer = await readCommitted(kafka, [topics.callEvents, topics.callState]);
    try {
      const events = await consumer.waitFor(topics.callEvents, total + fromTime, 60_000, 1000);
      expect(events).toHaveLength(total + fromTime);
      const source = EmbeddedEventStore.open({ path: env.STORE_PATH });
      const ids = (await storedEvents(source)).map((e) => e.id);
      await source.close();
      expect(new Set(events.map((e) => e.headers.ce_id))).toEqual(new Set(ids));
      const states = consumer.seen.get(topics.callState)!.filter((r) => r.key === CALL);
      expect(JSON.parse(states[states.length - 1].value)).toMatchObject({ state: 'established' });
      const ofCall = events.filter((e) => e.key === CALL).map((e) => JSON.parse(e.value).revision);
      expect(ofCall.slice(-fromTime)).toEqual(rows.slice(-fromTime).map((r) => r.revision));
    } finally {
      await consumer.stop();
    }

    // the service publisher's progress is its own: republish never creates or moves it
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(`${prefix}.publisher.progress`);
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).not.toContain(`${prefix}.publisher.progress`);
    } finally {
      await admin.disconnect();
    }
  }, 180_000);
});
