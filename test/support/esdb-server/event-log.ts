/**
 * The in-memory log behind the EventStoreDB protocol test server: streams, $all, expected-revision
 * checks and idempotent appends, as EventStoreDB 20+ decides them (its IndexWriter/CheckCommit and
 * request manager, read in its public sources). No gRPC here; `grpc-server.ts` maps it onto the wire.
 *
 * Where this differs from a real server, or where its behaviour was not certain, the comment says so.
 */

/** One recorded event. */
export interface StoredEvent {
  readonly streamName: string;
  /** Lower-case UUID string. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly revision: bigint;
  /**
   * Log position of the event's record. Every append here is an implicit transaction, for which
   * EventStoreDB reports commit = prepare = the record's own log position on $all reads.
   */
  readonly position: bigint;
  /** "created": 100 ns ticks since the Unix epoch, as the server sends it. */
  readonly createdTicks: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | {
      readonly kind: 'success';
      /** Undefined: the stream still does not exist (an empty append to a missing stream). */
      readonly currentRevision: bigint | undefined;
      /** Undefined for an append that wrote nothing and pointed at nothing (empty appends). */
      readonly position: bigint | undefined;
      /** Events written by this append: 0 for an idempotent (already stored) append. */
      readonly written: number;
    }
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: bigint | undefined };

export type From = 'start' | 'end' | bigint;

/** A $all position as the client sends it. Ours always have commit = prepare. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

const compare = (event: StoredEvent, at: LogPosition): number =>
  event.position !== at.commit
    ? event.position > at.commit
      ? 1
      : -1
    : event.position === at.prepare
      ? 0
      : event.position > at.prepare
        ? 1
        : -1;

/**
 * The first log position. A real log starts with its epoch and system records; starting past 0 keeps
 * clients from mistaking position 0 for "nothing".
 */
const FIRST_POSITION = 4096n;
/** Fixed cost of one prepare record besides its variable parts (header, ids, flags), roughly. */
const RECORD_OVERHEAD = 120;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

export class EventLog {
  /** Every event, in log order. */
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly idsByStream = new Map<string, Map<string, StoredEvent>>();
  private readonly listeners = new Set<() => void>();
  private nextPosition = FIRST_POSITION;
  private lastCreatedTicks = 0n;

  /**
   * A fresh log starts with system events, as a real node's does (its settings and default users):
   * clients must tell them from their own.
   */
  constructor() {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const system = (streamName: string, type: string, data: unknown) =>
      this.write(streamName, [
        {
          id: crypto.randomUUID(),
          type,
          contentType: 'application/json',
          data: json(data),
          customMetadata: new Uint8Array(),
        },
      ]);
    system('$settings', 'update-default-acl', { $userStreamAcl: { $r: '$all' } });
    system('$users', '$UserCreated', { LoginName: 'admin' });
    system('$user-admin', '$user', { loginName: 'admin', fullName: 'Event Store Administrator' });
  }

  stream(name: string): readonly StoredEvent[] {
    return this.streams.get(name) ?? [];
  }

  /** Called after every write; returns the unsubscribe function. */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(
    streamName: string,
    expected: Expected,
    proposed: readonly ProposedEvent[],
  ): AppendOutcome {
    const existing = this.stream(streamName);
    const current = existing.length > 0 ? BigInt(existing.length - 1) : -1n;
    const currentRevision = current >= 0n ? current : undefined;
    const wrong = { kind: 'wrong_expected_version', currentRevision } as const;
    const nothingWritten = {
      kind: 'success',
      currentRevision,
      // What a real server reports as the position of an append that writes nothing is not
      // certain; the client ignores it (the tracker's adapter reads the stream's head instead).
      position: undefined,
      written: 0,
    } as const;

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      if (expected.kind === 'stream_exists' && current < 0n) return wrong;
      if (proposed.length === 0) return nothingWritten;
      // Idempotency by event id anywhere in the stream. A real server looks the ids up in a bounded
      // cache of recently committed events (so with `any` an old redelivery can be written twice);
      // this log remembers every id.
      const ids = this.idsByStream.get(streamName);
      const found = proposed.map((event) => ids?.get(event.id));
      if (found[0] === undefined) return this.write(streamName, proposed);
      // Part of the batch stored, part not: EventStoreDB calls this corrupted idempotency and
      // answers WrongExpectedVersion.
      if (found.some((event) => event === undefined)) return wrong;
      const last = found.at(-1)!;
      return {
        kind: 'success',
        currentRevision: last.revision,
        position: last.position,
        written: 0,
      };
    }

    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision === current) {
      return proposed.length === 0 ? nothingWritten : this.write(streamName, proposed);
    }
    if (expectedRevision > current || proposed.length === 0) return wrong;
    // The expected revision is behind: idempotent when exactly these events follow it already.
    for (let i = 0; i < proposed.length; i++) {
      const stored = existing[Number(expectedRevision) + 1 + i];
      if (stored?.id !== proposed[i].id) return wrong;
    }
    const last = existing[Number(expectedRevision) + proposed.length];
    // The reply names the last of *these* events, not the stream's head (the request manager answers
    // with the idempotent range's last event number and its log position, servers 20.6 and later).
    return { kind: 'success', currentRevision: last.revision, position: last.position, written: 0 };
  }

  readStream(
    streamName: string,
    from: From,
    direction: 'forwards' | 'backwards',
    maxCount: bigint,
  ): readonly StoredEvent[] | 'not_found' {
    const events = this.streams.get(streamName);
    if (!events) return 'not_found';
    const count = Number(maxCount > BigInt(events.length) ? BigInt(events.length) : maxCount);
    if (direction === 'forwards') {
      const start = from === 'start' ? 0 : from === 'end' ? events.length : Number(from);
      return events.slice(start, start + count);
    }
    const last = events.length - 1;
    const start = from === 'end' ? last : from === 'start' ? 0 : Math.min(Number(from), last);
    return events.slice(Math.max(0, start - count + 1), start + 1).reverse();
  }

  /**
   * $all. Forwards from a position includes the event at it; backwards from a position starts with
   * the event before it (as a log reader reads the record before a position backwards). Whether a
   * real server's backwards read includes the event at the position is not certain.
   */
  readAll(
    from: 'start' | 'end' | LogPosition,
    direction: 'forwards' | 'backwards',
    maxCount: bigint,
  ): readonly StoredEvent[] {
    const count = Number(maxCount > BigInt(this.all.length) ? BigInt(this.all.length) : maxCount);
    if (direction === 'forwards') {
      const start =
        from === 'start' ? 0 : from === 'end' ? this.all.length : this.indexAtOrAfter(from);
      return this.all.slice(start, start + count);
    }
    const end = from === 'end' ? this.all.length : from === 'start' ? 0 : this.indexAtOrAfter(from);
    return this.all.slice(Math.max(0, end - count), end).reverse();
  }

  /** Index of the first event at or after `at` in log order (binary search: positions only grow). */
  indexAtOrAfter(at: LogPosition): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(this.all[middle], at) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first event strictly after `at`: where a subscription from `at` starts. */
  indexAfter(at: LogPosition): number {
    const index = this.indexAtOrAfter(at);
    return index < this.all.length && compare(this.all[index], at) === 0 ? index + 1 : index;
  }

  private write(streamName: string, proposed: readonly ProposedEvent[]): AppendOutcome {
    let events = this.streams.get(streamName);
    if (!events) this.streams.set(streamName, (events = []));
    let ids = this.idsByStream.get(streamName);
    if (!ids) this.idsByStream.set(streamName, (ids = new Map()));
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      last = {
        streamName,
        id: event.id,
        type: event.type,
        contentType: event.contentType,
        data: event.data,
        customMetadata: event.customMetadata,
        revision: BigInt(events.length),
        position: this.nextPosition,
        createdTicks: this.nextCreatedTicks(),
      };
      // Positions are byte offsets in a real log: they grow by the record's size, not by one.
      this.nextPosition += BigInt(
        RECORD_OVERHEAD +
          utf8(streamName) +
          utf8(event.type) +
          event.data.length +
          event.customMetadata.length,
      );
      events.push(last);
      ids.set(event.id, last);
      this.all.push(last);
    }
    for (const listener of this.listeners) listener();
    return {
      kind: 'success',
      currentRevision: last!.revision,
      position: last!.position,
      written: proposed.length,
    };
  }

  private nextCreatedTicks(): bigint {
    const now = BigInt(Date.now()) * 10_000n;
    this.lastCreatedTicks = now > this.lastCreatedTicks ? now : this.lastCreatedTicks + 1n;
    return this.lastCreatedTicks;
  }
}
