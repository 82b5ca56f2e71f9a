import { callEventSchema, callStateSchema, operationStateSchema } from '@tracker/contracts';

type Schema = Record<string, unknown>;

const DEFS = '#/$defs/';

const rewriteRefs = (node: unknown, prefix: string): unknown => {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, prefix));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith(DEFS)
        ? `#/components/schemas/${prefix}.${value.slice(DEFS.length)}`
        : rewriteRefs(value, prefix),
    ]),
  );
};

/**
 * A Kafka contract schema (draft 2020-12, the normative one in libs/contracts) as OpenAPI 3.1
 * components: the root under `name`, each of its `$defs` under `name.def`, every `#/$defs/…`
 * reference pointed there. `$id` goes: it would make the document's own references resolve
 * against the schema's URN.
 */
const asComponents = (name: string, schema: object): Record<string, Schema> => {
  const { $defs, ...root } = rewriteRefs(schema, name) as Schema;
  delete root.$schema;
  delete root.$id;
  return {
    [name]: root,
    ...Object.fromEntries(
      Object.entries(($defs ?? {}) as Record<string, Schema>).map(([def, value]) => [
        `${name}.${def}`,
        value,
      ]),
    ),
  };
};

/** CallView (= comms.call-state.v1), OperationView (= comms.operation-state.v1), CallEvent. */
export const CONTRACT_SCHEMAS: Record<string, Schema> = {
  ...asComponents('CallView', callStateSchema),
  ...asComponents('OperationView', operationStateSchema),
  ...asComponents('CallEvent', callEventSchema),
};

/** The call-event schema's `type` → `data` rules (if/then), to apply to history entries too. */
export const CALL_EVENT_DATA_RULES = CONTRACT_SCHEMAS.CallEvent.allOf as Schema[];
