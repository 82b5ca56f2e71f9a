import { randomFillSync } from 'node:crypto';
import { KafkajsEncoderClass, useLeanKafkaEncoder } from './lean-encoder';

type Message = {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Record<string, string | Buffer | string[]>;
  timestamp: string;
};

type EncodeRequest = (args: {
  correlationId: number;
  clientId: string;
  request: { apiKey: number; apiVersion: number; encode: () => Promise<unknown> };
}) => Promise<{ buffer: Buffer }>;

type ProduceV7 = (args: object) => {
  apiKey: number;
  apiVersion: number;
  encode: () => Promise<unknown>;
};

/** A copy of kafkajs's protocol modules of its own (jest's registry), stock or made lean. */
const kafkajsCopy = (lean?: (size: number) => Buffer) => {
  let copy!: { Encoder: KafkajsEncoderClass; request: EncodeRequest; produce: ProduceV7 };
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    copy = {
      Encoder: require('kafkajs/src/protocol/encoder'),
      request: require('kafkajs/src/protocol/request'),
      produce: require('kafkajs/src/protocol/requests/produce/v7/request'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  if (lean) expect(useLeanKafkaEncoder(copy.Encoder, '2.2.4', lean)).toBe(true);
  return copy;
};

/** Memory as Node's pool may hand it out: whatever was there before, never zeros. */
const dirty = (size: number) => Buffer.alloc(size, 0xa5);

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const ALPHABET = ['a', 'Z', '0', '/', 'é', '€', '日', '😀', '\ud800', '"', '\n'];

const messages = (next: () => number, count: number): Message[] => {
  const int = (max: number) => Math.floor(next() * max);
  const text = (max: number) =>
    Array.from({ length: int(max) }, () => ALPHABET[int(ALPHABET.length)]).join('');
  const bytes = (max: number) => randomFillSync(Buffer.alloc(int(max)));
  return Array.from({ length: count }, (_, i) => {
    const headers: Message['headers'] = {};
    for (let h = int(13); h > 0; h--) {
      headers[`ce_${text(12)}${h}`] = h % 5 === 0 ? [text(40), text(3)] : text(200);
    }
    if (i % 7 === 3) headers.bin = bytes(300);
    return {
      key: i % 11 === 5 ? null : i % 2 ? text(60) : bytes(40),
      // tombstones, empty values, and values past the 4 KB that Node's pool serves
      value: i % 13 === 7 ? null : i % 17 === 2 ? bytes(20_000) : text(1_500),
      headers,
      timestamp: String(1_764_000_000_000 + int(5_000)),
    };
  });
};

const produceRequest = async (
  kafkajs: ReturnType<typeof kafkajsCopy>,
  topicData: object[],
): Promise<Buffer> => {
  const request = kafkajs.produce({
    acks: -1,
    timeout: 30_000,
    transactionalId: 'comms-tracker.publisher',
    producerId: 4242,
    producerEpoch: 3,
    compression: 0,
    topicData,
  });
  const encoded = await kafkajs.request({ correlationId: 17, clientId: 'tracker', request });
  return Buffer.from(encoded.buffer);
};

describe('the lean kafkajs encoder', () => {
  it('puts on the wire exactly the bytes kafkajs does, into memory it does not zero', async () => {
    const stock = kafkajsCopy();
    const lean = kafkajsCopy(dirty);
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const topicData = [
        { topic: 'calls.call-events', partitions: [0, 3].map((p) => part(p, next)) },
        { topic: 'calls.call-state', partitions: [part(1, next)] },
      ];
      const expected = await produceRequest(stock, topicData);
      expect(expected.length).toBeGreaterThan(10_000);
      expect((await produceRequest(lean, topicData)).equals(expected)).toBe(true);
    }
  });

  it('starts an encoder on no buffer of its own, and grows it in the memory it is given', () => {
    const given: number[] = [];
    const { Encoder } = kafkajsCopy((size) => (given.push(size), dirty(size)));
    const encoder = new (
      Encoder as unknown as new () => { buf: Buffer; buffer: Buffer } & {
        writeVarIntString(value: string): unknown;
      }
    )();
    expect(encoder.buf.length).toBe(0);
    encoder.writeVarIntString('ce_specversion');
    expect(given).toEqual([128]);
    expect(encoder.buffer.equals(Buffer.from('\x1cce_specversion'))).toBe(true);
  });

  it('is a no-op the second time, and leaves another kafkajs version or shape alone', () => {
    const { Encoder } = kafkajsCopy(dirty);
    const ensure = Encoder.prototype.ensureAvailable;
    expect(useLeanKafkaEncoder(Encoder, '2.2.4', dirty)).toBe(true);
    expect(Encoder.prototype.ensureAvailable).toBe(ensure);

    const other = kafkajsCopy().Encoder;
    const stockEnsure = other.prototype.ensureAvailable;
    expect(useLeanKafkaEncoder(other, '2.3.0')).toBe(false);
    class NotKafkajs {
      static nextPowerOfTwo = (n: number) => n;
      buf = Buffer.alloc(4);
      offset = 0;
      ensureAvailable() {}
      writeUVarInt() {
        return this;
      }
    }
    expect(useLeanKafkaEncoder(NotKafkajs, '2.2.4')).toBe(false);
    expect(other.prototype.ensureAvailable).toBe(stockEnsure);
    expect(new (other as unknown as new () => { buf: Buffer })().buf.length).toBe(512);
  });

  it('is installed on the kafkajs the service loads', () => {
    expect(useLeanKafkaEncoder()).toBe(true);
  });
});

const part = (partition: number, next: () => number) => ({
  partition,
  firstSequence: Math.floor(next() * 1000),
  messages: messages(next, 40 + Math.floor(next() * 60)),
});
