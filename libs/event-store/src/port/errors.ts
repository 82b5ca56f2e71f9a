import type { ExpectedRevision } from './event-store.port';

/** Optimistic concurrency: the stream is not at the revision the writer expected. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream "${streamId}": expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The store cannot serve the request now (server down, disk full, file locked): retry later. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The store was asked for something the caller got wrong (bad id, bad JSON): do not retry. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}
