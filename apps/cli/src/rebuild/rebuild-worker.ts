import { parentPort, workerData } from 'node:worker_threads';
import { callIdFromStreamName, evolveAll } from '@tracker/domain';
import { EmbeddedEventStore, WholeStream } from '@tracker/event-store';
import { toCallEvent } from '@tracker/call-stream';
import { CallRows, toCallRows, toCallWrite } from '@tracker/read-model';
import {
  FoldThreadData,
  FromFoldThread,
  MESSAGES_IN_FLIGHT,
  ToFoldThread,
} from './rebuild-protocol';

/**
 * A fold thread of the rebuild: reads each of its calls' streams whole, folds it once, serialises
 * the call's rows and hands them to the writer (the main thread), which owns the new read model.
 * A call is written once, whatever the order its events were stored in.
 */
const data = workerData as FoldThreadData;
/** Streams per query: 50 and 200 read equally fast, and 50 keeps the strings small. */
const STREAMS_PER_READ = 50;
const port = parentPort!;
const send = (message: FromFoldThread) => port.postMessage(message);

const stopFlag = new Int32Array(data.stop);
const stopped = () => Atomics.load(stopFlag, 0) === 1;

let inFlight = 0;
let written: (() => void) | undefined;
port.on('message', (message: ToFoldThread) => {
  if (message.type === 'written') inFlight -= 1;
  written?.();
});
const roomToSend = async () => {
  while (inFlight >= MESSAGES_IN_FLIGHT && !stopped()) {
    await new Promise<void>((r) => (written = r));
  }
};

const run = async () => {
  const store = EmbeddedEventStore.open({ path: data.storePath, readOnly: true });
  const upTo = { commit: BigInt(data.upTo), prepare: BigInt(data.upTo) };
  let calls: CallRows[] = [];
  let events = 0;
  const flush = async () => {
    await roomToSend();
    inFlight += 1;
    send({ type: 'rows', calls, events });
    calls = [];
    events = 0;
  };
  const fold = async (stream: WholeStream) => {
    events += stream.events.length;
    // Other streams (an import may bring any) are counted, as the in-order fold counts them, and
    // not projected.
    if (callIdFromStreamName(stream.streamId) === undefined) return;
    try {
      const state = evolveAll(stream.events.map(toCallEvent));
      calls.push(toCallRows(toCallWrite(state, stream.revision, data.bounds)));
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      throw new Error(`stream ${stream.streamId}: ${message}`, { cause: error });
    }
    if (calls.length >= data.callsPerMessage) await flush();
  };
  try {
    for (let i = 0; i < data.streamIds.length && !stopped(); i += STREAMS_PER_READ) {
      const ids = data.streamIds.slice(i, i + STREAMS_PER_READ);
      const read = store.readStreamsWhole(ids, upTo, data.maxStreamBytes);
      for (const stream of read) await fold(stream);
      if (read.length === ids.length) continue;
      // Too large to read as one text (or, rarely, nothing up to `upTo`): event by event.
      const found = new Set(read.map((stream) => stream.streamId));
      for (const streamId of ids) {
        if (found.has(streamId)) continue;
        const stored = (await store.readStream(streamId)).filter(
          (event) => event.position.commit <= upTo.commit,
        );
        if (stored.length > 0)
          await fold({ streamId, revision: stored.at(-1)!.revision, events: stored });
      }
    }
    if (!stopped() && (calls.length > 0 || events > 0)) await flush();
  } finally {
    await store.close();
  }
  // The writer handles messages in order: by the time it reads this, every row is written.
  if (!stopped()) send({ type: 'done' });
};

run()
  .catch((error: Error) => send({ type: 'failed', message: error?.message ?? String(error) }))
  // With its store closed and its port closed, the thread ends by itself.
  .finally(() => port.close());
