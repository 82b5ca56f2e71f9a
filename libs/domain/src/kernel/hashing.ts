import { hash } from 'node:crypto';

// One-shot `hash` rather than createHash().update().digest(): without a Hash object per call a
// notification key takes about 30 % less time and an event id 40 % (bench/hot-path-micro.ts,
// Node 20), and the ingest path hashes 2–4 times per notification.
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const namespaces = new Map<string, Buffer>();

const namespaceBytes = (namespace: string): Buffer => {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    if (!UUID.test(namespace)) throw new RangeError(`not a UUID namespace: "${namespace}"`);
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    namespaces.set(namespace, bytes);
  }
  return bytes;
};

/**
 * RFC 4122 name-based UUID (version 5, SHA-1). Deterministic: the same name in the same namespace
 * always gives the same UUID, which is what makes a redelivered append idempotent.
 */
export const uuidV5 = (name: string, namespace: string): string => {
  const prefix = namespaceBytes(namespace);
  const input = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(name, 'utf8'));
  prefix.copy(input);
  input.write(name, prefix.length, 'utf8');
  const bytes = hash('sha1', input, 'buffer').subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
