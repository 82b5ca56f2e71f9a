import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { callEventSchema, callStateSchema, operationStateSchema } from '@tracker/contracts';
import { RecordedEvent } from '@tracker/event-store';
import { ceId } from '@tracker/fanout';
import { serviceKafkaEnv, topicNames, TopicNames } from '../libs/fanout/src/testing/kafka-test-kit';
import { requireTool } from './support/grpc/python-client';
import { KcatRecord, kcatReadAtLeast } from './support/kafka/kcat';
import { parseSamples, sampleValue } from './support/prometheus';
import {
  RunningService,
  startService,
  FIXTURE_CALL,
  postRecordedCall,
} from './support/running-service';

const CALL = FIXTURE_CALL;
const OPERATION = '0fe0623f-d628-42ed-b4bd-8ac290072cc5';
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const ajv = new Ajv2020({ allowUnionTypes: true });
addFormats(ajv);

/**
 * CloudEvents Kafka protocol binding, binary content mode, checked on what kcat (librdkafka) reads:
 * the value is the event data, `content-type` carries `datacontenttype`, every context attribute
 * is a `ce_<name>` header with a UTF-8 string value, names lower-case alphanumerics.
 */
const cloudEvent = (record: KcatRecord) => {
  const names = record.headers.map(([name]) => name);
  expect(new Set(names).size).toBe(names.length); // no attribute twice
  const attributes: Record<string, string> = {};
  for (const [name, value] of record.headers) {
    if (!name.startsWith('ce_')) continue;
    const attribute = name.slice(3);
    expect({ name, ok: /^[a-z0-9]{1,20}$/.test(attribute) }).toEqual({ name, ok: true });
    attributes[attribute] = value;
  }
  const header = (name: string) => record.headers.find(([n]) => n === name)?.[1];
  return { attributes, contentType: header('content-type'), header };
};

describe('CloudEvents on the Kafka topics, read with kcat (binary mode, field by field)', () => {
  let service: RunningService;
  let topics: TopicNames;

  beforeAll(async () => {
    requireTool('kcat', ['-V'], 'kcat (Debian)');
    const prefix = `ce-${randomUUID().slice(0, 8)}`;
    topics = topicNames(prefix);
    // The publisher on the HTTP loop (the other Kafka e2e tests run the default, its own thread),
    // so this test also sees the write side hand its states over to the record mapper.
    service = await startService({ ...serviceKafkaEnv(prefix, topics), KAFKA_PUBLISHER: 'inline' });
  }, 60_000);
  afterAll(async () => service?.stop());

  it('gives every record its own id, keeps the stored event id as an extension, and follows the binding', async () => {
    await postRecordedCall(service);
    const stored: RecordedEvent[] = [];
    for await (const event of service.store.readAll()) stored.push(event);
    const operationEvents = stored.filter(
      (e) => typeof (e.data as { operationId?: unknown }).operationId === 'string',
    );
    expect(operationEvents.length).toBeGreaterThan(0);

    const events = await kcatReadAtLeast(topics.callEvents, stored.length);
    // Every event was appended by this process: its state after it came from the write side.
    const samples = parseSamples(await (await fetch(`${service.base}/metrics`)).text());
    const handOvers = (result: string) =>
      sampleValue(samples, 'tracker_fanout_state_handovers_total', { result });
    expect([handOvers('hit'), handOvers('miss')]).toEqual([stored.length, 0]);
    const states = await kcatReadAtLeast(topics.callState, stored.length);
    const operations = await kcatReadAtLeast(topics.operationState, operationEvents.length);
    expect([events.length, states.length, operations.length]).toEqual([
      stored.length,
      stored.length,
      operationEvents.length,
    ]);

    const validators = {
      event: ajv.compile(callEventSchema),
      state: ajv.compile(callStateSchema),
      operation: ajv.compile(operationStateSchema),
    };
    const identities = new Set<string>();
    const check = (
      record: KcatRecord,
      kind: 'event' | 'call-state' | 'operation-state',
      type: string,
      valid: (value: unknown) => boolean,
    ) => {
      const { attributes, contentType, header } = cloudEvent(record);
      const value = JSON.parse(record.payload!);
      const storedEvent = stored.find((e) => e.id === attributes.storedeventid);
      expect(storedEvent).toBeDefined();
      // required context attributes
      expect(attributes.specversion).toBe('1.0');
      expect(attributes.type).toBe(type);
      expect(attributes.source).toBe(`/comms-tracker/calls/${CALL}`);
      expect(attributes.id).toBe(ceId(storedEvent!.id, kind));
      if (kind === 'event') expect(attributes.id).toBe(storedEvent!.id);
      else expect(attributes.id).toMatch(UUID_V5);
      // optional attributes and the extension
      expect(attributes.subject).toBe(record.key);
      expect(attributes.time).toMatch(RFC3339);
      expect(attributes.time).toBe(storedEvent!.metadata.recordedAt);
      expect(Object.keys(attributes).sort()).toEqual(
        ['id', 'source', 'specversion', 'storedeventid', 'subject', 'time', 'type'].sort(),
      );
      // datacontenttype travels as content-type; the value is the data itself, not an envelope
      expect(contentType).toBe('application/json');
      expect(value).not.toHaveProperty('specversion');
      expect(valid(value)).toBe(true);
      // the tracker's own headers beside the attributes
      expect(header('store_revision')).toBe(storedEvent!.revision.toString());
      expect(header('store_position')).toMatch(/^\d+\/\d+$/);
      // source + id identify one event across all three topics
      const identity = `${attributes.source} ${attributes.id}`;
      expect(identities.has(identity)).toBe(false);
      identities.add(identity);
      return { attributes, value, storedEvent: storedEvent! };
    };

    for (const record of events) {
      const value = JSON.parse(record.payload!);
      const { attributes } = check(
        record,
        'event',
        `comms.tracker.${value.type}.v1`,
        validators.event,
      );
      expect(record.key).toBe(CALL);
      expect(value.eventId).toBe(attributes.id);
    }
    for (const record of states) {
      check(record, 'call-state', 'comms.tracker.CallState.v1', validators.state);
      expect(record.key).toBe(CALL);
    }
    for (const record of operations) {
      const { value } = check(
        record,
        'operation-state',
        'comms.tracker.OperationState.v1',
        validators.operation,
      );
      expect(record.key).toBe(OPERATION);
      expect(value.operationId).toBe(OPERATION);
    }
    expect(identities.size).toBe(2 * stored.length + operationEvents.length);
    // every stored event is on the events and call-state topics once
    for (const records of [events, states]) {
      expect(records.map((r) => cloudEvent(r).attributes.storedeventid).sort()).toEqual(
        stored.map((e) => e.id).sort(),
      );
    }
  }, 120_000);
});
