import type * as EsdbClient from '@eventstore/db-client';

let loaded: typeof EsdbClient | undefined;

/**
 * The EventStoreDB client library, loaded on first use. It takes some 22 MB of memory (its gRPC
 * stack) in every thread that loads it, and a process on the embedded store, or a worker thread that
 * only reads the read model, never needs it.
 */
export const esdb = (): typeof EsdbClient =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, on purpose
  (loaded ??= require('@eventstore/db-client') as typeof EsdbClient);
