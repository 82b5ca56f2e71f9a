import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EmbeddedEventStore, EsdbEventStore, EVENT_STORE, EventStore } from '@tracker/event-store';
import { CallStateFolder } from '@tracker/call-stream';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { storeCommitObserver } from './store-metrics';

const openStore = async (config: AppConfig, metrics: TrackerMetrics): Promise<EventStore> => {
  const logger = new Logger('EventStore');
  if (config.store.kind === 'esdb') {
    logger.log('using EventStoreDB');
    return EsdbEventStore.connect(config.store.connectionString);
  }
  logger.log(`using the embedded store at ${config.store.path}`);
  const store = EmbeddedEventStore.open({
    path: config.store.path,
    onCommit: storeCommitObserver(metrics.registry),
  });
  metrics.threads.set('store_writer', () => store.writerThreadId);
  return store;
};

/**
 * With fan-out on and the publisher on this thread (KAFKA_PUBLISHER=inline), the write side hands
 * the state after each event it appended to the Kafka record mapper. Enough for the publisher to be some seconds behind at a thousand events a second; past
 * that the mapper folds from the store, as after a restart.
 */
const HAND_OVER_CAPACITY = 20_000;

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, inject: [APP_CONFIG, TrackerMetrics], useFactory: openStore },
    {
      // The one fold of call streams in this process: the write side and the Kafka mapper share it.
      provide: CallStateFolder,
      inject: [EVENT_STORE, APP_CONFIG],
      useFactory: (store: EventStore, config: AppConfig) =>
        new CallStateFolder(store, {
          handOverCapacity: config.kafka?.publisher === 'inline' ? HAND_OVER_CAPACITY : 0,
        }),
    },
  ],
  exports: [EVENT_STORE, CallStateFolder],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
