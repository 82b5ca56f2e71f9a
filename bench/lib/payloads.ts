/**
 * Realistic Graph `commsNotifications` traffic for the bench: every call goes through the life of
 * a bot-answered call (incoming, establishing, established, roster, a prompt, a recorded response,
 * terminated), in the shapes of test/fixtures/graph/*.json. Every notification carries a unique
 * `@odata.etag` (W/"<seq>"), which is how the fan-out lag phase matches a Kafka record to the HTTP
 * acknowledgement of the notification it came from.
 */

/** Notifications in one call's life. */
export const STEPS_PER_CALL = 7;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** A 32-hex Graph call id (upper case, as Graph writes it in resource URLs), unique per index. */
export const callIdOf = (run: number, index: number): string =>
  `${hex(run & 0xffffffff, 8)}${hex(index, 12)}4C409AB240BD`.toUpperCase();

/** The same id in the canonical form the tracker keys it by (lower-case dashed). */
export const canonicalCallId = (id: string): string => {
  const h = id.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const operationId = (callId: string, n: number): string =>
  `${callId.slice(0, 24)}${hex(n, 8)}`.toUpperCase();

const user = (n: number) => ({
  '@odata.type': '#microsoft.graph.identitySet',
  user: {
    displayName: `Caller ${hex(n, 12)}`,
    id: `8a34a46b-3d17-4adc-8dce-${hex(n, 12)}`,
    tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
  },
});

const bot = {
  '@odata.type': '#microsoft.graph.identitySet',
  application: { displayName: 'Contoso IVR bot', id: '8a34a46b-3d17-4adc-8dce-dc4e7d572698' },
};

const callResource = (callId: string, etag: string, extra: Record<string, unknown>) => ({
  '@odata.type': '#microsoft.graph.call',
  '@odata.id': `/communications/calls/${callId}`,
  '@odata.etag': etag,
  ...extra,
});

/**
 * Notification `step` (0..STEPS_PER_CALL-1) of call `callIndex`; `seq` makes it unique (etag).
 */
export const notification = (
  run: number,
  callIndex: number,
  step: number,
  seq: number,
): Record<string, unknown> => {
  const callId = callIdOf(run, callIndex);
  const etag = `W/"${seq}"`;
  const base = '#microsoft.graph.commsNotification';
  const callUrl = `/communications/calls/${callId}`;
  switch (step) {
    case 0:
      return {
        '@odata.type': base,
        changeType: 'created',
        resourceUrl: callUrl,
        resourceData: callResource(callId, etag, {
          state: 'incoming',
          direction: 'incoming',
          callChainId: `d2d3b0f1-6d9c-4c9e-9f4e-${hex(callIndex, 12)}`,
          source: {
            '@odata.type': '#microsoft.graph.participantInfo',
            identity: user(callIndex),
            region: 'westus',
            languageId: 'en-US',
          },
          targets: [{ '@odata.type': '#microsoft.graph.invitationParticipantInfo', identity: bot }],
          requestedModalities: ['audio'],
          tenantId: 'aa67bd4c-8475-432d-bd41-39f255720e0a',
        }),
      };
    case 1:
      return {
        '@odata.type': base,
        changeType: 'updated',
        resourceUrl: callUrl,
        resourceData: callResource(callId, etag, { state: 'establishing' }),
      };
    case 2:
      return {
        '@odata.type': base,
        changeType: 'updated',
        resourceUrl: callUrl,
        resourceData: callResource(callId, etag, {
          state: 'established',
          mediaState: { '@odata.type': '#microsoft.graph.callMediaState', audio: 'active' },
        }),
      };
    case 3:
      return {
        '@odata.type': base,
        changeType: 'updated',
        resourceUrl: `${callUrl}/participants`,
        resourceData: [
          {
            '@odata.type': '#microsoft.graph.participant',
            '@odata.etag': etag,
            id: `${callId.slice(0, 8).toLowerCase()}-0000-4000-8000-000000000001`,
            info: { '@odata.type': '#microsoft.graph.participantInfo', identity: user(callIndex) },
            isMuted: false,
            isInLobby: false,
            mediaStreams: [{ mediaType: 'audio', sourceId: '1', direction: 'sendReceive' }],
          },
          {
            '@odata.type': '#microsoft.graph.participant',
            id: `${callId.slice(0, 8).toLowerCase()}-0000-4000-8000-000000000002`,
            info: { '@odata.type': '#microsoft.graph.participantInfo', identity: bot },
            isMuted: false,
            isInLobby: false,
            mediaStreams: [{ mediaType: 'audio', sourceId: '2', direction: 'sendReceive' }],
          },
        ],
      };
    case 4: {
      const op = operationId(callId, 1);
      return {
        '@odata.type': base,
        changeType: 'deleted',
        resourceUrl: `${callUrl}/operations/${op}`,
        resourceData: {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          '@odata.id': `${callUrl}/operations/${op}`,
          '@odata.etag': etag,
          resultInfo: {
            '@odata.type': '#microsoft.graph.resultInfo',
            code: 200,
            subcode: 0,
            message: 'Action completed successfully.',
          },
          clientContext: `d45324c1-fcb5-430a-902c-${hex(callIndex, 12)}`,
          status: 'completed',
        },
      };
    }
    case 5: {
      const op = operationId(callId, 2);
      return {
        '@odata.type': base,
        changeType: 'deleted',
        resourceUrl: `${callUrl}/operations/${op}`,
        resourceData: {
          '@odata.type': '#microsoft.graph.recordOperation',
          '@odata.id': `${callUrl}/operations/${op}`,
          '@odata.etag': etag,
          clientContext: `d45324c1-fcb5-430a-902c-${hex(callIndex, 12)}`,
          status: 'completed',
          recordingLocation: `https://file.location/17e3b46c-f61d-4f4d-9635-${hex(callIndex, 12)}`,
          recordingAccessToken: `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${hex(seq, 16)}.sig`,
          completionReason: 'stopToneDetected',
        },
      };
    }
    default:
      return {
        '@odata.type': base,
        changeType: 'deleted',
        resourceUrl: callUrl,
        resourceData: callResource(callId, etag, {
          state: 'terminated',
          resultInfo: {
            '@odata.type': '#microsoft.graph.resultInfo',
            code: 0,
            subcode: 7015,
            message: 'Call ended by the remote party.',
          },
        }),
      };
  }
};

/** The etag sequence number a notification carries (see `notification`); undefined if none. */
export const seqOfPayload = (payload: unknown): number | undefined => {
  const data = (payload as { resourceData?: unknown })?.resourceData;
  const holder = Array.isArray(data) ? data[0] : data;
  const etag = (holder as { '@odata.etag'?: unknown })?.['@odata.etag'];
  if (typeof etag !== 'string') return undefined;
  const m = /^W\/"(\d+)"$/.exec(etag);
  return m ? Number(m[1]) : undefined;
};

/**
 * An endless, interleaved stream of notifications over `activeCalls` concurrent calls: each call
 * gets its next notification in turn (so one call's notifications are `activeCalls` apart), and a
 * call that reached `terminated` is replaced by a new one. Calls are numbered from `firstCall`.
 */
export class TrafficStream {
  private readonly steps: number[];
  private readonly calls: number[];
  private nextCall: number;
  private cursor = 0;
  seq: number;

  constructor(
    private readonly run: number,
    activeCalls: number,
    firstCall: number,
    firstSeq: number,
  ) {
    this.nextCall = firstCall;
    this.seq = firstSeq;
    this.calls = [];
    this.steps = [];
    for (let i = 0; i < activeCalls; i++) {
      this.calls.push(this.nextCall++);
      // Stagger the steps so the mix is realistic from the first second.
      this.steps.push(i % STEPS_PER_CALL);
    }
  }

  next(): { body: Record<string, unknown>; seq: number; callIndex: number } {
    const i = this.cursor;
    this.cursor = (this.cursor + 1) % this.calls.length;
    const callIndex = this.calls[i];
    const step = this.steps[i];
    const seq = this.seq++;
    const body = notification(this.run, callIndex, step, seq);
    if (step + 1 >= STEPS_PER_CALL) {
      this.calls[i] = this.nextCall++;
      this.steps[i] = 0;
    } else {
      this.steps[i] = step + 1;
    }
    return { body, seq, callIndex };
  }

  /** How many distinct calls the stream has started so far. */
  get callsStarted(): number {
    return this.nextCall;
  }
}

export const graphBatch = (value: readonly Record<string, unknown>[]) => ({
  '@odata.type': '#microsoft.graph.commsNotifications',
  value,
});
