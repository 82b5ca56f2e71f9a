import fc from 'fast-check';
import { recordCommand } from '../commands/build-commands';
import { parseAcsEvents } from '../notifications/acs/parse-acs-events';
import { parseOperationResponse } from '../notifications/bot/parse-operation-response';
import { parseGraphNotifications } from '../notifications/graph/parse-graph-notifications';
import type { ParsedNotification, ParseResult } from '../notifications/parse-result';
import { initialCallState, type CallState } from '../state/call-state';
import { fixture } from '../testing/fixtures';
import {
  ACS_CALL,
  acsEvent,
  at,
  batch,
  CALL,
  CALL_IN_URL,
  callNotification,
  OPERATION,
  operationNotification,
} from '../testing/inputs';
import { toCallView } from '../views/call-view';
import { toOperationViews } from '../views/operation-view';
import { decide } from './decide';
import { evolveAll } from './evolve';

/**
 * Any duplication and any reordering of a call's notifications ends in the same call and
 * operation views. The scenarios hold only notifications whose payloads do not themselves define
 * an order: rosters (snapshots whose meaning depends on which came last), lateral call states
 * (hold ↔ established) and recording state toggles are left out for that reason.
 *
 * Two time models:
 * - stamped per notification: each notification carries the same `receivedAt` on every delivery
 *   (as if stamped at the source). Everything must match except what counts arrivals or changes:
 *   the call's `version` (number of events: an out-of-order `establishing` is recorded but
 *   changes nothing) and an operation's `updatedAt` (time of its last change).
 * - stamped at arrival (realistic): `receivedAt` is the arrival time, so every instant and
 *   duration depends on the arrival order by definition and is left out of the comparison.
 */

const only = (result: ParseResult): ParsedNotification[] => {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.notifications;
};

const RECORD_OPERATION = 'b7c4e2a0-1d3f-4e5a-9b8c-7d6e5f4a3b2c';
const TONE_OPERATION = 'C3D4E5F6A7B84C9DA0B1C2D3E4F5A6B7';
const FAILING_OPERATION = 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6';

const graphScenario = (): ParsedNotification[] => [
  ...only(parseGraphNotifications(fixture('graph/answer-incoming.json'))),
  ...only(parseGraphNotifications(fixture('graph/answer-establishing.json'))),
  ...only(parseGraphNotifications(fixture('graph/answer-established.json'))),
  ...only(parseOperationResponse(CALL, fixture('graph/playprompt-response.json'))),
  ...only(parseGraphNotifications(fixture('graph/playprompt-completed.json'))),
  ...only(
    parseOperationResponse(CALL, {
      '@odata.type': '#microsoft.graph.recordOperation',
      id: RECORD_OPERATION,
      status: 'running',
      clientContext: 'record-1',
    }),
  ),
  ...only(
    parseGraphNotifications(
      operationNotification(
        {
          '@odata.type': '#microsoft.graph.recordOperation',
          status: 'completed',
          completionReason: 'maxRecordDurationReached',
          recordResourceLocation: 'https://file.location/r1',
          recordResourceAccessToken: 'secret-r1',
        },
        { operationId: RECORD_OPERATION.replace(/-/g, '').toUpperCase() },
      ),
    ),
  ),
  ...only(
    parseGraphNotifications(
      operationNotification(
        { '@odata.type': '#microsoft.graph.playPromptOperation', status: 'Running' },
        { operationId: FAILING_OPERATION, changeType: 'updated' },
      ),
    ),
  ),
  ...only(
    parseGraphNotifications(
      operationNotification(
        {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          status: 'failed',
          resultInfo: { code: '404', subCode: 8522, message: 'Media not found' },
        },
        { operationId: FAILING_OPERATION },
      ),
    ),
  ),
  ...only(
    parseGraphNotifications(
      operationNotification(
        { '@odata.type': '#microsoft.graph.subscribeToToneOperation', status: 'completed' },
        { operationId: TONE_OPERATION },
      ),
    ),
  ),
  ...only(
    parseGraphNotifications(
      batch({
        changeType: 'created',
        resourceUrl: `/communications/calls/${CALL_IN_URL}/contentSharingSessions/S1`,
      }),
    ),
  ),
  ...only(
    parseGraphNotifications(
      batch({
        changeType: 'deleted',
        resourceUrl: `communications/calls/${CALL}/contentsharingsessions/S1`,
      }),
    ),
  ),
  ...only(
    parseGraphNotifications(
      batch({
        changeType: 'updated',
        resourceUrl: `/communications/calls/${CALL}/audioRoutingGroups/g1`,
      }),
    ),
  ),
  ...only(
    parseGraphNotifications(
      callNotification('terminated', {
        changeType: 'deleted',
        extra: { resultInfo: { code: 200, subcode: 5000, message: 'Call ended' } },
      }),
    ),
  ),
];

const PLAY_AUDIO_CONTEXT = '31130c66-2f86-41b5-af61-23850243e093';

const acsScenario = (): ParsedNotification[] => [
  ...only(
    parseAcsEvents([
      acsEvent('CallConnected', {}, 'e-connected'),
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
        'AddParticipantSucceeded',
        {
          operationContext: 'add-1',
          participant: { rawId: '4:+14255550123', kind: 'phoneNumber' },
        },
        'e-added',
      ),
      acsEvent('CallTransferAccepted', { operationContext: 'transfer-1' }, 'e-transfer'),
      acsEvent('CallDisconnected', {}, 'e-disconnected'),
    ]),
  ),
  ...only(
    parseOperationResponse(ACS_CALL, { status: 'running', operationContext: PLAY_AUDIO_CONTEXT }),
  ),
  ...only(
    parseAcsEvents({
      operationId: 'a1b2c3d4-0000-4000-8000-000000000001',
      status: 'completed',
      operationContext: PLAY_AUDIO_CONTEXT,
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
      callConnectionId: ACS_CALL,
    }),
  ),
];

/** Delivers notifications by index; `stamp` gives each delivery its `receivedAt`. */
const deliver = (
  notifications: ParsedNotification[],
  arrivals: readonly number[],
  stamp: (index: number, position: number) => string,
): CallState =>
  arrivals.reduce((state, index, position) => {
    const command = recordCommand(notifications[index], stamp(index, position));
    return evolveAll(decide(command, state), state);
  }, initialCallState());

/** Every notification at least once, some again, in any order. */
const arrivalsOf = (count: number) =>
  fc.array(fc.nat({ max: count - 1 }), { maxLength: count * 2 }).chain((again) => {
    const all = [...Array.from({ length: count }, (_, i) => i), ...again];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });

const viewsOf = (state: CallState) => {
  const { version: _version, ...call } = toCallView(state);
  const operations = toOperationViews(state).map(
    ({ updatedAt: _updatedAt, ...operation }) => operation,
  );
  return { call, operations };
};

const ARRIVAL_DEPENDENT = /(At|durationMs|version)$/;

const withoutArrivalTimes = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutArrivalTimes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !ARRIVAL_DEPENDENT.test(key))
      .map(([key, member]) => [key, withoutArrivalTimes(member)]),
  );
};

/** The same Graph call before it ends: its state must come out established whatever the order. */
const graphCallInProgress = (): ParsedNotification[] =>
  graphScenario().filter(
    ({ notification }) => !(notification.type === 'call' && notification.ended),
  );

describe.each([
  ['a Graph call', graphScenario],
  ['a Graph call in progress', graphCallInProgress],
  ['an ACS call', acsScenario],
])('order independence for %s', (_name, scenario) => {
  const notifications = scenario();
  const inOrder = notifications.map((_, i) => i);
  const ownTime = (index: number) => at(index * 3);
  const reference = deliver(notifications, inOrder, ownTime);

  it('ends in the same views whatever the order and duplication (stamped per notification)', () => {
    fc.assert(
      fc.property(arrivalsOf(notifications.length), (arrivals) => {
        expect(viewsOf(deliver(notifications, arrivals, ownTime))).toEqual(viewsOf(reference));
      }),
      { numRuns: 300 },
    );
  });

  it('ends in the same views without the arrival times (stamped at arrival)', () => {
    const arrivalTime = (_index: number, position: number) => at(position);
    const expected = withoutArrivalTimes(viewsOf(deliver(notifications, inOrder, arrivalTime)));
    fc.assert(
      fc.property(arrivalsOf(notifications.length), (arrivals) => {
        expect(withoutArrivalTimes(viewsOf(deliver(notifications, arrivals, arrivalTime)))).toEqual(
          expected,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the reference outcomes the properties compare against', () => {
  it('a Graph call ends terminated with its operations and session finished, no secret kept', () => {
    const notifications = graphScenario();
    const state = deliver(
      notifications,
      notifications.map((_, i) => i),
      (i) => at(i * 3),
    );
    const view = toCallView(state);
    expect(view).toMatchObject({
      callId: CALL,
      rawCallIds: [CALL_IN_URL, CALL],
      state: 'terminated',
      final: true,
      direction: 'incoming',
      terminatedAt: at(13 * 3),
      terminationResult: { code: 200, subcode: 5000 },
      contentSharingSessions: [
        {
          sessionId: 'S1',
          rawSessionIds: ['S1'],
          active: false,
          startedAt: at(30),
          endedAt: at(33),
        },
      ],
      recording: {
        files: [
          {
            operationId: RECORD_OPERATION,
            location: 'https://file.location/r1',
            hasAccessToken: true,
            availableAt: at(18),
          },
        ],
      },
    });
    expect(
      toOperationViews(state).map(
        ({ operationId, type, status, outcome, startedAt, durationMs }) => ({
          operationId,
          type,
          status,
          outcome,
          startedAt,
          durationMs,
        }),
      ),
    ).toEqual([
      {
        operationId: OPERATION,
        type: 'playPrompt',
        status: 'completed',
        outcome: 'completed',
        startedAt: at(9),
        durationMs: 3000,
      },
      {
        operationId: RECORD_OPERATION,
        type: 'recordResponse',
        status: 'completed',
        outcome: 'completed',
        startedAt: at(15),
        durationMs: 3000,
      },
      {
        operationId: 'c3d4e5f6-a7b8-4c9d-a0b1-c2d3e4f5a6b7',
        type: 'subscribeToTone',
        status: 'completed',
        outcome: 'completed',
        startedAt: null,
        durationMs: null,
      },
      {
        operationId: FAILING_OPERATION,
        type: 'playPrompt',
        status: 'failed',
        outcome: 'failed',
        startedAt: at(21),
        durationMs: 3000,
      },
    ]);
    expect(JSON.stringify(state)).not.toContain('secret-r1');
  });

  it('a Graph call in progress ends established, having rung', () => {
    const notifications = graphCallInProgress();
    const state = deliver(
      notifications,
      notifications.map((_, i) => i),
      (i) => at(i * 3),
    );
    expect(toCallView(state)).toMatchObject({
      state: 'established',
      final: false,
      details: { direction: 'incoming', incomingAt: at(0) },
    });
  });

  it('an ACS call ends disconnected with five operations, the preview play tied to its response', () => {
    const notifications = acsScenario();
    const state = deliver(
      notifications,
      notifications.map((_, i) => i),
      (i) => at(i * 3),
    );
    expect(toCallView(state)).toMatchObject({
      callId: ACS_CALL,
      state: 'disconnected',
      final: true,
      source: 'acs',
    });
    expect(
      toOperationViews(state)
        .map((o) => [o.type, o.operationContext, o.status])
        .sort(),
    ).toEqual([
      ['addParticipant', 'add-1', 'completed'],
      ['play', PLAY_AUDIO_CONTEXT, 'completed'],
      ['play', 'welcome', 'completed'],
      ['recognize', 'menu', 'completed'],
      ['transfer', 'transfer-1', 'completed'],
    ]);
  });
});
