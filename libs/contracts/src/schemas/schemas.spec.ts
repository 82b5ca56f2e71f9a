import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  CALL_EVENT_TYPES,
  callStreamName,
  checkDeadlines,
  decide,
  evolveAll,
  initialCallState,
  parseAcsEvents,
  parseGraphNotifications,
  parseOperationResponse,
  recordCommands,
  toCallView,
  toOperationViews,
  type CallCommand,
  type CallEvent,
  type CallState,
  type CallView,
  type OperationView,
  type ParseResult,
} from '@tracker/domain';
import type { EventStore, RecordedEvent } from '@tracker/event-store';
import { CallStateFolder } from '@tracker/call-stream';
import { CallRecordMapper, eventValue, type FanoutRecord } from '@tracker/fanout';
import { fixture } from '@tracker/domain/testing';
import {
  ACS_CALL,
  acsEvent,
  at,
  batch,
  CALL,
  CALL_IN_URL,
  callNotification,
  operationNotification,
  participant,
  roster,
} from '@tracker/domain/testing';
import { callEventSchema, callStateSchema, operationStateSchema, SCHEMA_PATHS } from '.';

// --- realistic lifecycles, decided by the domain from the sample payloads -----------------------

const commands = (result: ParseResult, receivedAt: string): CallCommand[] => {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return recordCommands(result.notifications, receivedAt);
};
const graph = (body: unknown, t: number) => commands(parseGraphNotifications(body), at(t));
const acs = (body: unknown, t: number) => commands(parseAcsEvents(body), at(t));
const bot = (callId: string, body: unknown, t: number, action?: string) =>
  commands(parseOperationResponse(callId, body, action), at(t));

const FAILING_OPERATION = 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6';
const STALE_OPERATION = 'b7c4e2a0-1d3f-4e5a-9b8c-7d6e5f4a3b2c';

const lifecycles: Record<string, () => CallCommand[]> = {
  // Graph: rings, answered, roster, playPrompt, recordResponse, a failed prompt, terminated.
  graphAnsweredCall: () => [
    ...graph(fixture('graph/answer-incoming.json'), 0),
    ...graph(fixture('graph/answer-establishing.json'), 1),
    ...graph(fixture('graph/answer-established.json'), 2),
    ...graph(
      roster([participant('a', { isMuted: true }), participant('b', { isOnHold: true })]),
      3,
    ),
    ...bot(CALL, fixture('graph/recordresponse-response.json'), 4),
    ...graph(fixture('graph/recordresponse-completed.json'), 9),
    ...graph(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'notStarted' },
        { operationId: FAILING_OPERATION, changeType: 'updated' },
      ),
      10,
    ),
    ...graph(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'running' },
        { operationId: FAILING_OPERATION, changeType: 'updated' },
      ),
      11,
    ),
    ...graph(
      operationNotification(
        {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          status: 'failed',
          resultInfo: { code: '404', subCode: 8522, message: 'Media not found' },
        },
        { operationId: FAILING_OPERATION },
      ),
      12,
    ),
    ...graph(roster([participant('a', { isMuted: false })]), 13),
    ...graph(
      callNotification('terminated', {
        changeType: 'deleted',
        extra: { resultInfo: { code: 200, subcode: 5000, message: 'Call ended' } },
      }),
      20,
    ),
  ],
  // Graph: the completion arrives before the bot's response; a later operation goes stale.
  graphLateResponseAndStale: () => [
    ...graph(fixture('graph/answer-incoming.json'), 0),
    ...graph(fixture('graph/answer-established.json'), 1),
    ...graph(fixture('graph/playprompt-completed.json'), 5),
    ...bot(CALL, fixture('graph/playprompt-response.json'), 6),
    ...bot(
      CALL,
      {
        '@odata.type': '#microsoft.graph.recordOperation',
        id: STALE_OPERATION,
        status: 'running',
        clientContext: 'record-1',
      },
      10,
    ),
    checkDeadlines(at(200)),
    checkDeadlines(at(1 + 45 * 60 + 100)),
  ],
  graphMissedCall: () => [
    ...graph(fixture('graph/answer-incoming.json'), 0),
    checkDeadlines(at(15)),
  ],
  graphPolicyRecording: () => [
    ...graph(fixture('graph/policy-recording-incoming.json'), 0),
    checkDeadlines(at(5)),
  ],
  graphHoldMusic: () => [
    ...bot(
      'e141b67c-90fd-455d-858b-b48a40b9cc8d',
      fixture('graph/startholdmusic-response.json'),
      1,
    ),
    ...graph(fixture('graph/startholdmusic-completed.json'), 2),
  ],
  graphContentSharing: () => [
    ...graph(fixture('graph/contentsharing-started.json'), 1),
    ...graph(fixture('graph/contentsharing-ended.json'), 30),
  ],
  graphParticipantDeleted: () => [
    ...graph(fixture('graph/answer-established.json'), 1),
    ...graph(roster([participant('a'), participant('b')]), 2),
    ...graph(
      batch({
        '@odata.type': '#microsoft.graph.commsNotification',
        changeType: 'deleted',
        resourceUrl: `/communications/calls/${CALL_IN_URL}/participants/b`,
        resourceData: participant('b'),
      }),
      3,
    ),
  ],
  // Graph: the seed documents' one id for a playPrompt and a recordResponse.
  graphTypeConflict: () => [
    ...bot(CALL, fixture('graph/playprompt-response.json'), 1),
    ...graph(fixture('graph/recordresponse-completed.json'), 9),
  ],
  // ACS (issue 11): platform times, a dialog, an action-typed report, a prompt ended by the call.
  acsTimelineEndedWithCall: () => [
    ...acs(fixture('acs/play-call-timeline.json'), 1).slice(0, 4),
    ...bot(
      '401f3500-62bd-46a9-8c09-9e1b06caca01',
      fixture('acs/cancelallmediaoperations-response.json'),
      2,
      'cancelAllMediaOperations',
    ),
    ...acs(
      (fixture('acs/dialog-started-completed.json') as Array<Record<string, unknown>>).map(
        (event) => ({
          ...event,
          data: {
            ...(event.data as object),
            callConnectionId: '401f3500-62bd-46a9-8c09-9e1b06caca01',
          },
        }),
      ),
      3,
    ),
    ...acs(fixture('acs/play-call-timeline.json'), 4).slice(4),
  ],
  // Event Grid: an incoming call answered by a connection.
  acsIncomingCall: () => acs(fixture('acs/eventgrid-incoming-call.json'), 0),
  // ACS: connected, play, recognize, roster, recording, hold failure, add participant, transfer.
  acsCall: () => [
    ...acs(
      [
        acsEvent('CallConnected', {}, 'e-connected'),
        acsEvent(
          'ParticipantsUpdated',
          {
            sequenceNumber: 1,
            participants: [
              { identifier: { rawId: '8:acs:a', kind: 'communicationUser' }, isMuted: false },
            ],
          },
          'e-roster',
        ),
        acsEvent('PlayStarted', { operationContext: 'welcome' }, 'e-play-started'),
        acsEvent(
          'PlayCompleted',
          { operationContext: 'welcome', resultInformation: { code: 200, subCode: 0 } },
          'e-play-completed',
        ),
        acsEvent(
          'RecognizeCompleted',
          {
            operationContext: 'menu',
            recognitionType: 'dtmf',
            resultInformation: { code: 200, subCode: 8531 },
          },
          'e-recognized',
        ),
        acsEvent(
          'RecordingStateChanged',
          {
            recordingId: 'rec-1',
            state: 'Active',
            startDateTime: '2024-05-01T10:00:02Z',
            recordingKind: 'AzureCommunicationServices',
          },
          'e-recording',
        ),
        acsEvent(
          'HoldFailed',
          { operationContext: 'h', resultInformation: { code: 400, subCode: 8523 } },
          'e-hold',
        ),
        acsEvent(
          'AddParticipantSucceeded',
          {
            operationContext: 'add-1',
            participant: { rawId: '4:+14255550123', kind: 'phoneNumber' },
          },
          'e-added',
        ),
      ],
      1,
    ),
    ...bot(ACS_CALL, fixture('acs/playaudio-response.json'), 2),
    ...acs(
      [
        acsEvent('CallTransferAccepted', { operationContext: 'transfer-1' }, 'e-transfer'),
        acsEvent('CallDisconnected', {}, 'e-disconnected'),
      ],
      40,
    ),
  ],
};

interface Published {
  readonly events: { event: CallEvent; stored: RecordedEvent }[];
  readonly callViews: CallView[];
  readonly operationViews: OperationView[];
}

/** Decides each command against the state so far, and stores what is decided (in memory). */
const run = (all: CallCommand[], globalStart: bigint): Published => {
  let state: CallState = initialCallState();
  const events: Published['events'] = [];
  const callViews: CallView[] = [];
  const operationViews: OperationView[] = [];
  for (const command of all) {
    for (const event of decide(command, state)) {
      state = evolveAll([event], state);
      const position = globalStart + BigInt(events.length);
      events.push({
        event,
        stored: {
          streamId: callStreamName(event.metadata.callId),
          id: event.metadata.eventId,
          type: event.type,
          data: event.data,
          metadata: { ...event.metadata },
          revision: BigInt(events.length),
          position: { commit: position, prepare: position },
          created: new Date(event.metadata.recordedAt),
        },
      });
      callViews.push(toCallView(state));
      operationViews.push(...toOperationViews(state));
    }
  }
  return { events, callViews, operationViews };
};

const published = Object.entries(lifecycles).map(([name, commandsOf], index) => ({
  name,
  ...run(commandsOf(), BigInt(index * 1000)),
}));

// --- the validators ------------------------------------------------------------------------------

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validateCallState = ajv.compile(callStateSchema);
const validateOperationState = ajv.compile(operationStateSchema);
const validateCallEvent = ajv.compile(callEventSchema);

/** Asserts validity through JSON, as a consumer reads it; shows Ajv's errors on failure. */
const expectValid = (validate: ValidateFunction, value: unknown) => {
  const json: unknown = JSON.parse(JSON.stringify(value));
  const valid = validate(json);
  expect({ valid, errors: validate.errors ?? null, value: valid ? null : json }).toEqual({
    valid: true,
    errors: null,
    value: null,
  });
};

const isRejected = (validate: ValidateFunction, value: unknown): boolean =>
  !validate(JSON.parse(JSON.stringify(value)));

const sampleEvent = () => published[0].events[0];
const sampleEventValue = () => eventValue(sampleEvent().event, sampleEvent().stored);

describe('Kafka value schemas', () => {
  it('are files beside the module, identical to the exported contents', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(SCHEMA_PATHS.callState)).toEqual(callStateSchema);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(SCHEMA_PATHS.operationState)).toEqual(operationStateSchema);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(SCHEMA_PATHS.callEvent)).toEqual(callEventSchema);
  });

  it('share their common definitions word for word', () => {
    const common = ['instant', 'platform', 'callState', 'resultInfo', 'partyInfo', 'callDetails'];
    for (const name of [...common, 'recordingPartyRef', 'policyRecording']) {
      expect(callEventSchema.$defs[name as 'instant']).toEqual(
        callStateSchema.$defs[name as 'instant'],
      );
    }
    for (const name of ['instant', 'platform', 'resultInfo', 'operationType', 'operationStatus']) {
      expect(callEventSchema.$defs[name as 'instant']).toEqual(
        operationStateSchema.$defs[name as 'instant'],
      );
    }
  });

  it('list exactly the event types the domain knows, each with a data schema', () => {
    expect(callEventSchema.$defs.eventType.anyOf[0].enum).toEqual([...CALL_EVENT_TYPES]);
    for (const type of CALL_EVENT_TYPES) expect(callEventSchema.$defs).toHaveProperty(type);
  });

  it('are exercised by lifecycles that decide every event type', () => {
    const decided = new Set(published.flatMap((p) => p.events.map((e) => e.event.type)));
    expect([...CALL_EVENT_TYPES].filter((type) => !decided.has(type))).toEqual([]);
  });

  it('covers operations in the lifecycles that have them (the per-lifecycle loops below are not empty)', () => {
    const withOperations = published.filter((p) => p.operationViews.length > 0).map((p) => p.name);
    expect(withOperations.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(published.map((p) => [p.name, p] as const))('%s', (_name, { events, ...views }) => {
    it('publishes call states that match call-state.v1', () => {
      expect(views.callViews.length).toBeGreaterThan(0);
      for (const view of views.callViews) expectValid(validateCallState, view);
    });

    it('publishes operation states that match operation-state.v1', () => {
      for (const view of views.operationViews) expectValid(validateOperationState, view);
    });

    it('publishes events that match call-event.v1', () => {
      for (const { event, stored } of events) {
        const value = eventValue(event, stored);
        expectValid(validateCallEvent, value);
        expect(value.data.callId).toBe(value.callId);
      }
    });

    it('publishes exactly such records through the fan-out mapper, with CloudEvents headers', async () => {
      const store = {
        readStream: async (_stream: string, options?: { maxCount?: number }) =>
          events.map((e) => e.stored).slice(0, options?.maxCount),
      } as unknown as EventStore;
      const mapper = new CallRecordMapper(
        {
          callState: 'comms.call-state.v1',
          operationState: 'comms.operation-state.v1',
          callEvents: 'comms.call-events.v1',
        },
        new CallStateFolder(store),
      );
      const validators: Record<string, ValidateFunction> = {
        'comms.call-state.v1': validateCallState,
        'comms.operation-state.v1': validateOperationState,
        'comms.call-events.v1': validateCallEvent,
      };
      const records: FanoutRecord[] = [];
      for (const { stored } of events) records.push(...(await mapper.recordsFor(stored)));
      for (const record of records) {
        expectValid(validators[record.topic], JSON.parse(record.value!));
        expect(record.headers).toEqual({
          ce_specversion: '1.0',
          ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          ce_type: expect.stringMatching(/^comms\.tracker\.[A-Za-z]+\.v1$/),
          ce_source: expect.stringMatching(/^\/comms-tracker\/calls\/.+/),
          ce_subject: record.key,
          ce_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          ce_storedeventid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          'content-type': 'application/json',
          store_position: expect.stringMatching(/^\d+\/\d+$/),
          store_revision: expect.stringMatching(/^\d+$/),
        });
      }
      // Each record its own CloudEvents id; the stored event's id as an extension on all three.
      expect(new Set(records.map((r) => r.headers!.ce_id)).size).toBe(records.length);
      for (const { stored } of events) {
        const own = records.filter((r) => r.headers!.ce_storedeventid === stored.id);
        expect(own.find((r) => r.topic === 'comms.call-events.v1')!.headers!.ce_id).toBe(stored.id);
      }
    });
  });

  describe('reject what breaks the contract', () => {
    it('a call state with a wrong type for a required field', () => {
      const view = published[0].callViews.at(-1)!;
      expect(isRejected(validateCallState, view)).toBe(false);
      expect(isRejected(validateCallState, { ...view, version: '7' })).toBe(true);
      expect(isRejected(validateCallState, { ...view, final: 'no' })).toBe(true);
      expect(isRejected(validateCallState, { ...view, marks: { missedAt: null } })).toBe(true);
      const { callId: _callId, ...withoutCallId } = view;
      expect(isRejected(validateCallState, withoutCallId)).toBe(true);
      expect(isRejected(validateCallState, { ...view, createdAt: 'yesterday' })).toBe(true);
    });

    it('an operation state with a wrong type for a required field', () => {
      const view = published[0].operationViews.at(-1)!;
      expect(isRejected(validateOperationState, view)).toBe(false);
      expect(isRejected(validateOperationState, { ...view, finished: 1 })).toBe(true);
      expect(isRejected(validateOperationState, { ...view, operationIdSource: 'guess' })).toBe(
        true,
      );
      expect(isRejected(validateOperationState, { ...view, firstSeenAt: null })).toBe(true);
    });

    it('an event with a wrong envelope or data for its type', () => {
      const value = sampleEventValue();
      expect(isRejected(validateCallEvent, value)).toBe(false);
      expect(isRejected(validateCallEvent, { ...value, revision: '0' })).toBe(true);
      expect(isRejected(validateCallEvent, { ...value, position: 12 })).toBe(true);
      expect(isRejected(validateCallEvent, { ...value, eventId: 'not-a-uuid' })).toBe(true);
      expect(isRejected(validateCallEvent, { ...value, data: { payload: {} } })).toBe(true);
      // NotificationReceived without its receivedAt, and with a secret: both rejected.
      const { receivedAt: _receivedAt, ...withoutReceivedAt } = value.data;
      expect(isRejected(validateCallEvent, { ...value, data: withoutReceivedAt })).toBe(true);
      const leaky = { ...value, data: { ...value.data, protectedSecrets: 'x' } };
      expect(isRejected(validateCallEvent, leaky)).toBe(true);
    });
  });

  describe('accept what an additive change adds', () => {
    it('unknown properties and unknown future event types', () => {
      const view = published[0].callViews.at(-1)!;
      expect(isRejected(validateCallState, { ...view, newField: { any: 1 } })).toBe(false);
      const value = sampleEventValue();
      expect(isRejected(validateCallEvent, { ...value, extra: true })).toBe(false);
      const future = { ...value, type: 'CallTranscribed', data: { callId: value.callId, x: 1 } };
      expect(isRejected(validateCallEvent, future)).toBe(false);
      expect(isRejected(validateCallEvent, { ...future, data: { x: 1 } })).toBe(true);
    });
  });
});
