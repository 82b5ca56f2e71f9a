import { batches } from './batches';

async function* from<T>(items: T[], delayAfter?: { index: number; ms: number }) {
  for (let i = 0; i < items.length; i++) {
    if (delayAfter && i === delayAfter.index)
      await new Promise((r) => setTimeout(r, delayAfter.ms));
    yield items[i];
  }
}

const collect = async <T>(source: AsyncIterable<T[]>) => {
  const out: T[][] = [];
  for await (const b of source) out.push(b);
  return out;
};

describe('batches', () => {
  it('fills batches up to the maximum when items are ready', async () => {
    expect(await collect(batches(from([1, 2, 3, 4, 5, 6, 7]), 3, 50))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
  });

  it('closes a batch when the next item is slower than the linger time, losing nothing', async () => {
    const result = await collect(batches(from([1, 2, 3, 4], { index: 2, ms: 60 }), 10, 10));
    expect(result).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('yields nothing for an empty source', async () => {
    expect(await collect(batches(from([]), 3, 10))).toEqual([]);
  });

  describe('lingering while the previous batch is busy', () => {
    /** A source that yields `items` one by one, each `gapMs` after the previous. */
    async function* paced(items: number[], gapMs: number) {
      for (const item of items) {
        await new Promise((r) => setTimeout(r, gapMs));
        yield item;
      }
    }

    it('sends a lone item at once when nothing is in flight', async () => {
      // with a 100 ms linger time, the two would share a batch
      expect(await collect(batches(paced([1, 2], 40), 10, 100))).toEqual([[1, 2]]);
      expect(await collect(batches(paced([1, 2], 40), 10, () => undefined))).toEqual([[1], [2]]);
    });

    it('takes what is ready at once, and grows the next batch while the previous is busy', async () => {
      let inFlight: Promise<void> | undefined;
      const out: number[][] = [];
      for await (const batch of batches(paced([1, 2, 3, 4, 5, 6], 10), 10, () => inFlight)) {
        out.push(batch);
        // the consumer works on each batch for 60 ms while the next one forms
        inFlight = new Promise((r) => setTimeout(r, 60));
      }
      expect(out[0]).toEqual([1]);
      expect(out.flat()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(out.length).toBeLessThan(6); // later batches took more than one item
    });

    it('fills up to the maximum from a ready source without waiting', async () => {
      expect(await collect(batches(from([1, 2, 3, 4, 5]), 2, () => undefined))).toEqual([
        [1, 2],
        [3, 4],
        [5],
      ]);
    });
  });
});
