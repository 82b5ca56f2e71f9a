import type { PublisherStatus } from '@tracker/fanout';
import type { AppConfig } from '../../config/config';
import type { LogMessage } from '../../threads/relay-logger';
import type { KafkaSettings } from '../kafka-publisher-for';

/** What the publisher thread is started with (structured-cloneable). */
export interface PublisherWorkerData {
  readonly store: AppConfig['store'];
  readonly kafka: KafkaSettings;
  /** `AppendWake.shared`: the flag of the wake-up in flight. */
  readonly wake: SharedArrayBuffer;
}

export type ToPublisher = { readonly kind: 'appended' } | { readonly kind: 'stop' };

export type FromPublisher =
  | {
      readonly kind: 'status';
      /** Structured clone keeps the position's bigints. */
      readonly status: PublisherStatus;
      /** The publisher thread's Linux id (constant), for its CPU metric. */
      readonly osThreadId?: number;
    }
  | { readonly kind: 'published'; readonly createdMs: readonly number[] }
  | LogMessage
  | { readonly kind: 'stopped' };
