import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EmbeddedEventStore, EsdbEventStore, EVENT_STORE, EventStore } from '@tracker/event-store';
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
  return EmbeddedEventStore.open({
    path: config.store.path,
    onCommit: storeCommitObserver(metrics.registry),
  });
};

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, inject: [APP_CONFIG, TrackerMetrics], useFactory: openStore },
  ],
  exports: [EVENT_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
