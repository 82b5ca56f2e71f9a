import { changeKafkajs, kafkajsVersion } from './kafkajs-version';

/** The part of kafkajs's protocol `Encoder` (kafkajs/src/protocol/encoder.js) this file changes. */
export interface KafkajsEncoderClass {
  nextPowerOfTwo(value: number): number;
  readonly prototype: KafkajsEncoder;
}

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): KafkajsEncoder;
}

const LEAN = Symbol.for('comms-tracker.lean-kafka-encoder');

/** The first buffer of an encoder: a header (~60 bytes) fits, a record grows from it. */
const FIRST_CAPACITY = 128;

/** kafkajs's own rounding (for an exact power of two it doubles: capacity, not output). */
const nextPowerOfTwo = (value: number): number => 1 << (31 - Math.clz32(value) + 1);

/**
 * kafkajs 2.2 encodes every record, and every header of it, with an `Encoder` whose constructor
 * takes a zero-filled `Buffer.alloc(512)`: an ArrayBuffer of its own, allocated, zeroed and later
 * finalised by the GC. A record of ours has ten CloudEvents headers, so eleven of those per record;
 * each varint is a `Buffer.from([...])` too. A 500-record batch shaped like the publisher's:
 * 37 µs per record with kafkajs as it ships, 21 µs with this, on one core, the two alternating in
 * one heap, so each pays part of the other's GC (bench/hot-path-micro.ts).
 *
 * This changes three members of that class in place, so that every kafkajs module that already
 * holds it encodes the same way: the constructor's `Encoder.nextPowerOfTwo` (its only caller left)
 * gives 0, so a new encoder starts with an empty buffer; `ensureAvailable` grows into
 * `allocate`d memory (Node's pooled, unzeroed `Buffer.allocUnsafe`: kafkajs writes every byte
 * before its offset passes it, and only ever reads up to the offset, so no old memory is sent);
 * `writeUVarInt` writes its bytes in place. The bytes on the wire are kafkajs's own: the spec
 * encodes records and produce requests both ways, into memory filled with garbage, and compares.
 *
 * Only on the kafkajs version it was checked against (2.2.x), and only when the class has the
 * expected shape: otherwise nothing changes and this returns false. Installing twice is a no-op.
 */
export const useLeanKafkaEncoder = (
  Encoder: KafkajsEncoderClass = kafkajsEncoder(),
  version: string = kafkajsVersion(),
  allocate: (size: number) => Buffer = Buffer.allocUnsafe,
): boolean => {
  const proto = Encoder.prototype;
  return changeKafkajs({
    marked: proto,
    flag: LEAN,
    version,
    expected: () =>
      typeof Encoder.nextPowerOfTwo === 'function' &&
      typeof proto.ensureAvailable === 'function' &&
      typeof proto.writeUVarInt === 'function' &&
      /Buffer\.alloc\(Encoder\.nextPowerOfTwo\(initialSize\)\)/.test(String(Encoder)),
    apply: () => leanEncoding(Encoder, allocate),
  });
};

const leanEncoding = (Encoder: KafkajsEncoderClass, allocate: (size: number) => Buffer) => {
  const proto = Encoder.prototype;
  Encoder.nextPowerOfTwo = () => 0;
  proto.ensureAvailable = function ensureAvailable(this: KafkajsEncoder, length: number) {
    const needed = this.offset + length;
    if (needed <= this.buf.length) return;
    const grown = allocate(Math.max(FIRST_CAPACITY, nextPowerOfTwo(needed)));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
  // LEB128, as kafkajs writes it (7 bits a byte, low first); 5 bytes hold any 32-bit value.
  proto.writeUVarInt = function writeUVarInt(this: KafkajsEncoder, value: number) {
    this.ensureAvailable(5);
    while ((value & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.offset++] = value & 0x7f;
    return this;
  };
};

// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, untyped
const kafkajsEncoder = () => require('kafkajs/src/protocol/encoder') as KafkajsEncoderClass;
