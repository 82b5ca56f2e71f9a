const LINGER_OVER = Symbol('linger over');

/**
 * How long a batch stays open after its first item: a fixed time in ms, or for as long as the
 * promise `busy()` returns is pending (the consumer's previous batch still in flight), and then
 * only for what is ready at once. The second never delays a lone item behind a timer, yet lets
 * the next batch grow while the previous one is being handled.
 */
export type Linger = number | (() => PromiseLike<unknown> | undefined);

const lingerOver = (linger: Linger): { over: Promise<typeof LINGER_OVER>; cancel: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const over = new Promise<typeof LINGER_OVER>((resolve) => {
    if (typeof linger === 'number') {
      timer = setTimeout(() => resolve(LINGER_OVER), linger);
      return;
    }
    // setImmediate runs after the I/O callbacks and promise jobs already queued: items the source
    // has ready (a page it read) arrive first.
    const afterReady = () => (immediate = setImmediate(() => resolve(LINGER_OVER)));
    const busy = linger();
    if (busy) busy.then(afterReady, afterReady);
    else afterReady();
  });
  return {
    over,
    cancel: () => {
      clearTimeout(timer);
      clearImmediate(immediate);
    },
  };
};

/**
 * Groups an async iterable into batches: a batch starts with the next item (waiting as long as it
 * takes), then takes whatever else arrives while it lingers (see `Linger`), up to `maxSize`.
 * During catch-up the items are already there, so batches fill up.
 */
export async function* batches<T>(
  source: AsyncIterable<T>,
  maxSize: number,
  linger: Linger,
): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      const { over, cancel } = lingerOver(linger);
      try {
        while (batch.length < maxSize) {
          pending = iterator.next();
          const next = await Promise.race([pending, over]);
          if (next === LINGER_OVER) break; // `pending` carries over to the next batch
          pending = undefined;
          if (next.done) {
            yield batch;
            return;
          }
          batch.push(next.value);
        }
      } finally {
        cancel();
      }
      yield batch;
    }
  } finally {
    // Not awaited: a `next()` may still be pending on the source (a live subscription waiting for
    // an event), and an async generator's return() waits for it. The owner closes the source.
    iterator.return?.().catch(() => undefined);
  }
}
