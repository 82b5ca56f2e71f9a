/**
 * Fills an embedded event store with N realistic call histories, fast enough for a bench run.
 *
 * The histories are the service's own: two template calls (a whole life of 7 notifications ending
 * terminated, and a call still established after 5) are decided by the call-stream command handler, exactly as
 * ingest would store them. Each of the N calls is a copy of a template with its ids (call id in
 * every spelling, operation ids, participant and context ids, event ids) replaced, appended with
 * the store's public API (durable group commits). Deciding 100,000 calls one by one would take
 * minutes; copying costs only the store's appends. Run by bench/run.ts over IPC.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callStreamName, parseGraphNotifications, recordCommands } from '@tracker/domain';
import { EmbeddedEventStore, EventData, NO_STREAM } from '@tracker/event-store';
import { CallCommandHandler, CallStateFolder } from '@tracker/call-stream';
import {
  callIdOf,
  canonicalCallId,
  graphBatch,
  notification,
  STEPS_PER_CALL,
} from './lib/payloads';
import { serveIpc } from './lib/procs';
import { nowMs, round } from './lib/stats';

/** hex(SENTINEL, 12) = abcdef123456: what the copies replace with their own index. */
const SENTINEL = 0xabcdef123456;

const hex12 = (n: number) => n.toString(16).padStart(12, '0');

interface Template {
  readonly text: string;
  readonly pattern: RegExp;
  readonly eventIds: readonly string[];
}

/** Decides one call's history with the service's write path, in a scratch in-memory store. */
const template = async (run: number, steps: number): Promise<Template> => {
  const scratchDir = mkdtempSync(join(tmpdir(), 'bench-fill-'));
  const scratch = EmbeddedEventStore.open({ path: join(scratchDir, 'scratch.db') });
  try {
    const callId = canonicalCallId(callIdOf(run, SENTINEL));
    const items = [];
    for (let step = 0; step < steps; step++)
      items.push(notification(run, SENTINEL, step, step + 1));
    const parsed = parseGraphNotifications(graphBatch(items));
    if (!parsed.ok) throw new Error(`fill: bad payload ${JSON.stringify(parsed.errors)}`);
    await new CallCommandHandler(scratch, new CallStateFolder(scratch)).execute(
      callId,
      recordCommands(parsed.notifications, new Date(Date.now() - 60_000)),
    );
    const events: EventData[] = (await scratch.readStream(callStreamName(callId))).map((e) => ({
      id: e.id,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
    }));
    const eventIds = events.map((e) => e.id);
    const alternatives = [
      'ABCDEF123456',
      'abcdef123456',
      'abcd-ef12-3456',
      ...eventIds.map((id) => id.replace(/[-]/g, '\\-')),
    ];
    return {
      text: JSON.stringify(events),
      pattern: new RegExp(alternatives.join('|'), 'g'),
      eventIds,
    };
  } finally {
    await scratch.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
};

const copyOf = (t: Template, index: number): EventData[] => {
  const h = hex12(index);
  const dashed = `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8)}`;
  const ids = new Set(t.eventIds);
  const text = t.text.replace(t.pattern, (m) => {
    if (ids.has(m)) return `${m.slice(0, 24)}${h}`;
    if (m === 'ABCDEF123456') return h.toUpperCase();
    if (m === 'abcdef123456') return h;
    return dashed;
  });
  return JSON.parse(text) as EventData[];
};

async function fill(args: { storePath: string; calls: number; run: number; concurrency: number }) {
  const started = nowMs();
  const whole = await template(args.run, STEPS_PER_CALL);
  const ongoing = await template(args.run, 5);
  const store = EmbeddedEventStore.open({ path: args.storePath });
  let lastReport = started;
  let notifications = 0;
  try {
    for (let first = 0; first < args.calls; first += args.concurrency) {
      const work: Promise<unknown>[] = [];
      for (let i = first; i < Math.min(args.calls, first + args.concurrency); i++) {
        // one call in five is still going on (established, a prompt played)
        const ongoingCall = i % 5 === 4;
        notifications += ongoingCall ? 5 : STEPS_PER_CALL;
        const events = copyOf(ongoingCall ? ongoing : whole, i);
        const stream = callStreamName(canonicalCallId(callIdOf(args.run, i)));
        work.push(store.appendToStream(stream, events, NO_STREAM));
      }
      await Promise.all(work);
      const now = nowMs();
      if (now - lastReport > 5000) {
        lastReport = now;
        process.send?.({
          event: 'progress',
          phase: 'fill',
          calls: Math.min(args.calls, first + args.concurrency),
          of: args.calls,
          seconds: round((now - started) / 1000, 1),
        });
      }
    }
    const head = await store.headPosition();
    return {
      calls: args.calls,
      notifications,
      events: head ? Number(head.commit) : 0,
      eventsPerCall: { whole: whole.eventIds.length, ongoing: ongoing.eventIds.length },
      seconds: round((nowMs() - started) / 1000, 2),
    };
  } finally {
    await store.close();
  }
}

serveIpc({ fill: (a) => fill(a as unknown as Parameters<typeof fill>[0]) });
