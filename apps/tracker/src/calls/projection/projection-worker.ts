/**
 * The projection thread's entry: it follows the store and keeps the read model, so folding and the
 * read model's SQLite writes never run on the event loop that answers HTTP. It talks to its parent
 * only through messages (projection-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CommittedBatch, committedNow } from '../../metrics/committed-batch';
import { CallView, deadlineBounds } from '@tracker/domain';
import {
  followCommits,
  formatPosition,
  osThreadId as currentOsThreadId,
} from '@tracker/event-store';
import { CallProjector, ReadModelStore } from '@tracker/read-model';
import { openReader } from '../../store/open-reader';
import { relayLogger } from '../../threads/relay-logger';
import type { FromProjection, ProjectionWorkerData, ToProjection } from './projection-protocol';

const port = parentPort!;
const data = workerData as ProjectionWorkerData;
const send = (message: FromProjection) => port.postMessage(message);
const osThreadId = currentOsThreadId();

const main = async () => {
  const store = await openReader(data.store);
  const unfollow = followCommits(data.wake, store);
  const readModel = new ReadModelStore(data.readModelPath);
  let committed: CommittedBatch | undefined;
  const projector = new CallProjector(
    store,
    readModel,
    deadlineBounds(data.bounds),
    relayLogger(send),
    { onCommitted: (batch) => (committed = committedNow(batch)) },
  );
  // One message per committed batch, not one per call, and only watched calls' views: cloning
  // every view to the event loop cost it ~20 µs each while nobody watched.
  let views: CallView[] = [];
  const watching = new Map<string, () => void>();
  const watch = (callIds: readonly string[]) => {
    const wanted = new Set(callIds);
    for (const [callId, unwatch] of watching) {
      if (wanted.has(callId)) continue;
      unwatch();
      watching.delete(callId);
    }
    const current: CallView[] = [];
    for (const callId of wanted) {
      if (watching.has(callId)) continue;
      watching.set(
        callId,
        projector.watch(callId, (view) => views.push(view)),
      );
      // Changes committed before this message came are in the current view; the watcher skips
      // any view it has seen (by version).
      const view = readModel.getCall(callId);
      if (view) current.push(view);
    }
    if (current.length > 0) send({ kind: 'calls', views: current });
  };
  projector.changes.on('batch', () => {
    const { position, projectedEvents, calls } = projector.status;
    send({
      kind: 'status',
      position: position && formatPosition(position),
      projectedEvents,
      calls,
      committed,
      osThreadId,
    });
    committed = undefined;
    if (views.length > 0) send({ kind: 'calls', views });
    views = [];
  });
  port.on('message', async (message: ToProjection) => {
    switch (message.kind) {
      case 'watch':
        watch(message.callIds);
        return;
      case 'stop':
        unfollow();
        await projector.stop();
        readModel.close();
        await store.close();
        send({ kind: 'stopped' });
        port.close();
        return;
      default: {
        const unknown: never = message;
        throw new Error(`projection thread: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  });
  const { position } = projector.status;
  projector.start(); // counts the calls first
  send({
    kind: 'status',
    position: position && formatPosition(position),
    projectedEvents: 0,
    calls: projector.status.calls,
    osThreadId,
  });
};

main().catch((error) => {
  send({
    kind: 'log',
    level: 'error',
    message: `projection thread failed: ${error?.stack ?? error}`,
  });
  process.exit(1);
});
