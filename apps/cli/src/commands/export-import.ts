import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { callStreamName } from '@tracker/domain';
import {
  EventData,
  EventStore,
  NO_STREAM,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '@tracker/event-store';
import { CliError } from '../args';
import { headTotal } from '../context';
import { progressBar } from '../progress';

/** One line of an export: everything needed to append the event again at the same place. */
export interface ExportedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  readonly revision: number;
}

const toLine = (e: RecordedEvent): string =>
  `${JSON.stringify({
    streamId: e.streamId,
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    revision: Number(e.revision),
  } satisfies ExportedEvent)}\n`;

const write = async (out: Writable, text: string): Promise<void> => {
  if (!out.write(text)) await once(out, 'drain');
};

/** Writes the events of one call (or of the whole store) as NDJSON; returns how many. */
export const exportEvents = async (
  store: EventStore,
  what: { callId: string } | 'all',
  outFile: string | undefined,
): Promise<number> => {
  const out: Writable = outFile ? createWriteStream(outFile) : process.stdout;
  let count = 0;
  try {
    if (what === 'all') {
      const bar = progressBar('export', await headTotal(store));
      try {
        for await (const event of store.readAll()) {
          await write(out, toLine(event));
          count += 1;
          bar.increment();
        }
      } finally {
        bar.stop();
      }
    } else {
      const events = await store.readStream(callStreamName(what.callId));
      if (events.length === 0) throw new CliError(`no events stored for call ${what.callId}`);
      for (const event of events) await write(out, toLine(event));
      count = events.length;
    }
  } finally {
    if (outFile) {
      out.end();
      await once(out, 'finish');
    }
  }
  return count;
};

const parseLine = (text: string, line: number): ExportedEvent => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`line ${line}: not JSON`);
  }
  const e = value as Partial<ExportedEvent>;
  const problem =
    typeof e !== 'object' || e === null
      ? 'not an object'
      : typeof e.streamId !== 'string' || e.streamId === ''
        ? 'streamId must be a non-empty string'
        : typeof e.id !== 'string'
          ? 'id must be a string'
          : typeof e.type !== 'string'
            ? 'type must be a string'
            : !Number.isSafeInteger(e.revision) || (e.revision as number) < 0
              ? 'revision must be an integer >= 0'
              : e.metadata !== undefined && (typeof e.metadata !== 'object' || e.metadata === null)
                ? 'metadata must be an object'
                : undefined;
  if (problem) throw new CliError(`line ${line}: ${problem}`);
  return e as ExportedEvent;
};

const countLines = async (file: string): Promise<number> => {
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (line.trim() !== '') count += 1;
  return count;
};

export interface ImportSummary {
  readonly imported: number;
  readonly skipped: number;
  readonly streams: number;
}

interface Pending {
  streamId: string;
  first: number;
  firstLine: number;
  /** Already at that place in the store: the append is only an idempotency check. */
  stored: boolean;
  events: EventData[];
}

/**
 * Appends every event of an export at its own revision (expected revision = revision - 1, or
 * no_stream for 0). Events already stored at that place with the same ids are an idempotent
 * success and count as skipped; a different event there is a conflict and stops the import.
 * Consecutive lines of one stream are appended together.
 */
export const importEvents = async (
  store: EventStore,
  file: string,
  batchSize = 500,
): Promise<ImportSummary> => {
  try {
    await once(createReadStream(file), 'open');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const bar = progressBar('import', await countLines(file));
  const heads = new Map<string, number>();
  const head = async (streamId: string): Promise<number> => {
    let known = heads.get(streamId);
    if (known === undefined) {
      const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      known = last ? Number(last.revision) : -1;
      heads.set(streamId, known);
    }
    return known;
  };
  let imported = 0;
  let skipped = 0;
  let pending: Pending | undefined;

  const flush = async () => {
    if (!pending) return;
    const { streamId, first, firstLine, stored, events } = pending;
    pending = undefined;
    try {
      await store.appendToStream(streamId, events, first === 0 ? NO_STREAM : BigInt(first - 1));
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) {
        throw new CliError(
          `line ${firstLine}: stream ${streamId} already holds different events at revision ${first} (${error.message})`,
        );
      }
      throw error;
    }
    if (stored) skipped += events.length;
    else {
      imported += events.length;
      heads.set(streamId, Math.max(await head(streamId), first + events.length - 1));
    }
    bar.increment(events.length);
  };

  try {
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file),
      crlfDelay: Infinity,
    })) {
      line += 1;
      if (text.trim() === '') continue;
      const e = parseLine(text, line);
      const stored = e.revision <= (await head(e.streamId));
      const data: EventData = { id: e.id, type: e.type, data: e.data, metadata: e.metadata };
      if (
        pending &&
        pending.streamId === e.streamId &&
        pending.stored === stored &&
        pending.first + pending.events.length === e.revision &&
        pending.events.length < batchSize
      ) {
        pending.events.push(data);
        continue;
      }
      await flush();
      if (!stored && e.revision !== (await head(e.streamId)) + 1) {
        throw new CliError(
          `line ${line}: stream ${e.streamId} is at revision ${await head(e.streamId)}, cannot append revision ${e.revision} (events missing before it)`,
        );
      }
      pending = {
        streamId: e.streamId,
        first: e.revision,
        firstLine: line,
        stored,
        events: [data],
      };
    }
    await flush();
  } finally {
    bar.stop();
  }
  return { imported, skipped, streams: heads.size };
};
