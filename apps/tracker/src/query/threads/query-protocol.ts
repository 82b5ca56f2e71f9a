import type { ViewQuery } from '@tracker/read-model';

/** What a query thread is started with (structured-cloneable). */
export interface QueryWorkerData {
  readonly readModelPath: string;
}

export interface NumberedQuery {
  readonly id: number;
  readonly query: ViewQuery;
}

export type QueryAnswer =
  /** The views as stored (JSON text): the thread that asked parses them. */
  | { readonly id: number; readonly views: readonly string[] }
  | {
      readonly id: number;
      readonly failed: string;
      /** A fault of the machine (ReadModelUnavailableError): 503, not 500. */
      readonly unavailable: boolean;
    };

/**
 * Queries travel in batches, one message each way for all the queries asked in one turn of the
 * event loop: each message wakes a thread, and in a burst most of the cost is the waking.
 */
export type ToQueryThread =
  | { readonly kind: 'queries'; readonly queries: readonly NumberedQuery[] }
  | { readonly kind: 'stop' };

export type FromQueryThread =
  /** The read model is open; the thread's Linux id is for its CPU metric. */
  | { readonly kind: 'ready'; readonly osThreadId?: number }
  | { readonly kind: 'answers'; readonly answers: readonly QueryAnswer[] }
  /** The thread could not open the read model and ends. */
  | { readonly kind: 'fatal'; readonly message: string };
