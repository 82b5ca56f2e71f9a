export * from './stored-call-event';
export * from './state-cache';
export * from './call-state-folder';
export * from './call-command-handler';
export * from './retry-backoff';
export * from './stream-contended.error';
