export * from './port/event-store.port';
export * from './port/position';
export * from './port/errors';
export * from './embedded/embedded-event-store';
export { isUnavailable as isSqliteUnavailable } from './embedded/sqlite-errors';
export * from './esdb/esdb-event-store';
export * from './subscription/batches';
export * from './threads/thread-cpu';
export * from './threads/start-thread';
