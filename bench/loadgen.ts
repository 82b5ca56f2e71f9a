/**
 * The load generator: its own process, driven by bench/run.ts over IPC.
 *
 *   httpClosed  N keep-alive connections, each sends its next request as soon as the previous one
 *               is answered (saturation throughput)
 *   httpOpen    a fixed request rate whatever the answers do; latency is counted from the instant
 *               each request was due, so a stalled server cannot hide its queue (no coordinated
 *               omission)
 *   grpcOpen    the same for gRPC read queries
 *   grpcSample  one answer of each gRPC method of the mix
 *   grpcClose   closes the client of a gRPC server that is going away
 */
import * as grpc from '@grpc/grpc-js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { callTrackerService } from './lib/call-tracker-grpc';
import { HttpConnection, postHead } from './lib/http-client';
import { canonicalCallId, callIdOf, graphBatch, TrafficStream } from './lib/payloads';
import { serveIpc } from './lib/procs';
import { nowMs, round, Samples, StallWindows } from './lib/stats';

const HOST = '127.0.0.1';

interface TrafficArgs {
  readonly port: number;
  readonly path: string;
  /** Notifications per request. */
  readonly batch: number;
  /** Distinguishes the ids of one bench run / phase from another. */
  readonly run: number;
  readonly firstCall: number;
  readonly firstSeq: number;
  readonly activeCalls: number;
}

const progress = (message: Record<string, unknown>) =>
  process.send?.({ event: 'progress', ...message });

const makeRequests = (a: TrafficArgs) => {
  const stream = new TrafficStream(a.run, a.activeCalls, a.firstCall, a.firstSeq);
  return {
    stream,
    next(): { head: string; body: string; seqs: number[] } {
      const items = [];
      const seqs = [];
      for (let i = 0; i < a.batch; i++) {
        const n = stream.next();
        items.push(n.body);
        seqs.push(n.seq);
      }
      const body = JSON.stringify(graphBatch(items));
      return { head: postHead(HOST, a.port, a.path, Buffer.byteLength(body)), body, seqs };
    },
  };
};

const statusKey = (status: number) => String(status);

async function httpClosed(
  args: TrafficArgs & { connections: number; warmupMs: number; durationMs: number },
) {
  const requests = makeRequests(args);
  const latency = new Samples();
  const statuses: Record<string, number> = {};
  let errors = 0;
  let measuring = false;
  let stop = false;
  let done = 0;
  const startAll = nowMs();
  let measureStart = 0;
  const worker = async () => {
    const conn = new HttpConnection(HOST, args.port);
    while (!stop) {
      const r = requests.next();
      const t0 = nowMs();
      try {
        const reply = await conn.request(r.head, r.body);
        if (measuring) {
          latency.add(nowMs() - t0);
          statuses[statusKey(reply.status)] = (statuses[statusKey(reply.status)] ?? 0) + 1;
          done += 1;
        }
      } catch {
        if (measuring) errors += 1;
      }
    }
    conn.close();
  };
  const workers = Array.from({ length: args.connections }, worker);
  await new Promise((r) => setTimeout(r, args.warmupMs));
  measuring = true;
  measureStart = nowMs();
  const ticker = setInterval(() => {
    const s = (nowMs() - measureStart) / 1000;
    progress({ phase: 'closed', seconds: round(s, 1), rate: Math.round(done / s) });
  }, 2000);
  await new Promise((r) => setTimeout(r, args.durationMs));
  measuring = false;
  const seconds = (nowMs() - measureStart) / 1000;
  clearInterval(ticker);
  stop = true;
  await Promise.all(workers);
  return {
    requests: done,
    notifications: done * args.batch,
    seconds: round(seconds, 3),
    requestsPerSecond: round(done / seconds, 1),
    notificationsPerSecond: round((done * args.batch) / seconds, 1),
    latencyMs: latency.summary(),
    statuses,
    errors,
    totalSeconds: round((nowMs() - startAll) / 1000, 1),
    callsStarted: requests.stream.callsStarted,
    nextSeq: requests.stream.seq,
  };
}

/** Drives `send` at `rate` per second for `durationMs`; `send` gets the instant it was due. */
async function openLoop(
  rate: number,
  durationMs: number,
  send: (due: number) => Promise<void>,
  label: string,
): Promise<{ start: number; seconds: number; offered: number; inFlightMax: number }> {
  const start = nowMs() + 20;
  const total = Math.floor((rate * durationMs) / 1000);
  let issued = 0;
  let inFlight = 0;
  let inFlightMax = 0;
  const all: Promise<void>[] = [];
  let lastReport = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      while (issued < due) {
        const dueAt = start + (issued * 1000) / rate;
        issued += 1;
        inFlight += 1;
        inFlightMax = Math.max(inFlightMax, inFlight);
        all.push(send(dueAt).finally(() => (inFlight -= 1)));
      }
      if (now - lastReport >= 2000) {
        lastReport = now;
        progress({ phase: label, seconds: round((now - start) / 1000, 1), issued, inFlight });
      }
      if (issued >= total) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, Math.max(0, start - nowMs()));
  });
  await Promise.all(all);
  return { start, seconds: round((nowMs() - start) / 1000, 3), offered: total, inFlightMax };
}

async function httpOpen(
  args: TrafficArgs & {
    rate: number;
    durationMs: number;
    warmupMs: number;
    recordAcks: boolean;
    maxConnections: number;
    preopen?: number;
  },
) {
  const requests = makeRequests(args);
  // Connections are opened up front (a handshake in the middle of the run would count as latency);
  // more are opened only when all are busy.
  const idle: HttpConnection[] = [];
  let opened = 0;
  const prewarm = Math.min(args.maxConnections, args.preopen ?? 64);
  await Promise.all(
    Array.from({ length: prewarm }, async () => {
      const c = new HttpConnection(HOST, args.port);
      opened += 1;
      await c.connected();
      idle.push(c);
    }),
  );
  const waiters: Array<(c: HttpConnection) => void> = [];
  const acquire = (): Promise<HttpConnection> => {
    const c = idle.pop();
    if (c) return Promise.resolve(c);
    if (opened < args.maxConnections) {
      opened += 1;
      return Promise.resolve(new HttpConnection(HOST, args.port));
    }
    return new Promise((r) => waiters.push(r));
  };
  const release = (c: HttpConnection) => {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  };
  const run = async (rate: number, durationMs: number, record: boolean, label: string) => {
    const latency = new Samples();
    const statuses: Record<string, number> = {};
    const acks: number[] = [];
    let errors = 0;
    const loop = await openLoop(
      rate,
      durationMs,
      async (due) => {
        const r = requests.next();
        const conn = await acquire();
        try {
          const reply = await conn.request(r.head, r.body);
          const end = nowMs();
          latency.add(end - due);
          statuses[statusKey(reply.status)] = (statuses[statusKey(reply.status)] ?? 0) + 1;
          if (record && reply.status === 202) for (const seq of r.seqs) acks.push(seq, end);
        } catch {
          errors += 1;
        } finally {
          release(conn);
        }
      },
      label,
    );
    return { loop, latency, statuses, errors, acks };
  };
  if (args.warmupMs > 0) await run(args.rate, args.warmupMs, false, 'open warm-up');
  const firstMeasuredSeq = requests.stream.seq;
  const measured = await run(args.rate, args.durationMs, args.recordAcks, 'open');
  for (const c of idle) c.close();
  const ok = measured.statuses['202'] ?? 0;
  return {
    offeredRequestsPerSecond: args.rate,
    offeredNotificationsPerSecond: args.rate * args.batch,
    requests: measured.loop.offered,
    seconds: measured.loop.seconds,
    achievedNotificationsPerSecond: round((ok * args.batch) / measured.loop.seconds, 1),
    latencyMs: measured.latency.summary(),
    statuses: measured.statuses,
    errors: measured.errors,
    connectionsUsed: opened,
    inFlightMax: measured.loop.inFlightMax,
    firstMeasuredSeq,
    acks: args.recordAcks ? measured.acks : undefined,
    callsStarted: requests.stream.callsStarted,
    nextSeq: requests.stream.seq,
  };
}

type Unary = (
  request: unknown,
  options: { deadline: number },
  callback: (error: grpc.ServiceError | null, answer?: unknown) => void,
) => void;

type GrpcClient = Record<string, Unary> & grpc.Client;

/**
 * One client per server for the life of the load generator, so that a run's warm-up and its
 * measurement go over one connection (the promise is kept, so callers at once share one).
 */
const grpcClients = new Map<number, Promise<GrpcClient>>();

const grpcClient = (port: number): Promise<GrpcClient> => {
  const known = grpcClients.get(port);
  if (known) return known;
  const client = new (callTrackerService())(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as GrpcClient;
  const ready = new Promise<GrpcClient>((resolve, reject) =>
    client.waitForReady(Date.now() + 10_000, (error) => {
      if (!error) return resolve(client);
      client.close();
      grpcClients.delete(port);
      reject(error);
    }),
  );
  grpcClients.set(port, ready);
  return ready;
};

/** Closes the client of a server that is going away (else grpc-js keeps trying to reconnect). */
async function grpcClose(args: { port: number }) {
  const known = grpcClients.get(args.port);
  grpcClients.delete(args.port);
  (await known?.catch(() => undefined))?.close();
}

/** The mix repeats every 10 reads: every method in it appears in any 10 in a row. */
const MIX_CYCLE = 10;

/** A deterministic mix over all calls: 70 % GetCall, 20 % ListOperations, 10 % GetOperation. */
const grpcRead = (n: number, run: number, calls: number) => {
  const index = (n * 7919) % calls;
  const raw = callIdOf(run, index);
  const r = n % MIX_CYCLE;
  if (r < 7) return { method: 'GetCall', request: { call_id: canonicalCallId(raw) } };
  if (r < 9) return { method: 'ListOperations', request: { call_id: raw } };
  const op = `${raw.slice(0, 24)}00000001`; // the playPrompt operation (payloads.ts)
  return { method: 'GetOperation', request: { operation_id: op } };
};

/**
 * The first answer of each method of the mix, as the client decodes it: what the bare grpc-js
 * server answers with. Taken from one cycle of `grpcRead` itself, so a change of the mix changes
 * the sample (and a method the mix no longer reads is not sampled).
 */
async function grpcSample(args: { port: number; run: number; calls: number }) {
  const client = await grpcClient(args.port);
  const answers: Record<string, unknown> = {};
  for (let n = 1; n <= MIX_CYCLE; n++) {
    const { method, request } = grpcRead(n, args.run, args.calls);
    if (method in answers) continue;
    answers[method] = await new Promise((resolve, reject) =>
      client[method](request, { deadline: Date.now() + 10_000 }, (error, answer) =>
        error ? reject(error) : resolve(answer),
      ),
    );
  }
  return answers;
}

async function grpcOpen(args: {
  port: number;
  rate: number;
  durationMs: number;
  /** The mix's position to start at: a run after its warm-up starts where the warm-up ended. */
  first: number;
  run: number;
  calls: number;
}) {
  const client = await grpcClient(args.port);
  let n = args.first;
  const pick = () => {
    n += 1;
    return grpcRead(n, args.run, args.calls);
  };
  const latency = new Samples();
  const byMethod: Record<string, Samples> = {};
  const codes: Record<string, number> = {};
  const stalls = new StallWindows();
  const ownLoop = monitorEventLoopDelay({ resolution: 1 });
  ownLoop.enable();
  const loop = await openLoop(
    args.rate,
    args.durationMs,
    (due) =>
      new Promise<void>((resolve) => {
        const { method, request } = pick();
        client[method](request, { deadline: Date.now() + 10_000 }, (error) => {
          const ms = nowMs() - due;
          latency.add(ms);
          stalls.add(due, ms);
          (byMethod[method] ??= new Samples()).add(ms);
          const code = error ? grpc.status[error.code] : 'OK';
          codes[code] = (codes[code] ?? 0) + 1;
          resolve();
        });
      }),
    'grpc',
  );
  ownLoop.disable();
  return {
    rate: args.rate,
    seconds: loop.seconds,
    latencyMs: latency.summary(),
    byMethod: Object.fromEntries(Object.entries(byMethod).map(([k, s]) => [k, s.summary()])),
    codes,
    stalls: stalls.summary(loop.start),
    // Delays of the load generator's own loop (1 ms resolution, which they may overstate by that
    // much): a request due in one is sent late, and counted late, whatever the server does.
    loadgenLoopDelayMs: {
      p99: round(ownLoop.percentile(99) / 1e6, 1),
      max: round(ownLoop.max / 1e6, 1),
    },
  };
}

serveIpc({
  httpClosed: (a) => httpClosed(a as unknown as Parameters<typeof httpClosed>[0]),
  httpOpen: (a) => httpOpen(a as unknown as Parameters<typeof httpOpen>[0]),
  grpcOpen: (a) => grpcOpen(a as unknown as Parameters<typeof grpcOpen>[0]),
  grpcSample: (a) => grpcSample(a as unknown as Parameters<typeof grpcSample>[0]),
  grpcClose: (a) => grpcClose(a as unknown as Parameters<typeof grpcClose>[0]),
  ping: async () => 'pong',
});
