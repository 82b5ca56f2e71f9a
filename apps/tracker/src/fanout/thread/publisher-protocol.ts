import type { PublisherStatus } from '@tracker/fanout';
import type { AppConfig } from '../../config/config';
import type { HandOverStats } from '../fanout-metrics';
import type { KafkaSettings } from '../kafka-publisher-for';

/** What the publisher thread is started with (structured-cloneable). */
export interface PublisherWorkerData {
  readonly store: AppConfig['store'];
  readonly kafka: KafkaSettings;
}

export type ToPublisher = { readonly kind: 'appended' } | { readonly kind: 'stop' };

export type FromPublisher =
  | {
      readonly kind: 'status';
      /** Structured clone keeps the position's bigints. */
      readonly status: PublisherStatus;
      readonly handOvers: HandOverStats;
      readonly osThreadId?: number;
    }
  | { readonly kind: 'published'; readonly createdMs: readonly number[] }
  | { readonly kind: 'log'; readonly level: 'log' | 'warn' | 'error'; readonly message: string }
  | { readonly kind: 'stopped' };
