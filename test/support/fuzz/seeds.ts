import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, fixturesDir } from '../running-service';

/** A valid request to start mutating from: one of the fixtures, or an ACS CloudEvent batch. */
export interface Seed {
  readonly name: string;
  readonly endpoint: 'graph' | 'acs' | 'operation';
  /** Only for `operation`: the call id of the URL. */
  readonly callId?: string;
  readonly body: unknown;
}

/** Call ids of the response fixtures (test/fixtures/README.md). */
const RESPONSE_CALLS: Readonly<Record<string, string>> = {
  'startholdmusic-response.json': 'e141b67c-90fd-455d-858b-b48a40b9cc8d',
};
const DEFAULT_RESPONSE_CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
const ACS_CALL = '401f3500-62cd-4d9a-b9c5-bc6fbc4c3b4e';

const cloudEvent = (id: string, name: string, data: Record<string, unknown>) => ({
  id,
  source: `calling/callConnections/${ACS_CALL}`,
  type: `Microsoft.Communication.${name}`,
  specversion: '1.0',
  datacontenttype: 'application/json',
  time: '2024-05-01T10:00:00.000Z',
  subject: `calling/callConnections/${ACS_CALL}`,
  data: {
    callConnectionId: ACS_CALL,
    serverCallId: 'aHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20vY29udi9hYmM/aT0xJmU9Mg==',
    correlationId: 'b880bd5a-1916-470a-b43d-aabf3caff91c',
    ...data,
  },
});

/** The repository has no CloudEvent fixture: these follow the ACS Call Automation event schema. */
const ACS_SEEDS: Seed[] = [
  {
    name: 'acs/cloud-events',
    endpoint: 'acs',
    body: [
      cloudEvent('c5b5d9a4-0f4e-4a0c-9a51-3f8b6b1e0001', 'CallConnected', {}),
      cloudEvent('c5b5d9a4-0f4e-4a0c-9a51-3f8b6b1e0002', 'PlayCompleted', {
        operationContext: '31130c66-2f86-41b5-af61-23850243e093',
        resultInformation: { code: 200, subCode: 0, message: 'Action completed successfully.' },
      }),
      cloudEvent('c5b5d9a4-0f4e-4a0c-9a51-3f8b6b1e0003', 'ParticipantsUpdated', {
        sequenceNumber: 4,
        participants: [
          {
            identifier: {
              rawId: '8:acs:user-1',
              kind: 'communicationUser',
              communicationUser: { id: '8:acs:user-1' },
            },
            isMuted: true,
            isOnHold: false,
          },
        ],
      }),
    ],
  },
  {
    name: 'acs/recognize-failed',
    endpoint: 'acs',
    body: [
      cloudEvent('c5b5d9a4-0f4e-4a0c-9a51-3f8b6b1e0004', 'RecognizeFailed', {
        operationContext: 'menu',
        resultInformation: { code: 400, subCode: 8510, message: 'Action failed, initial silence.' },
      }),
    ],
  },
  {
    name: 'acs/play-audio-result (2021-08-30-preview, one object)',
    endpoint: 'acs',
    body: {
      operationId: 'a0b1c2d3-0000-4000-8000-000000000001',
      status: 'completed',
      operationContext: '31130c66-2f86-41b5-af61-23850243e093',
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
      callConnectionId: ACS_CALL,
    },
  },
];

export const loadSeeds = (): Seed[] => {
  const graph = readdirSync(join(fixturesDir, 'graph'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file): Seed => {
      const body = fixture(`graph/${file}`);
      return file.endsWith('-response.json')
        ? {
            name: `graph/${file}`,
            endpoint: 'operation',
            callId: RESPONSE_CALLS[file] ?? DEFAULT_RESPONSE_CALL,
            body,
          }
        : { name: `graph/${file}`, endpoint: 'graph', body };
    });
  const acsResponse: Seed = {
    name: 'acs/playaudio-response.json',
    endpoint: 'operation',
    callId: ACS_CALL,
    body: fixture('acs/playaudio-response.json'),
  };
  return [...graph, acsResponse, ...ACS_SEEDS];
};

export const pathOf = (seed: Seed, callIdInUrl?: string): string => {
  switch (seed.endpoint) {
    case 'graph':
      return '/api/calls';
    case 'acs':
      return '/api/acs/events';
    case 'operation':
      return `/api/calls/${callIdInUrl ?? seed.callId}/operations`;
  }
};
