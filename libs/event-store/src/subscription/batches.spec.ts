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
});
