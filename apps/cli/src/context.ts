import { existsSync } from 'node:fs';
import {
  EmbeddedEventStore,
  EsdbEventStore,
  EventStore,
  RecordedEvent,
} from '@tracker/event-store';
import { AppConfig, ConfigError, loadConfig } from '@tracker/config';
import { CliError, UsageError } from './args';

/** The service's configuration, from the same environment variables. */
export const cliConfig = (env: NodeJS.ProcessEnv = process.env): AppConfig => {
  try {
    // The CLI serves no requests, so webhook authentication settings do not concern it.
    return loadConfig({ ...env, AUTH_MODE: 'none', NODE_ENV: undefined });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`invalid configuration: ${error.problems.join('; ')}`);
    throw error;
  }
};

/**
 * Opens the store the service uses (see apps/tracker/src/store/store.module.ts). Commands that only
 * read refuse a missing embedded file instead of creating an empty store somewhere unexpected.
 */
export const openStore = async (
  config: AppConfig,
  options: { mustExist: boolean },
): Promise<EventStore> => {
  if (config.store.kind === 'esdb') return EsdbEventStore.connect(config.store.connectionString);
  if (options.mustExist && !existsSync(config.store.path)) {
    throw new CliError(`no event store at ${config.store.path} (set STORE_PATH)`);
  }
  return EmbeddedEventStore.open({ path: config.store.path });
};

/** When an event happened for the tracker: its `metadata.recordedAt`, else the store's time. */
export const eventTime = (event: RecordedEvent): string => {
  const recordedAt = event.metadata.recordedAt;
  return typeof recordedAt === 'string' && !Number.isNaN(Date.parse(recordedAt))
    ? recordedAt
    : event.created.toISOString();
};

/** Total for a progress bar over the whole store: the embedded store numbers events 1..N. */
export const headTotal = async (store: EventStore): Promise<number | undefined> => {
  if (!(store instanceof EmbeddedEventStore)) return undefined;
  const head = await store.headPosition();
  return head === undefined ? 0 : Number(head.commit);
};

/** Groups an async iterable into arrays of at most `size`. */
export async function* chunks<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of source) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
