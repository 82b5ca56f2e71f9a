/**
 * The publisher thread's entry: reading the store, folding, mapping records and kafkajs's encoding
 * run here, so the publisher keeps its cadence while the HTTP loop is busy (and the HTTP loop does
 * not wait behind it). It folds call state for itself: the write side's states stay in the main
 * thread. It talks to its parent only through messages (publisher-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CallStateFolder } from '@tracker/call-stream';
import { followCommits, osThreadId as currentOsThreadId } from '@tracker/event-store';
import { openReader } from '../../store/open-reader';
import { relayLogger } from '../../threads/relay-logger';
import { kafkaClient } from '@tracker/fanout';
import { kafkaPublisherFor, PublishedTransaction } from '../kafka-publisher-for';
import type { FromPublisher, PublisherWorkerData, ToPublisher } from './publisher-protocol';

const port = parentPort!;
const data = workerData as PublisherWorkerData;
const send = (message: FromPublisher) => port.postMessage(message);
const osThreadId = currentOsThreadId();
/** State changes (retrying, fenced) reach the parent within this; published batches at once. */
const STATUS_EVERY_MS = 100;

const main = async () => {
  const store = await openReader(data.store);
  const unfollow = followCommits(data.wake, store);
  const publisher = kafkaPublisherFor({
    kafka: data.kafka,
    client: kafkaClient(data.kafka),
    store,
    folder: new CallStateFolder(store),
    logger: relayLogger(send),
    // One message per transaction: each one the parent takes costs its event loop a wake-up.
    onPublished: (published) => reportStatus(published),
  });
  let reported: unknown;
  const reportStatus = (published?: PublishedTransaction) => {
    const status = publisher.currentStatus;
    if (status === reported && !published) return; // replaced, never mutated, on every change
    reported = status;
    send({ kind: 'status', status, osThreadId, published });
  };
  const timer = setInterval(() => reportStatus(), STATUS_EVERY_MS);
  // The writer thread's wake-ups come on `data.wake`, not here.
  port.on('message', async (message: ToPublisher) => {
    switch (message.kind) {
      case 'stop':
        unfollow();
        await publisher.stop();
        clearInterval(timer);
        reportStatus();
        await store.close();
        send({ kind: 'stopped' });
        port.close();
        return;
      default: {
        const unknown: never = message.kind;
        throw new Error(`publisher thread: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  });
  publisher.start();
  reportStatus();
};

main().catch((error) => {
  send({
    kind: 'log',
    level: 'error',
    message: `publisher thread failed: ${error?.stack ?? error}`,
  });
  process.exit(1);
});
