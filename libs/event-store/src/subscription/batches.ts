const LINGER_OVER = Symbol('linger over');

/**
 * Groups an async iterable into batches: a batch starts with the next item (waiting as long as it
 * takes), then takes whatever else arrives within `lingerMs`, up to `maxSize`. During catch-up the
 * items are already there, so batches fill up; when live, a lone event waits at most `lingerMs`.
 */
export async function* batches<T>(
  source: AsyncIterable<T>,
  maxSize: number,
  lingerMs: number,
): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      let timer: NodeJS.Timeout | undefined;
      const lingerOver = new Promise<typeof LINGER_OVER>((resolve) => {
        timer = setTimeout(() => resolve(LINGER_OVER), lingerMs);
      });
      try {
        while (batch.length < maxSize) {
          pending = iterator.next();
          const next = await Promise.race([pending, lingerOver]);
          if (next === LINGER_OVER) break; // `pending` carries over to the next batch
          pending = undefined;
          if (next.done) {
            yield batch;
            return;
          }
          batch.push(next.value);
        }
      } finally {
        clearTimeout(timer);
      }
      yield batch;
    }
  } finally {
    // Not awaited: a `next()` may still be pending on the source (a live subscription waiting for
    // an event), and an async generator's return() waits for it. The owner closes the source.
    iterator.return?.().catch(() => undefined);
  }
}
