import type { MessagePort } from 'node:worker_threads';

/**
 * Messages between the embedded store and its writer thread (`embedded-writer.worker.js`).
 * Revisions cross as decimal strings; positions are SQLite rowids (numbers).
 */

/** An event as the writer inserts it: id in its stored (lower-case) form, data already JSON. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface WriterAppend {
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  /** 'no_stream', 'any', or the expected revision in decimal. */
  readonly expected: string;
}

export type WriterRequest =
  | {
      readonly kind: 'commit';
      readonly id: number;
      readonly appends: readonly WriterAppend[];
      readonly now: number;
    }
  | { readonly kind: 'probe'; readonly id: number }
  /** Wake a reader thread on `port` after each commit that wrote events (commit-wake.ts). */
  | {
      readonly kind: 'follow';
      readonly id: number;
      readonly port: MessagePort;
      readonly shared: SharedArrayBuffer;
    }
  | { readonly kind: 'close'; readonly id: number };

export type AppendOutcome =
  | {
      readonly ok: true;
      readonly nextExpectedRevision: string;
      readonly position: number;
      readonly alreadyStored: boolean;
      /** Events written by this append (absent when it wrote none). */
      readonly wrote?: number;
    }
  | { readonly ok: false; readonly actual: string };

export type WriterReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly outcomes?: readonly AppendOutcome[];
      readonly commitMs?: number;
      /** Reader threads the writer wakes after a commit (commit and follow replies). */
      readonly followers?: number;
      /** The writer thread's Linux id (constant), for its CPU metric. */
      readonly osThreadId?: number;
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly message: string; readonly code?: string };
    };
