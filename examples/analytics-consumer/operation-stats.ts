/**
 * Success rates and duration percentiles of finished operations, per operation type and
 * completion reason, from `comms.operation-state.v1` values (see docs/kafka.md).
 *
 * Idempotent: the state topic may carry several records of one operation after it finished (a
 * late detail, a republish), so the latest finished state of each operation is kept and the
 * figures are computed from those, never by adding records up.
 */

/** The members of an operation-state value this example reads. */
export interface OperationState {
  readonly operationId: string;
  readonly type: string;
  readonly finished: boolean;
  readonly outcome: 'completed' | 'failed' | null;
  readonly completionReason: string | null;
  readonly durationMs: number | null;
}

export interface GroupStats {
  readonly type: string;
  /** `null` when the platform gave none (most ACS operations, Graph playPrompt). */
  readonly completionReason: string | null;
  readonly finished: number;
  readonly succeeded: number;
  readonly failed: number;
  /** succeeded / finished, from 0 to 1. */
  readonly successRate: number;
  /** Nearest-rank percentiles of `durationMs` over the operations that have one; null if none. */
  readonly durationMs: { readonly p50: number; readonly p90: number; readonly p99: number } | null;
}

interface Finished {
  readonly type: string;
  readonly completionReason: string | null;
  readonly succeeded: boolean;
  readonly durationMs: number | null;
}

/** The p-th percentile (0–100) of sorted values, nearest rank. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

export class OperationStats {
  private readonly finished = new Map<string, Finished>();

  /** Takes one operation-state value; unfinished operations are not counted (yet). */
  add(state: OperationState): void {
    if (!state.finished || state.outcome === null) return;
    this.finished.set(state.operationId, {
      type: state.type,
      completionReason: state.completionReason,
      succeeded: state.outcome === 'completed',
      durationMs: state.durationMs,
    });
  }

  get operations(): number {
    return this.finished.size;
  }

  /** One row per (type, completion reason), sorted by type then reason. */
  groups(): GroupStats[] {
    const groups = new Map<string, Finished[]>();
    for (const op of this.finished.values()) {
      const key = JSON.stringify([op.type, op.completionReason]);
      groups.set(key, [...(groups.get(key) ?? []), op]);
    }
    return [...groups.values()]
      .map((ops): GroupStats => {
        const succeeded = ops.filter((op) => op.succeeded).length;
        const durations = ops
          .map((op) => op.durationMs)
          .filter((ms): ms is number => ms !== null)
          .sort((a, b) => a - b);
        return {
          type: ops[0].type,
          completionReason: ops[0].completionReason,
          finished: ops.length,
          succeeded,
          failed: ops.length - succeeded,
          successRate: succeeded / ops.length,
          durationMs:
            durations.length === 0
              ? null
              : {
                  p50: percentile(durations, 50),
                  p90: percentile(durations, 90),
                  p99: percentile(durations, 99),
                },
        };
      })
      .sort(
        (a, b) =>
          a.type.localeCompare(b.type) ||
          (a.completionReason ?? '').localeCompare(b.completionReason ?? ''),
      );
  }

  /** The groups as a text table. */
  table(): string {
    const rows = this.groups().map((g) => [
      g.type,
      g.completionReason ?? '-',
      String(g.finished),
      `${(g.successRate * 100).toFixed(1)} %`,
      g.durationMs ? `${g.durationMs.p50}` : '-',
      g.durationMs ? `${g.durationMs.p90}` : '-',
      g.durationMs ? `${g.durationMs.p99}` : '-',
    ]);
    const header = [
      'type',
      'completion reason',
      'finished',
      'success',
      'p50 ms',
      'p90 ms',
      'p99 ms',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    return [header, ...rows]
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  }
}
