import type { CommitWake } from '@tracker/event-store';
import type { PublisherStatus } from '@tracker/fanout';
import type { AppConfig } from '../../config/config';
import type { LogMessage } from '../../threads/relay-logger';
import type { KafkaSettings, PublishedTransaction } from '../kafka-publisher-for';

/** What the publisher thread is started with (structured-cloneable). */
export interface PublisherWorkerData {
  readonly store: AppConfig['store'];
  readonly kafka: KafkaSettings;
  /** The writer thread's line (embedded store only; its port in the transfer list). */
  readonly wake?: CommitWake;
}

export type ToPublisher = { readonly kind: 'stop' };

export type FromPublisher =
  | {
      readonly kind: 'status';
      /** Structured clone keeps the position's bigints. */
      readonly status: PublisherStatus;
      /** The publisher thread's Linux id (constant), for its CPU metric. */
      readonly osThreadId?: number;
      /** The transaction just committed, for the lag and transaction metrics. */
      readonly published?: PublishedTransaction;
    }
  | LogMessage
  | { readonly kind: 'stopped' };
