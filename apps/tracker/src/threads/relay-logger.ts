/** What a worker thread sends its parent to log, in the parent's logger. */
export interface LogMessage {
  readonly kind: 'log';
  readonly level: 'log' | 'warn' | 'error';
  readonly message: string;
}

/** A logger for worker-thread code that hands every line to the parent (`send`). */
export const relayLogger = (send: (message: LogMessage) => void) => ({
  log: (message: string) => send({ kind: 'log', level: 'log', message }),
  warn: (message: string) => send({ kind: 'log', level: 'warn', message }),
  error: (message: string) => send({ kind: 'log', level: 'error', message }),
});
