import { EmbeddedEventStore } from '@tracker/event-store';
import { callIdFromStreamName, evolve, initialCallState, toCallView, toOperationViews, CallState } from '@tracker/domain';
import { toCallEvent } from '@tracker/call-stream';
const main = async () => {
  const store = EmbeddedEventStore.open({ path: process.argv[2] } as any);
  const mode = process.argv[3] ?? 'fold';
  const t = process.hrtime.bigint(); const c0 = process.cpuUsage();
  const states = new Map<string, CallState>();
  let n = 0, bytes = 0;
  for await (const e of store.readAll()) {
    n++;
    if (mode === 'read') continue;
    const id = callIdFromStreamName(e.streamId)!;
    const s = evolve(states.get(id) ?? initialCallState(), toCallEvent(e));
    states.set(id, s);
  }
  if (mode === 'views') for (const s of states.values()) { bytes += JSON.stringify(toCallView(s)).length + JSON.stringify(toOperationViews(s)).length + JSON.stringify(s).length; }
  const c = process.cpuUsage(c0);
  console.log(mode, n, Number(process.hrtime.bigint() - t) / 1e9, 's; user', c.user / 1e6, 'sys', c.system / 1e6, 'bytes', bytes);
};
main();
