import type {
  AllStreamRecordedEvent,
  EventStoreDBClient,
  ExpectedRevision as EsdbExpectedRevision,
  JSONType,
} from '@eventstore/db-client';
import { esdb } from './esdb-client';
import { InvalidAppendError, StoreUnavailableError } from '../port/errors';
import {
  ANY,
  NO_STREAM,
  type AppendResult,
  type Direction,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreSubscription,
  type SubscribeOptions,
} from '../port/event-store.port';
import { comparePositions, type StorePosition } from '../port/position';
import { isSystemEvent, toRecordedEvent, translateError } from './esdb-mapping';
import { EsdbSubscription } from './esdb-subscription';

const READ_ALL_PAGE_SIZE = 256;
// The head is nearly always a user event, so a small backwards page usually suffices.
const HEAD_PAGE_SIZE = 16;
// Reads carry no gRPC deadline in this client, so a half-open connection would hang a ping forever.
const PING_TIMEOUT_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** EventStore port on EventStoreDB (gRPC client v6). */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();
  /** The newest store position this client has seen (appended, read or delivered). */
  private newestSeen?: StorePosition;

  constructor(private readonly client: EventStoreDBClient) {}

  /**
   * The client connects lazily and reconnects by itself, so this does not wait for the server:
   * use ping() to check it is reachable.
   */
  static async connect(connectionString: string): Promise<EsdbEventStore> {
    return new EsdbEventStore(esdb().EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamId: string,
    events: readonly EventData[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const proposed = events.map(toProposedEvent);
    // Taken before the request leaves: every event seen so far existed before this append.
    const seenBefore = this.newestSeen;
    try {
      const result = await this.client.appendToStream(streamId, proposed, {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
      // An empty append only checks the expected revision, and ESDB then reports revision 0 even
      // for a missing stream: answer from the stream's head, as the embedded store does.
      if (proposed.length === 0) return await this.streamHead(streamId);
      const reported = result.position
        ? { commit: result.position.commit, prepare: result.position.prepare }
        : undefined;
      // For a batch the server reports the write's position, which need not be the last event's
      // position as $all reports it on every server version: read it back.
      const position =
        proposed.length === 1 && reported
          ? reported
          : await this.positionOf(streamId, result.nextExpectedRevision);
      this.noteSeen(position);
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position,
        alreadyStored: wasAlreadyStored(reported, seenBefore),
      };
    } catch (error) {
      throw this.failed(
        translateError(error, `append to "${streamId}"`, { streamId, expected: expectedRevision }),
      );
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction = 'forwards', fromRevision, maxCount } = options;
    if (maxCount !== undefined && maxCount <= 0) return [];
    const backwards = direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? esdb().BACKWARDS : esdb().FORWARDS,
        fromRevision: fromRevision ?? (backwards ? esdb().END : esdb().START),
        maxCount,
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.event.position));
      }
      for (const event of events) this.noteSeen(event.position);
    } catch (error) {
      if (error instanceof esdb().StreamNotFoundError) return [];
      throw this.failed(translateError(error, `read "${streamId}"`));
    }
    return events;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    let remaining = options.maxCount ?? Infinity;
    if (remaining <= 0) return;
    for await (const event of this.scanAll('forwards', options.after, READ_ALL_PAGE_SIZE)) {
      if (isSystemEvent(event)) continue;
      yield toRecordedEvent(event, event.position);
      if (--remaining <= 0) return;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): StoreSubscription {
    const subscription: EsdbSubscription = new EsdbSubscription(
      () =>
        this.client.subscribeToAll({
          fromPosition: options.after ?? esdb().START,
          filter: esdb().excludeSystemEvents(),
        }),
      options.after,
      () => this.subscriptions.delete(subscription),
      (position) => this.noteSeen(position),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<StorePosition | undefined> {
    for await (const event of this.scanAll('backwards', undefined, HEAD_PAGE_SIZE)) {
      if (!isSystemEvent(event)) return { ...event.position };
    }
    return undefined;
  }

  async ping(): Promise<void> {
    const read = this.client.readAll({
      direction: esdb().BACKWARDS,
      fromPosition: esdb().END,
      maxCount: 1,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreUnavailableError(`EventStoreDB did not answer within ${PING_TIMEOUT_MS} ms`),
          ),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([read.toArray(), timeout]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      const mapped = this.failed(translateError(error, 'ping'));
      throw mapped instanceof StoreUnavailableError
        ? mapped
        : new StoreUnavailableError(`EventStoreDB ping failed: ${messageOf(error)}`, error);
    } finally {
      clearTimeout(timer);
      await read.cancel().catch(() => undefined);
      read.destroy();
    }
  }

  async close(): Promise<void> {
    // dispose() cancels the subscriptions' gRPC calls, which alone would leave their iterators hanging.
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /**
   * Raw $all records strictly beyond `from` in `direction`, paged so a large store is never read
   * in one call. The client's readAll has no server-side filter, hence raw records.
   */
  private async *scanAll(
    direction: Direction,
    from: StorePosition | undefined,
    pageSize: number,
  ): AsyncGenerator<AllStreamRecordedEvent> {
    const forwards = direction === 'forwards';
    let cursor = from;
    for (;;) {
      const page = this.client.readAll({
        direction: forwards ? esdb().FORWARDS : esdb().BACKWARDS,
        fromPosition: cursor ?? (forwards ? esdb().START : esdb().END),
        maxCount: pageSize,
      });
      // Each page is read to its end before anything is yielded. A consumer that stops early would
      // otherwise leave a page the server already finished sending half read: the client then holds
      // the call's final status behind the unread messages, and dispose() waits for it forever.
      let resolvedPage: Awaited<ReturnType<typeof page.toArray>>;
      try {
        resolvedPage = await page.toArray();
      } catch (error) {
        throw this.failed(translateError(error, 'read $all'));
      }
      const received = resolvedPage.length;
      let advanced = false;
      for (const resolved of resolvedPage) {
        const event = resolved.event;
        if (!event) continue;
        // fromPosition is inclusive: each page starts with the previous page's last record.
        const order = cursor ? comparePositions(event.position, cursor) : forwards ? 1 : -1;
        if (forwards ? order <= 0 : order >= 0) continue;
        cursor = event.position;
        advanced = true;
        this.noteSeen(event.position);
        yield event;
      }
      if (received < pageSize || !advanced) return;
    }
  }

  /**
   * The server went away: what comes back may be another one (a wiped node, a restored backup)
   * whose positions do not continue these, so what was seen no longer proves anything.
   */
  private failed(error: unknown): unknown {
    if (error instanceof StoreUnavailableError) this.newestSeen = undefined;
    return error;
  }

  private noteSeen(position: StorePosition): void {
    if (!this.newestSeen || comparePositions(position, this.newestSeen) > 0) {
      this.newestSeen = position;
    }
  }

  private async streamHead(streamId: string): Promise<AppendResult> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last
      ? { nextExpectedRevision: last.revision, position: last.position, alreadyStored: false }
      : { nextExpectedRevision: -1n, position: { commit: 0n, prepare: 0n }, alreadyStored: false };
  }

  private async positionOf(streamId: string, revision: bigint): Promise<StorePosition> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`event ${revision} of "${streamId}" vanished after the append`);
    return event.position;
  }
}

/**
 * EventStoreDB answers an idempotent append (the same event ids already where the append would put
 * them) with the same Success message as a fresh write: no flag says which it was. Servers since
 * 20.6 put the stored events' own position in it, older ones and a deleted stream none. A fresh
 * write always lands after every event that existed when it was sent, so a reported position at or
 * before the newest one this client had already seen proves the events were stored before; so does
 * a success without a position. A redelivery stored by another client that this one has not seen yet
 * is reported as new (nothing is stored twice; only the writer's duplicate count differs).
 */
const wasAlreadyStored = (
  reported: StorePosition | undefined,
  seenBefore: StorePosition | undefined,
): boolean =>
  reported === undefined ||
  (seenBefore !== undefined && comparePositions(reported, seenBefore) <= 0);

const toEsdbExpectedRevision = (expected: ExpectedRevision): EsdbExpectedRevision =>
  expected === NO_STREAM ? esdb().NO_STREAM : expected === ANY ? esdb().ANY : expected;

// Checked here because the client fails on these with a bare TypeError or a server round trip.
const toProposedEvent = (event: EventData) => {
  if (!UUID.test(event.id)) throw new InvalidAppendError(`event id "${event.id}" is not a UUID`);
  let json: string | undefined;
  try {
    json = JSON.stringify(event.data);
  } catch (error) {
    throw new InvalidAppendError(`event ${event.id}: data is not JSON: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (json === undefined) throw new InvalidAppendError(`event ${event.id}: data is not JSON`);
  return esdb().jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data as JSONType,
    metadata: event.metadata,
  });
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
