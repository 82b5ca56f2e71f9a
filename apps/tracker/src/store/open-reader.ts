import { EmbeddedEventStore, EsdbEventStore, EventStore } from '@tracker/event-store';
import type { AppConfig } from '../config/config';

/** A worker thread's own read-only view of the store (the process's writes stay on the main thread). */
export const openReader = async (store: AppConfig['store']): Promise<EventStore> =>
  store.kind === 'esdb'
    ? EsdbEventStore.connect(store.connectionString)
    : EmbeddedEventStore.open({ path: store.path, readOnly: true });
