/**
 * The micro-benchmarks behind the hot path's choices, each next to what it replaced, in one process
 * (1 core): redaction and canonical JSON without per-member allocations, one-shot `crypto.hash`
 * against a `Hash` object per call (notification keys, UUIDv5 event ids), a long call's
 * notification keys as a KeySet against an object copied per notification, Node 20's
 * AsyncResource#bind against the lean bind, the domain work per notification stage by stage (no
 * baseline: where the event loop's time goes), event rows read as arrays against libsql's row
 * objects, and a new stream's first read as a primary-key lookup on `streams` against an empty
 * range scan on `events`; the publisher's Kafka encoding, kafkajs's against the lean encoder; and
 * the read model's commit of one notification of a long call, every operation against the changed.
 * Run: `npx ts-node --transpile-only -r tsconfig-paths/register bench/hot-path-micro.ts`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { AsyncResource } from 'node:async_hooks';
import {
  canonicalJson,
  deadlineBounds,
  decide,
  evolve,
  foldCall,
  initialCallState,
  isDuplicate,
  KeySet,
  parseGraphNotifications,
  recordCommands,
  redactSecrets,
  type CallEvent,
  type CallState,
} from '@tracker/domain';
import {
  at,
  callNotification,
  firstCanonicalJson,
  firstRedactSecrets,
  graphCommand,
  history,
  playPrompt,
} from '@tracker/domain/testing';
import { CallWrite, ReadModelStore, toCallWrite } from '@tracker/read-model';
import { sha256Hex, uuidV5 } from '../libs/domain/src/kernel/hashing';
import { EVENT_COLUMNS, SCHEMA } from '../libs/event-store/src/embedded/schema';
import { leanBind } from '../apps/tracker/src/http/lean-async-bind';
import { useLeanKafkaEncoder } from '../libs/fanout/src/kafka/lean-encoder';
import { graphBatch, notification as benchNotification, STEPS_PER_CALL } from './lib/payloads';

type Case = () => unknown;

/** Microseconds per call, median of 15 rounds each; the rounds of the two alternate (shared cores). */
const compare = (cases: readonly Case[], perRound: number): number[] => {
  const rounds = cases.map(() => [] as number[]);
  for (const run of cases) for (let i = 0; i < perRound; i += 1) run(); // warm-up
  for (let round = 0; round < 15; round += 1) {
    cases.forEach((run, which) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < perRound; i += 1) run();
      rounds[which].push(Number(process.hrtime.bigint() - started) / 1000 / perRound);
    });
  }
  return rounds.map((times) => times.sort((a, b) => a - b)[7]);
};

const report = (what: string, before: string, after: string, [old, now]: number[]) =>
  process.stdout.write(
    `${what}: ${before} ${old.toFixed(2)} µs, ${after} ${now.toFixed(2)} µs ` +
      `(${((now / old - 1) * 100).toFixed(0)} %)\n`,
  );

// Every notification is redacted, then written as canonical JSON and hashed (its key).
const payload: unknown = JSON.parse(
  readFileSync(join(__dirname, '../test/fixtures/graph/answer-incoming.json'), 'utf8'),
);
report(
  'redacting a notification',
  'entries and a path per member',
  'paths only for secrets',
  compare([() => firstRedactSecrets(payload), () => redactSecrets(payload)], 20_000),
);
report(
  'canonical JSON of a notification',
  'member arrays and joins',
  'one string, insertion sort',
  compare([() => firstCanonicalJson(payload), () => canonicalJson(payload)], 20_000),
);

// Hashing: a notification's canonical JSON (its key), and an event id's name.
const notification = canonicalJson(payload);
const NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const name = `${randomUUID()}/notification/${'0123456789abcdef'.repeat(4)}/0`;
report(
  `SHA-256 of ${notification.length} chars`,
  'Hash object',
  'one-shot',
  compare(
    [
      () => createHash('sha256').update(notification, 'utf8').digest('hex'),
      () => sha256Hex(notification),
    ],
    20_000,
  ),
);
/** `uuidV5` as it was before one-shot hashing (the same id: checked below). */
const uuidV5WithHashObject = (value: string, namespace: string): string => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(namespace)) {
    throw new RangeError(`not a UUID namespace: "${namespace}"`);
  }
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(Buffer.from(value, 'utf8'))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
if (uuidV5WithHashObject(name, NAMESPACE) !== uuidV5(name, NAMESPACE)) throw new Error('differ');
report(
  'UUIDv5 event id',
  'Hash object',
  'one-shot',
  compare([() => uuidV5WithHashObject(name, NAMESPACE), () => uuidV5(name, NAMESPACE)], 20_000),
);

// A long call's notification keys: the state after its n-th notification, as an object copied per
// notification and as a KeySet (each state is kept, so neither may change the one before).
for (const calls of [10, 100, 1_000, 3_000]) {
  const keys = Array.from({ length: calls }, (_, i) => `graph:${sha256Hex(String(i))}`);
  const asObject = Object.fromEntries(keys.map((key) => [key, true as const]));
  const asSet = keys.reduce((set, key) => set.with(key), KeySet.empty);
  // New keys of a real key's length (source + SHA-256 hex), built the same way for both sides.
  let n = 0;
  const newKey = () => `graph:${(n++).toString(16).padStart(64, '0')}`;
  report(
    `the key of notification ${calls + 1} of a call`,
    'object spread',
    'KeySet',
    compare(
      [() => ({ ...asObject, [newKey()]: true }), () => asSet.with(newKey())],
      calls >= 1_000 ? 200 : 5_000,
    ),
  );
}

// AsyncResource#bind as Fastify calls it once per request body: Node 20's (a deprecated accessor on
// each bound function) and the service's lean bind. In a loop; a server also pays the garbage.
const nodeBind = AsyncResource.prototype.bind as unknown as Parameters<typeof leanBind>[0];
const lean = leanBind(nodeBind);
const onDone = () => undefined;
report(
  'binding a body parser callback',
  "Node 20's bind",
  'lean bind',
  compare(
    [
      () => nodeBind.call(new AsyncResource('content-type-parser:run'), onDone)(),
      () => lean.call(new AsyncResource('content-type-parser:run'), onDone)(),
    ],
    20_000,
  ),
);

// What the event loop's domain work costs per notification, stage by stage, on the bench's own
// notifications (a 7-notification call; states kept per call as the write side keeps them).
{
  const N = 7 * 2_000;
  const bodies = Array.from({ length: N }, (_, i) =>
    JSON.stringify(
      graphBatch([benchNotification(1, Math.floor(i / STEPS_PER_CALL), i % STEPS_PER_CALL, i + 1)]),
    ),
  );
  const parsedBodies = bodies.map((body) => JSON.parse(body) as unknown);
  const results = parsedBodies.map((body) => parseGraphNotifications(body));
  const commands = results.map((result) => {
    if (!result.ok) throw new Error('a bench notification must parse');
    return recordCommands(result.notifications, new Date(), undefined);
  });
  const events: CallEvent[][] = [];
  const states = new Map<string, CallState>();
  const decideAll = (i: number) => {
    const out: CallEvent[] = [];
    for (const command of commands[i]) {
      const callId = command.data.notification.callId;
      let state = states.get(callId) ?? initialCallState();
      if (isDuplicate(command, state)) continue;
      for (const event of decide(command, state)) {
        state = evolve(state, event);
        out.push(event);
      }
      states.set(callId, state);
    }
    return out;
  };
  for (let i = 0; i < N; i += 1) events.push(decideAll(i));
  let i = 0;
  const next = () => (i = (i + 1) % N);
  const stage = (what: string, run: () => unknown) => {
    const [us] = compare([run], 2_000);
    process.stdout.write(`a notification's ${what}: ${us.toFixed(2)} µs\n`);
  };
  stage('JSON.parse of the body', () => JSON.parse(bodies[next()]));
  stage('domain parse (shape, limits, key, redaction)', () =>
    parseGraphNotifications(parsedBodies[next()]),
  );
  i = N - 1; // the next is the first notification, with no state kept: nothing is a duplicate
  stage('decide and evolve', () => {
    const at = next();
    if (at === 0) states.clear(); // each call starts again from its first notification
    return decideAll(at);
  });
  stage('events serialised (data and metadata)', () => {
    for (const event of events[next()]) {
      JSON.stringify(event.data);
      JSON.stringify(event.metadata);
    }
  });
}

// Reads: a file with the store's schema and 20,000 events of 1 KB in 2,500 streams.
const dir = mkdtempSync(join(tmpdir(), 'hot-path-micro-'));
try {
  const db = new Database(join(dir, 'events.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const stream = db.prepare('INSERT OR REPLACE INTO streams (stream_id, revision) VALUES (?, ?)');
  db.exec('BEGIN');
  for (let i = 0; i < 20_000; i += 1) {
    const id = `call-${i % 2500}`;
    const revision = Math.floor(i / 2500);
    insert.run(
      id,
      revision,
      randomUUID(),
      'Tested',
      JSON.stringify({ x: 'y'.repeat(1000) }),
      '{}',
      Date.now(),
    );
    stream.run(id, revision);
  }
  db.exec('COMMIT');

  const page = `SELECT %s FROM events WHERE position > ? ORDER BY position ASC LIMIT 512`;
  const objects = db.prepare(page.replace('%s', '*'));
  const arrays = db.prepare(page.replace('%s', EVENT_COLUMNS)).raw();
  let after = 0;
  const next = () => (after = (after + 512) % 19_000);
  report(
    'a page of 512 event rows',
    'row objects',
    'arrays',
    compare([() => objects.all(next()), () => arrays.all(next())], 40),
  );

  const scan = db.prepare(
    'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
  );
  const lookup = db.prepare('SELECT revision FROM streams WHERE stream_id = ?').raw();
  let n = 0;
  report(
    "a new stream's first read",
    'range scan on events',
    'lookup on streams',
    compare([() => scan.all(`new-${n++}`, 0, 1e9), () => lookup.get(`new-${n++}`)], 5_000),
  );
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The publisher's Kafka encoding: a record batch of 500 records shaped like the mapper's (ten
// CloudEvents headers, a 700-byte JSON value), by kafkajs as it ships and by a second copy of its
// modules made lean (libs/fanout/src/kafka/lean-encoder.ts). Per record.
{
  const kafkajsModules = () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const copy = {
      Encoder: require('kafkajs/src/protocol/encoder'),
      Record: require('kafkajs/src/protocol/recordBatch/record/v0'),
      RecordBatch: require('kafkajs/src/protocol/recordBatch/v0').RecordBatch,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    for (const key of Object.keys(require.cache)) {
      if (key.includes('/node_modules/kafkajs/')) delete require.cache[key];
    }
    return copy;
  };
  const stock = kafkajsModules();
  const lean = kafkajsModules();
  if (!useLeanKafkaEncoder(lean.Encoder)) throw new Error('the lean encoder did not install');
  const value = Buffer.from(JSON.stringify({ state: 'established', text: 'x'.repeat(680) }));
  const messages = Array.from({ length: 500 }, (_, i) => ({
    key: Buffer.from(randomUUID()),
    value,
    headers: {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_type: 'comms.tracker.CallState.v1',
      ce_source: `/comms-tracker/calls/${randomUUID()}`,
      ce_subject: randomUUID(),
      ce_time: new Date().toISOString(),
      ce_storedeventid: randomUUID(),
      'content-type': 'application/json',
      store_position: `${i}/${i}`,
      store_revision: String(i % 7),
    },
  }));
  // Synchronous without compression: RecordBatch's work is done before its promise settles.
  const encode = (kafkajs: typeof stock) => () =>
    kafkajs.RecordBatch({
      transactional: true,
      records: messages.map((m, i) => kafkajs.Record({ ...m, offsetDelta: i })),
    });
  const [old, now] = compare([encode(stock), encode(lean)], 5);
  report('Kafka encoding, per record', 'kafkajs', 'lean encoder', [old / 500, now / 500]);
}

// The read model's commit of one notification of a long call (200 prompts played, the next one
// completing): every operation of the call written again, as the projector did, against the
// operations the notification changed. A file as the service keeps it (WAL, synchronous=NORMAL).
{
  const LONG_CALL = '22222222-3333-4444-8555-666666666666';
  const prompt = (n: number, status: 'running' | 'completed', seconds: number) =>
    graphCommand(playPrompt(n, status, LONG_CALL), at(seconds));
  const commands = [
    graphCommand(callNotification('established', { callId: LONG_CALL }), at(0)),
    ...Array.from({ length: 200 }, (_, n) => prompt(n, 'running', 1 + n)),
  ];
  const events = history(...commands, prompt(199, 'completed', 300));
  const prefix = history(...commands).length;
  const before = foldCall(events.slice(0, prefix));
  // As the projector folds: the later state shares every operation the new events left alone.
  const after = events.slice(prefix).reduce(evolve, before);
  const revision = BigInt(events.length - 1);
  const bounds = deadlineBounds();
  const readModelDir = mkdtempSync(join(tmpdir(), 'hot-path-micro-read-model-'));
  try {
    const readModel = new ReadModelStore(join(readModelDir, 'read-model.db'));
    const position = { commit: 1n, prepare: 1n };
    const commitWith = (write: CallWrite) => () => readModel.commit('micro', [write], position);
    report(
      'a long call (200 operations): the read-model commit of one notification',
      'every operation',
      'the changed ones',
      compare(
        [
          commitWith(toCallWrite(after, revision, bounds)),
          commitWith(toCallWrite(after, revision, bounds, before)),
        ],
        50,
      ),
    );
    readModel.close();
  } finally {
    rmSync(readModelDir, { recursive: true, force: true });
  }
}
