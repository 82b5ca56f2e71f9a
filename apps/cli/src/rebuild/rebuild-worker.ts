import { parentPort, workerData } from 'node:worker_threads';
import { callIdFromStreamName, evolveAll } from '@tracker/domain';
import { EmbeddedEventStore } from '@tracker/event-store';
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
const port = parentPort!;
const send = (message: FromFoldThread) => port.postMessage(message);

let inFlight = 0;
let written: (() => void) | undefined;
port.on('message', (message: ToFoldThread) => {
  if (message.type !== 'written') return;
  inFlight -= 1;
  written?.();
});
const roomToSend = async () => {
  while (inFlight >= MESSAGES_IN_FLIGHT) await new Promise<void>((r) => (written = r));
};

const run = async () => {
  const store = EmbeddedEventStore.open({ path: data.storePath, readOnly: true });
  const upTo = BigInt(data.upTo);
  let calls: CallRows[] = [];
  let events = 0;
  const flush = async () => {
    await roomToSend();
    inFlight += 1;
    send({ type: 'rows', calls, events });
    calls = [];
    events = 0;
  };
  try {
    for (const streamId of data.streamIds) {
      try {
        const stream = (await store.readStream(streamId)).filter((e) => e.position.commit <= upTo);
        events += stream.length;
        // Other streams (an import may bring any) are counted, as the in-order fold counts them,
        // and not projected.
        if (stream.length === 0 || callIdFromStreamName(streamId) === undefined) continue;
        const state = evolveAll(stream.map(toCallEvent));
        const revision = stream[stream.length - 1].revision;
        calls.push(toCallRows(toCallWrite(state, revision, data.bounds)));
      } catch (error) {
        throw new Error(`stream ${streamId}: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      }
      if (calls.length >= data.callsPerMessage) await flush();
    }
    if (calls.length > 0 || events > 0) await flush();
  } finally {
    await store.close();
  }
  // The writer handles messages in order: by the time it reads this, every row is written.
  send({ type: 'done' });
};

run().catch((error: Error) => send({ type: 'failed', message: error?.message ?? String(error) }));
