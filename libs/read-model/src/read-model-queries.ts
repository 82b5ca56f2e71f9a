import type { CallView, OperationView } from '@tracker/domain';
import { isSqliteUnavailable } from '@tracker/event-store';
import {
  parseViews,
  type ListCallsFilter,
  type ListOperationsFilter,
  type ReadModelStore,
  type ViewQuery,
} from './read-model.store';

/** The read model cannot answer now (disk full or failing, file locked, its thread gone): retry later. */
export class ReadModelUnavailableError extends Error {
  override readonly name: string = 'ReadModelUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * More queries wait for their answers than the service takes on (`QUERY_QUEUE_LIMIT`): refused at
 * once, as unavailable (503, UNAVAILABLE), instead of queued behind the others until the client's
 * deadline. Not a fault of the machine: the service counts these and does not log each one.
 */
export class ReadModelBusyError extends ReadModelUnavailableError {
  /** What a client is told, over REST and gRPC alike. */
  static readonly publicMessage = 'too many reads are waiting for their answers; retry later';

  override readonly name: string = 'ReadModelBusyError';
}

/** A SQLite fault of the machine becomes ReadModelUnavailableError; anything else stays as it is. */
export const toReadModelError = (error: unknown): unknown =>
  isSqliteUnavailable(error)
    ? new ReadModelUnavailableError(`read model unavailable: ${(error as Error).message}`, error)
    : error;

/**
 * The read model's queries as the APIs (REST, gRPC) ask them. Asynchronous, so that an adapter can
 * answer from threads of its own: a query that waits for the disk then delays other queries, never
 * the event loop that acknowledges webhooks. Adapters say only where `runQuery` runs; the views
 * come back as stored text and are parsed here, once.
 */
export abstract class ReadModelQueries {
  async getCall(callId: string): Promise<CallView | undefined> {
    return parseViews<CallView>(await this.run({ kind: 'call', callId }))[0];
  }

  /** See `ViewQuery`'s `operationsNamed`. */
  async findOperations(id: string): Promise<OperationView[]> {
    return parseViews(await this.run({ kind: 'operationsNamed', id }));
  }

  async listOperations(
    callId: string,
    filter: ListOperationsFilter = {},
  ): Promise<OperationView[]> {
    return parseViews(await this.run({ kind: 'operationsOfCall', callId, filter }));
  }

  async listCalls(filter: ListCallsFilter): Promise<CallView[]> {
    return parseViews(await this.run({ kind: 'calls', filter }));
  }

  /** Ends what the adapter started (threads). */
  async close(): Promise<void> {}

  protected abstract run(query: ViewQuery): Promise<string[]>;
}

/** Runs one query on a store in the caller's thread, a machine fault as ReadModelUnavailableError. */
export const runQuery = (store: ReadModelStore, query: ViewQuery): string[] => {
  try {
    return store.views(query);
  } catch (error) {
    throw toReadModelError(error);
  }
};

/** Queries on the caller's thread, with the store's synchronous calls (QUERY_THREADS=0). */
export class InlineQueries extends ReadModelQueries {
  constructor(private readonly store: ReadModelStore) {
    super();
  }

  protected async run(query: ViewQuery): Promise<string[]> {
    return runQuery(this.store, query);
  }
}
