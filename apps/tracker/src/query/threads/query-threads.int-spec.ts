import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { foldCall, toCallView, toOperationViews } from '@tracker/domain';
import {
  at,
  botCommand,
  CALL,
  fixture,
  graphCommand,
  history,
  OPERATION_IN_URL,
} from '@tracker/domain/testing';
import {
  CALLS_PROJECTION,
  InlineQueries,
  ReadModelBusyError,
  ReadModelQueries,
  ReadModelStore,
  ReadModelUnavailableError,
} from '@tracker/read-model';
import { QueryThreads } from './query-threads';

/** One call with a recording operation, projected as the projector would. */
const writeReadModel = (path: string) => {
  const state = foldCall(
    history(
      graphCommand(fixture('graph/answer-incoming.json'), at(0)),
      graphCommand(fixture('graph/answer-established.json'), at(2)),
      botCommand(CALL, fixture('graph/recordresponse-response.json'), at(4)),
      graphCommand(fixture('graph/recordresponse-completed.json'), at(9)),
    ),
  );
  const store = new ReadModelStore(path);
  store.commit(
    CALLS_PROJECTION,
    [
      {
        state,
        revision: BigInt(state.version - 1),
        view: toCallView(state),
        operations: toOperationViews(state),
        nextDeadline: undefined,
      },
    ],
    { commit: 4n, prepare: 4n },
  );
  return store;
};

const errors: string[] = [];
const warnings: string[] = [];
const logger = {
  error: (message: string) => errors.push(message),
  warn: (message: string) => warnings.push(message),
};
const NO_LIMIT = { queueLimit: Number.MAX_SAFE_INTEGER };

const everyQuery = (queries: ReadModelQueries) =>
  Promise.all([
    queries.getCall(CALL),
    queries.getCall('00000000-0000-4000-8000-000000000000'),
    queries.findOperations(OPERATION_IN_URL),
    queries.listOperations(CALL),
    queries.listOperations(CALL, { status: 'COMPLETED' }),
    queries.listOperations(CALL, { status: 'running' }),
    queries.listCalls({ limit: 10 }),
    queries.listCalls({ state: 'terminated', limit: 10 }),
  ]);

describe('QueryThreads', () => {
  let dir: string;
  let threads: QueryThreads | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'query-threads-'));
    errors.length = 0;
    warnings.length = 0;
  });
  afterEach(async () => {
    await threads?.close();
    threads = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every query as the store answers it on the event loop', async () => {
    const path = join(dir, 'read-model.db');
    const store = writeReadModel(path);
    threads = new QueryThreads({ readModelPath: path }, { threads: 2, ...NO_LIMIT }, logger);

    const expected = await everyQuery(new InlineQueries(store));
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    // Several rounds at once: the queries of one loop turn are shared between the threads.
    const answers = await Promise.all([1, 2, 3].map(() => everyQuery(threads!)));

    // Not a comparison of nothing: each query finds what it names.
    const [call, unknown, named, operations, completed, running, calls, terminated] = expected;
    expect(call?.callId).toBe(CALL);
    expect(unknown).toBeUndefined();
    expect(named).toHaveLength(1);
    expect(operations).toHaveLength(1);
    expect(completed).toEqual(operations);
    expect(running).toEqual([]);
    expect(calls.map((view) => view.callId)).toEqual([CALL]);
    expect(terminated).toEqual([]);
    for (const answer of answers) expect(answer).toEqual(expected);
    // 24 queries asked in one turn: one message to each thread, each carrying its share.
    const batches = posted.mock.calls.map(([message]) => message as { queries: unknown[] });
    expect(new Set(posted.mock.contexts).size).toBe(2);
    expect(batches.map((batch) => batch.queries.length)).toEqual([12, 12]);
    posted.mockRestore();
    expect(threads.threadIds.map(([name, id]) => [name, typeof id()])).toEqual([
      ['query_1', 'number'],
      ['query_2', 'number'],
    ]);
    store.close();
  }, 30_000);

  it('refuses a query at once while queueLimit queries wait for their answers, and takes queries again once they are answered', async () => {
    const path = join(dir, 'read-model.db');
    writeReadModel(path).close();
    let refused = 0;
    threads = new QueryThreads(
      { readModelPath: path },
      { threads: 2, queueLimit: 3, onRefused: () => (refused += 1) },
      logger,
    );

    // Asked in one turn: none is answered before the fourth is asked.
    const asked = [1, 2, 3, 4, 5].map(() => threads!.getCall(CALL));
    expect(threads.waiting).toBe(3);
    const settled = await Promise.allSettled(asked);

    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    for (const s of settled.slice(3)) {
      const reason = (s as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ReadModelBusyError);
      expect(reason).toBeInstanceOf(ReadModelUnavailableError); // 503 / UNAVAILABLE
      expect(String(reason.message)).toMatch(/3 queries waiting/);
    }
    expect(refused).toBe(2);
    // One line for both (at most one per 10 s), not one per query.
    expect(warnings).toEqual([
      expect.stringMatching(/refused 1 read since the last such line: 3 queries were waiting/),
    ]);
    expect(threads.waiting).toBe(0);
    await expect(threads.getCall(CALL)).resolves.toMatchObject({ callId: CALL });
  }, 30_000);

  it('answers ReadModelUnavailableError while it cannot open the read model, and serves once it can', async () => {
    const path = join(dir, 'read-model.db');
    writeFileSync(path, 'not a database, '.repeat(512));
    threads = new QueryThreads({ readModelPath: path }, { threads: 1, ...NO_LIMIT }, logger);

    await expect(threads.getCall(CALL)).rejects.toBeInstanceOf(ReadModelUnavailableError);
    expect(errors.join('\n')).toMatch(/query_1: cannot open the read model/);
    // Restarted at most once a second: straight away, the query is refused without a thread.
    await expect(threads.getCall(CALL)).rejects.toThrow(/restarting/);

    rmSync(path);
    writeReadModel(path).close();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(threads.getCall(CALL)).resolves.toMatchObject({ callId: CALL });
  }, 30_000); // two threads start from the TypeScript sources here (seconds each)
});
