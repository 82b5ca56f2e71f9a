import { MAX_NOTIFICATIONS_PER_BATCH } from '@tracker/domain';
import { CALL_EVENT_DATA_RULES, CONTRACT_SCHEMAS } from './contract-schemas';
import { dtoSchemas } from './dto-schemas';

/** `{ $ref }` to a schema of the document's components. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const count = (description: string) => ({ type: 'integer', minimum: 0, description });

/**
 * The schemas the HTTP API documents besides the DTOs and the Kafka contracts: replies, the
 * problem shape, history. A test validates real responses against them.
 */
const RESPONSE_SCHEMAS: Record<string, object> = {
  Problem: {
    description: 'Every error the API returns (apps/tracker/src/http/problem.ts).',
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: {
        type: 'string',
        description:
          'invalid_request, unauthorized, not_found, payload_too_large, unsupported_media_type, store_unavailable, auth_unavailable, …',
      },
      message: { type: 'string' },
      details: { type: 'array', items: ref('FieldProblem') },
    },
  },
  FieldProblem: {
    type: 'object',
    required: ['field', 'problem'],
    properties: {
      field: {
        type: 'string',
        description:
          'The offending place: a JSON Pointer into the body (`/value/1/changeType`, `/value/1/resourceData/clientContext`; `body` for the whole body), or the name of a parameter or header (`callId`).',
      },
      problem: { type: 'string' },
    },
  },
  IngestReply: {
    description: 'Sent only once every notification of the request is durably stored.',
    type: 'object',
    required: ['accepted', 'duplicates', 'skipped'],
    properties: {
      accepted: count('Notifications stored by this request'),
      duplicates: count('Notifications recognised as redeliveries (stored before, not again)'),
      skipped: count(
        'Well-formed items the tracker cannot file under a call (an ACS event naming no call connection, Event Grid validation events)',
      ),
    },
  },
  EventGridValidationReply: {
    type: 'object',
    required: ['validationResponse'],
    properties: { validationResponse: { type: 'string' } },
  },
  AcsEvents: {
    description:
      'What ACS posts: a Call Automation CloudEvents array, or one 2021-08-30-preview event object.',
    oneOf: [
      {
        type: 'array',
        minItems: 1,
        maxItems: MAX_NOTIFICATIONS_PER_BATCH,
        items: ref('AcsCloudEventDto'),
      },
      {
        type: 'object',
        description: 'A 2021-08-30-preview event object, e.g. PlayAudioResult.',
      },
    ],
  },
  OperationList: {
    type: 'object',
    required: ['operations'],
    properties: { operations: { type: 'array', items: ref('OperationView') } },
  },
  CallHistory: {
    type: 'object',
    required: ['callId', 'events'],
    properties: {
      callId: { type: 'string', description: 'Canonical call id' },
      events: { type: 'array', items: ref('HistoryEntry') },
    },
  },
  HistoryEntry: {
    description:
      "One stored event of the call's stream: the notification as received (secrets removed), then what was decided. `data` has the shape of the event type's data on comms.call-events.v1.",
    type: 'object',
    required: ['revision', 'position', 'eventId', 'type', 'storedAt', 'data', 'metadata'],
    properties: {
      revision: { type: 'integer', minimum: 0, description: "Revision in the call's stream" },
      position: { type: 'string', pattern: '^[0-9]+/[0-9]+$', description: 'commit/prepare' },
      eventId: { type: 'string', format: 'uuid' },
      type: ref('CallEvent.eventType'),
      storedAt: { type: 'string', format: 'date-time' },
      data: { type: 'object' },
      metadata: {
        type: 'object',
        required: ['eventId', 'callId', 'notificationKey', 'recordedAt'],
        properties: {
          eventId: { type: 'string', format: 'uuid' },
          callId: { type: 'string' },
          notificationKey: { type: 'string' },
          recordedAt: ref('CallEvent.instant'),
        },
      },
    },
    allOf: CALL_EVENT_DATA_RULES,
  },
  Live: {
    type: 'object',
    required: ['status'],
    properties: { status: { const: 'ok' } },
  },
  Ready: {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { enum: ['ok', 'unavailable'] },
      checks: {
        type: 'object',
        required: ['store', 'fanout'],
        properties: {
          store: {
            type: 'object',
            required: ['status', 'kind'],
            properties: {
              status: { enum: ['up', 'down'] },
              kind: { enum: ['embedded', 'esdb'] },
              error: { type: 'string' },
            },
          },
          fanout: {
            type: 'object',
            required: ['status'],
            description: 'Informative: fan-out never makes the service unready.',
            properties: {
              status: { enum: ['off', 'starting', 'running', 'retrying', 'fenced', 'stopped'] },
              publishedPosition: { type: ['string', 'null'] },
              headPosition: { type: ['string', 'null'] },
              lag: { type: 'integer', minimum: 0 },
              lastError: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/** Every schema of the document's `components.schemas`. */
export const apiSchemas = (): Record<string, object> => ({
  ...CONTRACT_SCHEMAS,
  ...dtoSchemas(),
  ...RESPONSE_SCHEMAS,
});
