import { randomUUID } from 'node:crypto';

/**
 * A workload of Graph notifications for distinct calls, several updates per call. Every
 * notification carries a unique `clientState` tag (`<run>:<call>:<step>`), which Graph sends back
 * as given and the tracker stores with the notification, so each one can be found again in the
 * store. The tag also makes every notification's content, hence its key, unique: none is a
 * redelivery of another.
 */
export interface WorkItem {
  readonly tag: string;
  /** Canonical call id (lower-case dashed). */
  readonly callId: string;
  readonly step: number;
  /** One `commsNotification` (not a batch). */
  readonly notification: Record<string, unknown>;
}

export interface WorkloadCall {
  readonly callId: string;
  readonly rawCallId: string;
  readonly operationId: string;
  readonly items: readonly WorkItem[];
}

const participant = (id: string, isMuted: boolean) => ({
  '@odata.type': '#microsoft.graph.participant',
  id,
  info: {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: { user: { id: `user-${id}`, displayName: `User ${id}` } },
  },
  isMuted,
});

/** establishing → established → roster → playPrompt completed → roster change → terminated. */
export const STEPS_PER_CALL = 6;

export const buildWorkload = (calls: number, run = randomUUID().slice(0, 8)): WorkloadCall[] =>
  Array.from({ length: calls }, (_, c) => {
    const callId = randomUUID();
    const rawCallId = callId.replace(/-/g, '').toUpperCase();
    const operationId = randomUUID();
    const rawOperationId = operationId.replace(/-/g, '').toUpperCase();
    const callUrl = `/communications/calls/${rawCallId}`;
    const bodies: Array<Record<string, unknown>> = [
      {
        changeType: 'updated',
        resourceUrl: callUrl,
        resourceData: { '@odata.type': '#microsoft.graph.call', state: 'establishing' },
      },
      {
        changeType: 'updated',
        resourceUrl: callUrl,
        resourceData: { '@odata.type': '#microsoft.graph.call', state: 'established' },
      },
      {
        changeType: 'updated',
        resourceUrl: `${callUrl}/participants`,
        resourceData: [participant('a', false), participant('b', false)],
      },
      {
        changeType: 'deleted',
        resourceUrl: `${callUrl}/operations/${rawOperationId}`,
        resourceData: {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 0 },
          clientContext: `ctx-${c}`,
          status: 'completed',
        },
      },
      {
        changeType: 'updated',
        resourceUrl: `${callUrl}/participants`,
        resourceData: [participant('a', false), participant('b', true)],
      },
      {
        changeType: 'deleted',
        resourceUrl: callUrl,
        resourceData: {
          '@odata.type': '#microsoft.graph.call',
          state: 'terminated',
          resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: 200, subcode: 5001 },
        },
      },
    ];
    return {
      callId,
      rawCallId,
      operationId,
      items: bodies.map((body, step) => {
        const tag = `${run}:${c}:${step}`;
        return {
          tag,
          callId,
          step,
          notification: {
            '@odata.type': '#microsoft.graph.commsNotification',
            clientState: tag,
            ...body,
          },
        };
      }),
    };
  });

export const graphBatch = (items: readonly WorkItem[]) => ({
  '@odata.type': '#microsoft.graph.commsNotifications',
  value: items.map((i) => i.notification),
});

/** What one POST of a batch came to. */
export type PostOutcome =
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly body: { accepted?: number; duplicates?: number; skipped?: number } | undefined;
    }
  | { readonly kind: 'failed'; readonly error: string };

/** POSTs a Graph batch to `base` (bounded in time: a hung request is a failure, not a hang). */
export const postBatch = async (
  base: string,
  items: readonly WorkItem[],
  timeoutMs = 20_000,
): Promise<PostOutcome> => {
  try {
    const response = await fetch(`${base}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(graphBatch(items)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { raw: text } as never;
    }
    return { kind: 'reply', status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'failed', error: `${(error as Error).message}${cause ? ` (${cause})` : ''}` };
  }
};

/** The ledger of a load run: which notifications got a 202, and every other answer. */
export class Ledger {
  readonly acked = new Set<string>();
  readonly failed: Array<{ tags: string[]; error: string }> = [];
  readonly rejected: Array<{ tags: string[]; status: number; body: unknown }> = [];
  accepted = 0;
  duplicates = 0;
  posts = 0;

  record(items: readonly WorkItem[], outcome: PostOutcome): boolean {
    this.posts += 1;
    const tags = items.map((i) => i.tag);
    if (outcome.kind === 'failed') {
      this.failed.push({ tags, error: outcome.error });
      return false;
    }
    if (outcome.status !== 202) {
      this.rejected.push({ tags, status: outcome.status, body: outcome.body });
      return false;
    }
    for (const tag of tags) this.acked.add(tag);
    this.accepted += outcome.body?.accepted ?? 0;
    this.duplicates += outcome.body?.duplicates ?? 0;
    return true;
  }
}

/**
 * Sends `calls` with `concurrency` workers. A worker takes the next call and posts its remaining
 * notifications one request at a time, in order (a webhook sender's per-call order). `target`
 * picks the service per request. Stops taking new work once `shouldStop()` says so or a request
 * fails; returns the notifications not acknowledged (in per-call order).
 */
export const runLoad = async (options: {
  readonly calls: readonly WorkloadCall[];
  readonly concurrency: number;
  readonly target: (item: WorkItem) => string;
  readonly ledger: Ledger;
  /** Items to skip (already acknowledged). */
  readonly skip?: ReadonlySet<string>;
  readonly stopOnFailure?: boolean;
  readonly shouldStop?: () => boolean;
  /** Called after each recorded outcome, e.g. to inject a fault after so many 202s. */
  readonly onOutcome?: (ledger: Ledger) => void;
  /**
   * Called as each request is started, before its answer: a fault injected here is sure to find
   * that request in flight (with group commit, the answers of all the senders can arrive together,
   * leaving none in flight right after an outcome).
   */
  readonly onSend?: (ledger: Ledger) => void;
}): Promise<void> => {
  const queue = [...options.calls];
  let halted = false;
  const worker = async () => {
    for (;;) {
      if (halted || options.shouldStop?.()) return;
      const call = queue.shift();
      if (!call) return;
      for (const item of call.items) {
        if (options.skip?.has(item.tag)) continue;
        if (halted || options.shouldStop?.()) return;
        const answer = postBatch(options.target(item), [item]);
        options.onSend?.(options.ledger);
        const ok = options.ledger.record([item], await answer);
        options.onOutcome?.(options.ledger);
        if (!ok) {
          if (options.stopOnFailure) halted = true;
          break; // keep per-call order: the rest of this call waits for a later run
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
};
