import { Partitioners } from 'kafkajs';
import type { RecordedEvent } from '@tracker/event-store';
import type { FanoutRecord } from './fanout-record';
import {
  inTransactions,
  MAP_SLICE,
  mapInOrder,
  partitionOfByKey,
  recordBytes,
} from './transactions';

const events = (n: number): RecordedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    streamId: `s-${i % 3}`,
    id: `e-${i}`,
    type: 't',
    data: {},
    metadata: {},
    revision: BigInt(Math.floor(i / 3)),
    position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    created: new Date(0),
  }));

const recordOf = (event: RecordedEvent): FanoutRecord => ({
  topic: 'topic',
  key: event.streamId,
  value: event.id,
  headers: {},
});

describe('mapInOrder', () => {
  it('maps every event in order, one at a time, keeping each event’s records together', async () => {
    const batch = events(100);
    let running = 0;
    const mapped = await mapInOrder(batch, async (event) => {
      running += 1;
      expect(running).toBe(1);
      await Promise.resolve();
      running -= 1;
      return [recordOf(event), { ...recordOf(event), topic: 'other' }];
    });

    expect(mapped.map((records) => records.map((r) => `${r.topic}/${r.value}`))).toEqual(
      batch.map((e) => [`topic/${e.id}`, `other/${e.id}`]),
    );
  });

  it('lets the event loop turn between slices of a large batch (a broker’s answer is not held up)', async () => {
    const batch = events(3 * MAP_SLICE + 5);
    let mappedSoFar = 0;
    let done = false;
    const seenByLoop: number[] = [];
    // A callback waiting for the next turn of the loop, as a broker's answer waits to be read.
    const probe = () => {
      seenByLoop.push(mappedSoFar);
      if (!done) setImmediate(probe);
    };
    setImmediate(probe);

    await mapInOrder(batch, async (event) => {
      mappedSoFar += 1;
      return [recordOf(event)];
    });
    done = true;

    // The loop turned at each slice while the batch was mapped.
    expect(seenByLoop.filter((n) => n < batch.length)).toEqual([1, 2, 3].map((k) => k * MAP_SLICE));
  });
});

describe('inTransactions', () => {
  const sized = (event: RecordedEvent, bytes: number): FanoutRecord => ({
    ...recordOf(event),
    value: 'v'.repeat(bytes - recordBytes({ ...recordOf(event), value: '' })),
  });

  it('counts a record by its key, value and headers, in UTF-8, with room for framing', () => {
    const record = { topic: 't', key: 'ké', value: '€', headers: { ce_id: 'abc' } };
    expect(recordBytes(record)).toBe(24 + 3 + 3 + 8 + 5 + 3);
    expect(recordBytes({ ...record, value: null })).toBe(24 + 3 + 8 + 5 + 3);
  });

  it('cuts a batch where the next event would pass the bound, in order, an event never split', () => {
    const batch = events(7);
    // 400 bytes an event (two records of 200), a bound of 1,000: two events a transaction.
    const mapped = batch.map((event) => [sized(event, 200), sized(event, 200)]);
    const transactions = inTransactions(batch, mapped, 1_000);
    expect(transactions.map((t) => t.events.map((e) => e.id))).toEqual([
      ['e-0', 'e-1'],
      ['e-2', 'e-3'],
      ['e-4', 'e-5'],
      ['e-6'],
    ]);
    expect(transactions.flatMap((t) => t.records)).toEqual(mapped.flat());
    for (const { records } of transactions) {
      expect(records.reduce((sum, r) => sum + recordBytes(r), 0)).toBeLessThanOrEqual(1_000);
    }
  });

  it('bounds what a transaction sends to each topic, not to all of them', () => {
    const batch = events(4);
    // 600 bytes an event: 300 to each of two topics. A bound of 700 a topic: two events pass it.
    const mapped = batch.map((event) => [
      sized(event, 300),
      { ...sized(event, 300), topic: 'other' },
    ]);
    expect(inTransactions(batch, mapped, 700).map((t) => t.events.length)).toEqual([2, 2]);
    expect(inTransactions(batch, mapped, 599).map((t) => t.events.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps events without records with their neighbours, and sends an oversized event alone', () => {
    const batch = events(4);
    const mapped = [[sized(batch[0], 300)], [], [sized(batch[2], 5_000)], [sized(batch[3], 300)]];
    expect(inTransactions(batch, mapped, 1_000).map((t) => t.events.map((e) => e.id))).toEqual([
      ['e-0', 'e-1'],
      ['e-2'],
      ['e-3'],
    ]);
    expect(inTransactions(batch, mapped).map((t) => t.events.length)).toEqual([4]);
  });

  it('with the partition of each record, bounds what goes to each partition of a topic', () => {
    // Streams s-0, s-1, s-2 take turns; 400 bytes an event; a bound of 1,000.
    const batch = events(9);
    const mapped = batch.map((event) => [sized(event, 400)]);
    const byStream = (record: FanoutRecord) => Number(record.key.slice(2));
    // One partition a stream: each gets 400 bytes every third event, so three events (1,200 bytes)
    // pass the bound only at the seventh event of the batch.
    expect(inTransactions(batch, mapped, 1_000, byStream).map((t) => t.events.length)).toEqual([
      6, 3,
    ]);
    // The same records counted per topic: two events a transaction.
    expect(inTransactions(batch, mapped, 1_000).map((t) => t.events.length)).toEqual([
      2, 2, 2, 2, 1,
    ]);
    // All in one partition: as per topic.
    expect(inTransactions(batch, mapped, 1_000, () => 0).map((t) => t.events.length)).toEqual([
      2, 2, 2, 2, 1,
    ]);
  });
});

describe('partitionOfByKey', () => {
  it("places a record where the producer's default partitioner does, by key", () => {
    const partitionOf = partitionOfByKey(new Map([['calls', 6]]));
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
    }));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const record = { topic: 'calls', key: `call-${i}`, value: 'v', headers: {} };
      const partition = partitionOf(record);
      seen.add(partition);
      expect(partition).toBe(
        partitioner({
          topic: 'calls',
          partitionMetadata,
          message: { key: record.key, value: 'v' },
        }),
      );
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('says -1 for a topic it has no count for', () => {
    const partitionOf = partitionOfByKey(new Map([['calls', 6]]));
    expect(partitionOf({ topic: 'other', key: 'k', value: null, headers: {} })).toBe(-1);
  });
});
