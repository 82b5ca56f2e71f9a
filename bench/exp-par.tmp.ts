import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { EmbeddedEventStore } from '@tracker/event-store';
import { callIdFromStreamName, evolve, initialCallState, toCallView, toOperationViews, nextDeadline, deadlineBounds } from '@tracker/domain';
import { toCallEvent } from '@tracker/call-stream';
import { ReadModelStore } from '@tracker/read-model';

const hash = (s: string) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h >>> 0; };

if (isMainThread) {
  const [path, n] = [process.argv[2], Number(process.argv[3] ?? 2)];
  const t = process.hrtime.bigint(); const c0 = process.cpuUsage();
  const rm = new ReadModelStore('/tmp/rb/par.db', true);
  rm.reset();
  const db = (rm as any).db; const st = (rm as any).stmt;
  let events = 0, calls = 0, done = 0;
  const write = (rows: any[]) => {
    db.exec('BEGIN');
    for (const r of rows) {
      st.upsertCall.run(r[0], r[1], r[2], r[3], r[4], r[5]);
      st.upsertFold.run(r[0], r[6], r[7]);
      for (const o of r[8]) { st.upsertOperation.run(o[0], o[1], o[2], o[3]); for (const k of o[4]) st.addOperationId.run(k, o[0]); }
    }
    db.exec('COMMIT');
  };
  for (let k = 0; k < n; k++) {
    const w = new Worker(__filename, { workerData: { path, k, n }, execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] });
    w.on('message', (m) => {
      if (m.rows) { if (!process.env.NOWRITE) write(m.rows); calls += m.rows.length; events += m.events; }
      if (m.done) console.log('worker done at', Number(process.hrtime.bigint() - t) / 1e9);
      if (m.done) { if (++done === n) { const c = process.cpuUsage(c0); console.log(n, 'workers', events, 'events', calls, 'calls', Number(process.hrtime.bigint() - t) / 1e9, 's; main user', c.user / 1e6, 'sys', c.system / 1e6); process.exit(0); } }
    });
  }
} else {
  const { path, k, n } = workerData;
  const store = EmbeddedEventStore.open({ path, readOnly: true } as any); if (process.env.MMAP) (store as any).db.pragma('mmap_size=17179869184');
  const raw = new Database(path, { readonly: true });
  const streams = (raw.prepare('SELECT stream_id FROM streams').raw().all() as string[][]).map((r) => r[0]).filter((s) => hash(s) % n === k);
  const bounds = deadlineBounds({ answerTimeoutMs: 15000, policyRecordingAnswerTimeoutMs: 5000, keepAliveMs: 2700000, operationTimeoutMs: 300000, operationTimeoutsMs: {} } as any);
  (async () => {
    const part = `(unicode(substr(stream_id, -1)) + 7 * unicode(substr(stream_id, -2, 1)) + 31 * unicode(substr(stream_id, -3, 1))) % ${n} = ${k}`;
    const q = raw.prepare(`SELECT position, stream_id, revision, event_id, type, data, metadata, created FROM events WHERE position > ? AND ${part} ORDER BY position LIMIT ?`).raw();
    const states = new Map<string, any>();
    let after = 0;
    for (;;) {
      const page = q.all(after, 5000) as any[];
      if (!page.length) break;
      after = page[page.length - 1][0];
      const touched = new Map<string, any>();
      for (const r of page) {
        const id = callIdFromStreamName(r[1]); if (!id) continue;
        const e = { type: r[4], data: JSON.parse(r[5]), metadata: JSON.parse(r[6]) };
        const s = evolve(touched.get(id) ?? states.get(id) ?? initialCallState(), e as any);
        touched.set(id, s);
      }
      const rows: any[] = [];
      for (const [id, state] of touched) {
        states.set(id, state);
        const view = toCallView(state);
        const due = nextDeadline(state, bounds);
        rows.push([id, view.state, view.source, view.updatedAt, due === undefined ? null : Date.parse(due), JSON.stringify(view), 1, JSON.stringify({ ...state, seenNotificationKeys: {} }),
          toOperationViews(state).map((o) => [o.operationId, o.callId, o.status, JSON.stringify(o), [o.operationId, ...o.rawOperationIds]])]);
      }
      parentPort!.postMessage({ rows, events: page.length });
    }
    parentPort!.postMessage({ rows: [], events: 0, done: true });
  })();
}
