import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import {
  callStateFromJson,
  canonicalId,
  idLookupKey,
  type CallState,
  type CallView,
  type OperationView,
} from '@tracker/domain';
import { formatPosition, openSqlite, parsePosition, StorePosition } from '@tracker/event-store';
import { CallRows, toCallRows } from './call-rows';
import { openSchema } from './schema';

export const CALLS_PROJECTION = 'calls';

export interface CallRow {
  readonly callId: string;
  readonly revision: bigint;
  readonly folded: CallState;
}

export interface CallWrite {
  readonly state: CallState;
  readonly revision: bigint;
  readonly view: CallView;
  /** The operations to write: those the call's new events changed (all, without a `before`). */
  readonly operations: readonly OperationView[];
  readonly nextDeadline: number | undefined;
}

export interface ListCallsFilter {
  readonly state?: string;
  readonly source?: string;
  readonly updatedSince?: string;
  /** Exclusive keyset cursor: `updatedAt` and `callId` of the last call of the previous page. */
  readonly after?: { readonly updatedAt: string; readonly callId: string };
  readonly limit: number;
}

/** A query of the views, by what it names. */
export type ViewQuery =
  | { readonly kind: 'call'; readonly callId: string }
  /**
   * Every operation an id names: the one keyed by it, else those that were ever given it as a
   * platform id (in any case or dash form). Several only when a raw id is reused across calls.
   */
  | { readonly kind: 'operationsNamed'; readonly id: string }
  | {
      readonly kind: 'operationsOfCall';
      readonly callId: string;
      readonly filter: ListOperationsFilter;
    }
  | { readonly kind: 'calls'; readonly filter: ListCallsFilter };

const firstColumn = (rows: unknown[]): string[] => (rows as Array<[string]>).map(([text]) => text);

export const parseViews = <T>(texts: readonly string[]): T[] =>
  texts.map((text) => JSON.parse(text) as T);

export interface ListOperationsFilter {
  readonly status?: string;
  /** Matches the operation's `operationContext` or its `clientContext`, exactly. */
  readonly context?: string;
}

/** SQLite file holding the call and operation views (see schema.ts). */
export class ReadModelStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(
    path: string,
    /**
     * A file being rebuilt (see `RebuildTarget`): no journal and no fsync until it is finished,
     * since a crash leaves it unused and the next rebuild starts it again.
     */
    bulk = false,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openSqlite(path, 5000, (db) => {
      if (bulk) {
        db.pragma('journal_mode = OFF');
        db.pragma('synchronous = OFF');
        db.pragma('cache_size = -131072'); // 128 MiB: the rows of the calls going on
      } else {
        db.pragma('journal_mode = WAL');
        // The read model can always be rebuilt from the store, so it does not pay for an fsync
        // per batch; the checkpoint commits with the rows it covers, so they never disagree.
        db.pragma('synchronous = NORMAL');
      }
      openSchema(db);
    });
    this.stmt = {
      checkpoint: this.db.prepare('SELECT position FROM checkpoints WHERE projection = ?').raw(),
      saveCheckpoint: this.db.prepare(
        'INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
      ),
      folded: this.db.prepare('SELECT revision, folded FROM call_folds WHERE call_id = ?').raw(),
      view: this.db.prepare('SELECT view FROM call_views WHERE call_id = ?').raw(),
      upsertCall: this.db.prepare(
        `INSERT INTO call_views (call_id, state, source, updated_at, next_deadline, view)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, source = excluded.source,
           updated_at = excluded.updated_at, next_deadline = excluded.next_deadline,
           view = excluded.view`,
      ),
      upsertFold: this.db.prepare(
        `INSERT INTO call_folds (call_id, revision, folded) VALUES (?, ?, ?)
         ON CONFLICT (call_id) DO UPDATE SET revision = excluded.revision, folded = excluded.folded`,
      ),
      upsertOperation: this.db.prepare(
        `INSERT INTO operations (operation_id, call_id, status, view) VALUES (?, ?, ?, ?)
         ON CONFLICT (operation_id) DO UPDATE SET call_id = excluded.call_id, status = excluded.status, view = excluded.view`,
      ),
      operation: this.db.prepare('SELECT view FROM operations WHERE operation_id = ?').raw(),
      addOperationId: this.db.prepare(
        'INSERT OR IGNORE INTO operation_ids (lookup_key, operation_id) VALUES (?, ?)',
      ),
      operationsByLookupKey: this.db
        .prepare(
          `SELECT o.view FROM operation_ids i JOIN operations o ON o.operation_id = i.operation_id
           WHERE i.lookup_key = ? ORDER BY o.operation_id`,
        )
        .raw(),
      operationsOfCall: this.db
        .prepare('SELECT view FROM operations WHERE call_id = ? ORDER BY operation_id')
        .raw(),
      operationsOfCallByStatus: this.db
        .prepare(
          // enum values match in any case (`COMPLETED` is `completed`), as the domain reads them
          'SELECT view FROM operations WHERE call_id = ? AND status = ? COLLATE NOCASE ORDER BY operation_id',
        )
        .raw(),
      due: this.db
        .prepare(
          'SELECT call_id FROM call_views WHERE next_deadline <= ? ORDER BY next_deadline LIMIT ?',
        )
        .raw(),
      count: this.db.prepare('SELECT COUNT(*) FROM call_views').raw(),
    };
  }

  checkpoint(projection: string): StorePosition | undefined {
    const row = this.stmt.checkpoint.get(projection) as [string] | undefined;
    return row ? parsePosition(row[0]) : undefined;
  }

  folded(callId: string): CallRow | undefined {
    const row = this.stmt.folded.get(callId) as [number, string] | undefined;
    return row
      ? { callId, revision: BigInt(row[0]), folded: callStateFromJson(JSON.parse(row[1])) }
      : undefined;
  }

  /** Writes a batch of projected calls and the checkpoint it reaches, atomically. */
  commit(projection: string, writes: readonly CallWrite[], position: StorePosition): void {
    this.commitRows(projection, writes.map(toCallRows), position);
  }

  /** `commit` with the calls already serialised (a rebuild's threads serialise them). */
  commitRows(projection: string, calls: readonly CallRows[], position: StorePosition): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { view, fold, operations } of calls) {
        this.stmt.upsertCall.run(...view);
        this.stmt.upsertFold.run(view[0], ...fold);
        for (const [operationId, callId, status, json, lookupKeys] of operations) {
          this.stmt.upsertOperation.run(operationId, callId, status, json);
          for (const key of lookupKeys) this.stmt.addOperationId.run(key, operationId);
        }
      }
      this.stmt.saveCheckpoint.run(projection, formatPosition(position));
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  getCall(callId: string): CallView | undefined {
    return parseViews<CallView>(this.views({ kind: 'call', callId }))[0];
  }

  /** See `ViewQuery`'s `operationsNamed`. */
  findOperations(id: string): OperationView[] {
    return parseViews(this.views({ kind: 'operationsNamed', id }));
  }

  listOperations(callId: string, filter: ListOperationsFilter = {}): OperationView[] {
    return parseViews(this.views({ kind: 'operationsOfCall', callId, filter }));
  }

  listCalls(filter: ListCallsFilter): CallView[] {
    return parseViews(this.views({ kind: 'calls', filter }));
  }

  /**
   * The views a query names as they are stored (JSON text), so that a query thread hands over
   * strings and the thread that answers parses them once.
   */
  views(query: ViewQuery): string[] {
    switch (query.kind) {
      case 'call':
        return firstColumn(this.stmt.view.all(query.callId));
      case 'operationsNamed': {
        const own = firstColumn(this.stmt.operation.all(canonicalId(query.id)));
        return own.length > 0
          ? own
          : firstColumn(this.stmt.operationsByLookupKey.all(idLookupKey(query.id)));
      }
      case 'operationsOfCall': {
        const { status, context } = query.filter;
        const views = firstColumn(
          status
            ? this.stmt.operationsOfCallByStatus.all(query.callId, status)
            : this.stmt.operationsOfCall.all(query.callId),
        );
        if (context === undefined) return views;
        return views.filter((text) => {
          const op = JSON.parse(text) as OperationView;
          return op.operationContext === context || op.clientContext === context;
        });
      }
      case 'calls':
        return this.callViews(query.filter);
      default: {
        const unknown: never = query;
        throw new Error(`unknown view query ${JSON.stringify(unknown)}`);
      }
    }
  }

  private callViews(filter: ListCallsFilter): string[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      args.push(...values);
    };
    // States and sources match in any case (`ESTABLISHED` is `established`), as the domain reads them.
    if (filter.state) add('state = ? COLLATE NOCASE', filter.state);
    if (filter.source) add('source = ? COLLATE NOCASE', filter.source);
    if (filter.updatedSince) add('updated_at >= ?', filter.updatedSince);
    if (filter.after) {
      const { updatedAt, callId } = filter.after;
      add('(updated_at > ? OR (updated_at = ? AND call_id > ?))', updatedAt, updatedAt, callId);
    }
    const sql = `SELECT view FROM call_views ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY updated_at, call_id LIMIT ?`;
    return firstColumn(
      this.db
        .prepare(sql)
        .raw()
        .all(...args, filter.limit),
    );
  }

  /** Calls whose next deadline (epoch ms) is due at `now`. */
  dueCalls(now: number, limit: number): string[] {
    return (this.stmt.due.all(now, limit) as Array<[string]>).map(([id]) => id);
  }

  callCount(): number {
    return (this.stmt.count.get() as [number])[0];
  }

  /** Drops every row and checkpoint, for a rebuild from the start of the store. */
  reset(): void {
    this.db.exec(
      'DELETE FROM operation_ids; DELETE FROM operations; DELETE FROM call_views; ' +
        'DELETE FROM call_folds; DELETE FROM checkpoints;',
    );
  }

  close(): void {
    this.db.close();
  }
}
