import type { CommitWake } from '@tracker/event-store';
import type { CallView } from '@tracker/domain';
import type { AppConfig } from '../../config/config';
import type { CommittedBatch } from '../../metrics/committed-batch';
import type { LogMessage } from '../../threads/relay-logger';

/** What the projection thread is started with (structured-cloneable). */
export interface ProjectionWorkerData {
  readonly store: AppConfig['store'];
  readonly readModelPath: string;
  readonly bounds: AppConfig['deadlines']['bounds'];
  /** The writer thread's line (embedded store only; its port in the transfer list). */
  readonly wake?: CommitWake;
}

export type ToProjection =
  /**
   * The calls watched now (all of them, not a change): the thread posts the views of these only,
   * and at once the current view of each call that was not watched before.
   */
  { readonly kind: 'watch'; readonly callIds: readonly string[] } | { readonly kind: 'stop' };

export type FromProjection =
  | {
      readonly kind: 'status';
      readonly position?: string;
      readonly projectedEvents: number;
      readonly calls?: number;
      /** The batch just committed, for the lag metric. */
      readonly committed?: CommittedBatch;
      /** The projection thread's Linux id (constant), for its CPU metric. */
      readonly osThreadId?: number;
    }
  /** New views of watched calls. */
  | { readonly kind: 'calls'; readonly views: readonly CallView[] }
  | LogMessage
  | { readonly kind: 'stopped' };
