import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CALL_TRACKER_PROTO_FILE, HEALTH_PROTO_FILE, PROTO_ROOT } from '@tracker/contracts';
import { PYTHON, requireTool, runPython } from './support/grpc/python-client';
import {
  fixture,
  RunningService,
  startService,
  FIXTURE_CALL,
  postRecordedCall,
} from './support/running-service';

const CALL = FIXTURE_CALL;
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';
const TRACKER = 'comms.tracker.v1.CallTracker';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PlannedCall {
  readonly service: string;
  readonly method: string;
  readonly json: string;
}

/** The README's grpcurl examples: `grpcurl -plaintext -d '<json>' 127.0.0.1:5000 <service>/<method>`. */
const readmeExamples = (): PlannedCall[] => {
  const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
  const line = /^grpcurl -plaintext -d '([^']*)' 127\.0\.0\.1:5000 ([\w.]+)\/(\w+)$/gm;
  return [...readme.matchAll(line)].map(([, json, service, method]) => ({ service, method, json }));
};

const protoc = (args: string[]) => {
  const run = spawnSync('protoc', ['-I', PROTO_ROOT, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`protoc ${args.join(' ')}: ${run.stderr}`);
};

const terminated = () => {
  const body = fixture('graph/answer-established.json') as Json;
  body.value[0].resourceData.state = 'terminated';
  return body;
};

describe('gRPC through clients that are not Node (Python grpcio, protoc stubs)', () => {
  let service: RunningService;
  let dir: string;

  beforeAll(async () => {
    requireTool(PYTHON, ['-c', 'import grpc, google.protobuf'], 'Python grpcio/protobuf (Debian)');
    requireTool('protoc', ['--version'], 'protoc (Debian protobuf-compiler)');
    dir = mkdtempSync(join(tmpdir(), 'grpc-python-'));
    service = await startService();
    await postRecordedCall(service);
    await service.settle();
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a reflection-only client sees the files as protoc compiles them and calls every RPC with the README JSON', async () => {
    const examples = readmeExamples();
    // Not from the README: the json_name spelling, and an unknown id.
    const extra: PlannedCall[] = [
      { service: TRACKER, method: 'GetCall', json: `{"callId":"${CALL}"}` },
      {
        service: TRACKER,
        method: 'GetCall',
        json: '{"call_id":"00000000-0000-0000-0000-000000000000"}',
      },
      { service: 'grpc.health.v1.Health', method: 'Watch', json: '{}' },
    ];
    // Before the README's calls (its WatchCall ends the call): a state in another case.
    const shoutedCall: PlannedCall = {
      service: TRACKER,
      method: 'ListCalls',
      json: '{"state":"ESTABLISHED"}',
    };
    const calls = [shoutedCall, ...examples, ...extra];
    const expected = [CALL_TRACKER_PROTO_FILE, HEALTH_PROTO_FILE].map((file) => {
      const out = join(dir, `${file.replace(/\//g, '_')}.pb`);
      protoc([`--descriptor_set_out=${out}`, file]);
      return out;
    });
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ calls, expected_descriptor_sets: expected }));

    const records: Json[] = [];
    let terminating: Promise<unknown> | undefined;
    const run = await runPython('reflection_client.py', [service.grpcAddress, plan], (line) => {
      const record = JSON.parse(line) as Json;
      records.push(record);
      // The first WatchCall message is the current state; ending the call ends the stream.
      if (record.kind === 'reply' && record.method === 'WatchCall' && !terminating) {
        terminating = service.post('/api/calls', terminated());
      }
    });
    await terminating;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(records[records.length - 1]).toEqual({ kind: 'done' });

    // Reflection: the real file names, byte-for-byte what protoc makes of them.
    const services = records.find((r) => r.kind === 'services')!.services;
    expect(services).toEqual(expect.arrayContaining([TRACKER, 'grpc.health.v1.Health']));
    const files = records.filter((r) => r.kind === 'file');
    expect(files.map((f) => f.name).sort()).toEqual(
      [CALL_TRACKER_PROTO_FILE, HEALTH_PROTO_FILE].sort(),
    );
    for (const file of files) {
      expect({ name: file.name, equal: file.equal_to_expected }).toEqual({
        name: file.name,
        equal: true,
      });
      expect(file.syntax).toBe('proto3');
    }
    const tracker = files.find((f) => f.name === CALL_TRACKER_PROTO_FILE)!;
    const callFields = Object.fromEntries(tracker.fields.Call.map((f: Json) => [f.name, f]));
    expect(callFields.call_id).toEqual({
      name: 'call_id',
      json_name: 'callId',
      optional: false,
      proto3_optional: false,
    });
    expect(callFields.missed_at).toEqual({
      name: 'missed_at',
      json_name: 'missedAt',
      optional: true,
      proto3_optional: true,
    });
    expect(Object.keys(callFields).every((name) => /^[a-z0-9_]+$/.test(name))).toBe(true);

    // The README has an example for every RPC of the service, and health.
    const methods = tracker.services.find((s: Json) => s.name === 'CallTracker').methods;
    expect(methods).toHaveLength(6);
    expect(
      examples
        .filter((e) => e.service === TRACKER)
        .map((e) => e.method)
        .sort(),
    ).toEqual([...methods].sort());
    expect(examples.map((e) => `${e.service}/${e.method}`)).toContain(
      'grpc.health.v1.Health/Check',
    );

    const outcome = (index: number) => ({
      replies: records
        .filter((r) => r.kind === 'reply' && r.index === index)
        .map((r) => r.message as Json),
      end: records.find((r) => r.kind === 'end' && r.index === index)!,
    });
    const byMethod = (method: string) =>
      outcome(calls.findIndex((c, i) => i > 0 && c.method === method));
    for (const [index, call] of examples.entries()) {
      expect({ call, code: outcome(1 + index).end.code }).toEqual({ call, code: 'OK' });
    }

    const [call] = byMethod('GetCall').replies;
    expect(call).toMatchObject({ call_id: CALL, state: 'established', source: 'graph' });
    expect(call).not.toHaveProperty('missed_at'); // optional and unset
    expect(JSON.parse(call.view_json).callId).toBe(CALL);
    expect(byMethod('GetOperation').replies[0]).toMatchObject({
      operation_id: OPERATION,
      call_id: CALL,
      status: 'completed',
      completion_reason: 'stopToneDetected',
    });
    expect(
      byMethod('ListOperations').replies[0].operations.map((o: Json) => o.operation_id),
    ).toEqual([OPERATION]);
    expect(byMethod('ListCalls').replies[0].calls.map((c: Json) => c.call_id)).toEqual([CALL]);
    const history = byMethod('GetCallHistory').replies[0];
    expect(history.call_id).toBe(CALL);
    expect(history.events[0].type).toBe('NotificationReceived');
    const watched = byMethod('WatchCall').replies;
    expect(watched[0]).toMatchObject({ call_id: CALL, state: 'established' });
    expect(watched[watched.length - 1]).toMatchObject({ state: 'terminated', final: true });
    expect(byMethod('Check').replies).toEqual([{ status: 'SERVING' }]);

    const [camel, unknown, healthWatch] = extra.map((_, i) => outcome(1 + examples.length + i));
    expect(camel.end.code).toBe('OK');
    expect(camel.replies[0].call_id).toBe(CALL);
    expect(unknown.end.code).toBe('NOT_FOUND');
    expect(unknown.replies).toEqual([]);
    expect(healthWatch.replies).toEqual([{ status: 'SERVING' }]);
    const shouted = outcome(0);
    expect(shouted.end.code).toBe('OK');
    expect(shouted.replies[0].calls.map((c: Json) => c.call_id)).toEqual([CALL]);
  }, 90_000);

  it('stubs generated by Debian protoc with grpc_python_plugin call the service', async () => {
    requireTool(
      'test',
      ['-x', '/usr/bin/grpc_python_plugin'],
      'grpc_python_plugin (Debian protobuf-compiler-grpc)',
    );
    const generated = join(dir, 'gen');
    spawnSync('mkdir', ['-p', generated]);
    protoc([
      `--python_out=${generated}`,
      `--grpc_python_out=${generated}`,
      '--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin',
      CALL_TRACKER_PROTO_FILE,
    ]);
    const run = await runPython('stub_client.py', [generated, service.grpcAddress, CALL]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const reply = JSON.parse(run.stdout);
    expect(reply.call).toMatchObject({ call_id: CALL, source: 'graph' });
    expect(reply.has_state).toBe(true);
    expect(reply.has_missed_at).toBe(false);
  }, 60_000);
});
