// JSON Schemas (draft 2020-12) of the values the tracker publishes to Kafka; see docs/kafka.md.
import { join } from 'node:path';
import callEventSchema from './call-event.v1.schema.json';
import callStateSchema from './call-state.v1.schema.json';
import operationStateSchema from './operation-state.v1.schema.json';

export { callEventSchema, callStateSchema, operationStateSchema };

/** The schema of each topic's value, by the topic's default name. */
export const TOPIC_SCHEMAS = {
  'comms.call-state.v1': callStateSchema,
  'comms.operation-state.v1': operationStateSchema,
  'comms.call-events.v1': callEventSchema,
} as const;

/** File names of the schemas, beside this module. */
export const SCHEMA_FILES = {
  callState: 'call-state.v1.schema.json',
  operationState: 'operation-state.v1.schema.json',
  callEvent: 'call-event.v1.schema.json',
} as const;

/**
 * Paths of the schema files in the source tree (for tooling: a registry upload, docs, CI). A
 * bundled build inlines the contents above; use those at runtime.
 */
export const SCHEMA_PATHS = {
  callState: join(__dirname, SCHEMA_FILES.callState),
  operationState: join(__dirname, SCHEMA_FILES.operationState),
  callEvent: join(__dirname, SCHEMA_FILES.callEvent),
} as const;
