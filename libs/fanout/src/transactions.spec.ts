import type { RecordedEvent } from '@tracker/event-store';
import type { FanoutRecord } from './fanout-record';
import { MAP_SLICE, mapInOrder } from './transactions';

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

    expect(mapped.map((r) => `${r.topic}/${r.value}`)).toEqual(
      batch.flatMap((e) => [`topic/${e.id}`, `other/${e.id}`]),
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
