import {
  callStreamName,
  canonicalId,
  CallEvent,
  evolve,
  evolveAll,
  initialCallState,
  toCallView,
  toOperationViews,
  withoutProtectedSecrets,
} from '@tracker/domain';
import { EventStore, formatPosition, RecordedEvent } from '@tracker/event-store';
import { toCallEvent } from '@tracker/call-stream';
import { CliError, UsageError } from '../args';
import { eventTime } from '../context';

export interface TimelineRow {
  readonly revision: number;
  readonly position: string;
  readonly time: string;
  readonly source: string;
  readonly type: string;
  /** For NotificationReceived: the notification type and resource. */
  readonly arrived: string | null;
  /** For the events decided from it: what changed. */
  readonly decided: string | null;
  /** The call's state after this event. */
  readonly state: string | null;
  readonly eventId: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

export const callIdArgument = (raw: string): string => {
  const id = raw.trim() === '' ? undefined : canonicalId(raw.trim());
  if (!id) throw new UsageError(`not a call id: "${raw}"`);
  return id;
};

export const readCall = async (store: EventStore, callId: string): Promise<RecordedEvent[]> => {
  const events = await store.readStream(callStreamName(callId));
  if (events.length === 0) throw new CliError(`no events stored for call ${callId}`);
  return events;
};

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const resourceOf = (payload: unknown): string | undefined => {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  return str(p.resourceUrl) ?? str(p.resource) ?? str(p.subject) ?? str(p.type);
};

/** The notification as it arrived: its type and resource. */
const arrivedOf = (event: CallEvent): string | null => {
  if (event.type !== 'NotificationReceived') return null;
  const d = event.data;
  return [d.notificationType, resourceOf(d.payload) ?? d.rawType].filter(Boolean).join(' ');
};

/** One line saying what a decided event changed. */
const decidedOf = (event: CallEvent): string | null => {
  const d = event.data as unknown as Record<string, unknown>;
  const arrow = (from: unknown, to: unknown) => `${str(from) ?? '∅'} → ${str(to) ?? '∅'}`;
  const op = () => `${str(d.operationType) ?? 'operation'} ${str(d.operationId) ?? ''}`.trimEnd();
  switch (event.type) {
    case 'NotificationReceived':
      return null;
    case 'CallStateChanged':
    case 'CallTerminated':
      return `call ${arrow(d.previousState, d.state)}`;
    case 'OperationStarted':
      return `${op()} started (${str(d.status) ?? '?'})`;
    case 'OperationStatusChanged':
      return `operation ${str(d.operationId)} ${arrow(d.previousStatus, d.status)}`;
    case 'OperationCompleted':
    case 'OperationFailed':
      return `${op()} ${str(d.status) ?? event.type}${d.completionReason ? ` (${str(d.completionReason)})` : ''}`;
    case 'ParticipantJoined':
    case 'ParticipantUpdated':
    case 'ParticipantLeft':
      return `participant ${str(d.participantId) ?? ''} ${event.type.slice('Participant'.length).toLowerCase()}`;
    case 'CallDetailsRecorded':
      return `details: ${Object.keys(d.details ?? {}).join(', ')}`;
    case 'OperationDetailsRecorded':
      return `${op()} details`;
    default:
      return event.type;
  }
};

export const timeline = (events: readonly RecordedEvent[]): TimelineRow[] => {
  let state = initialCallState();
  return events.map((stored) => {
    const event = toCallEvent(stored);
    state = evolve(state, event);
    const data = withoutProtectedSecrets(stored.data as Record<string, unknown>);
    return {
      revision: Number(stored.revision),
      position: formatPosition(stored.position),
      time: eventTime(stored),
      source: state.platform ?? str(data.source) ?? '-',
      type: stored.type,
      arrived: arrivedOf(event),
      decided: decidedOf(event),
      state: state.state ?? null,
      eventId: stored.id,
      data,
      metadata: stored.metadata,
    };
  });
};

const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;

/** A plain-text table: one line per event, columns padded, long cells clipped. */
export const renderTable = (rows: readonly TimelineRow[]): string => {
  const header = ['REV', 'TIME', 'SOURCE/TYPE', 'ARRIVED', 'DECIDED', 'STATE'];
  const cells = rows.map((r) => [
    String(r.revision),
    r.time,
    `${r.source}/${r.type}`,
    clip(r.arrived ?? '', 70),
    clip(r.decided ?? '', 60),
    r.state ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
};

/** The call as it stood at `atMs`: folds the events recorded at or before that time. */
export const stateAt = (events: readonly RecordedEvent[], atMs: number) => {
  const included = events.filter((e) => Date.parse(eventTime(e)) <= atMs);
  if (included.length === 0) {
    throw new CliError(
      `call has no event recorded at or before ${new Date(atMs).toISOString()} (first: ${eventTime(events[0])})`,
    );
  }
  const state = evolveAll(included.map(toCallEvent));
  return {
    at: new Date(atMs).toISOString(),
    events: included.length,
    revision: Number(included[included.length - 1].revision),
    call: toCallView(state),
    operations: toOperationViews(state),
  };
};
