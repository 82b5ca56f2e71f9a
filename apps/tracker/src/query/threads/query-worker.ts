/**
 * A query thread's entry: its own connection to the read model answers REST and gRPC queries, so a
 * page that is not in memory (a read of up to tens of milliseconds) or a long list holds up other
 * queries only, never the event loop that acknowledges webhooks. Read only: the projection thread
 * is the read model's writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { osThreadId } from '@tracker/event-store';
import { ReadModelStore, ReadModelUnavailableError, runQuery } from '@tracker/read-model';
import type {
  FromQueryThread,
  NumberedQuery,
  QueryAnswer,
  QueryWorkerData,
  ToQueryThread,
} from './query-protocol';

const port = parentPort!;
const data = workerData as QueryWorkerData;
const send = (message: FromQueryThread) => port.postMessage(message);

let readModel: ReadModelStore;
try {
  readModel = new ReadModelStore(data.readModelPath);
} catch (error) {
  send({ kind: 'fatal', message: `cannot open the read model: ${(error as Error).message}` });
  process.exit(1);
}
send({ kind: 'ready', osThreadId: osThreadId() });

const answer = ({ id, query }: NumberedQuery): QueryAnswer => {
  try {
    return { id, views: runQuery(readModel, query) };
  } catch (error) {
    return {
      id,
      failed: (error as Error).message,
      unavailable: error instanceof ReadModelUnavailableError,
    };
  }
};

port.on('message', (message: ToQueryThread) => {
  switch (message.kind) {
    case 'queries':
      send({ kind: 'answers', answers: message.queries.map(answer) });
      return;
    case 'stop':
      readModel.close();
      port.close();
      return;
    default: {
      const unknown: never = message;
      throw new Error(`query thread: unknown message ${JSON.stringify(unknown)}`);
    }
  }
});
