import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { TrackerMetrics } from '../metrics/tracker-metrics';

/** Counters of what ingest has accepted and of the write side's revision conflicts, for /metrics. */
@Injectable()
export class IngestCounters {
  private readonly accepted: Counter;
  private readonly duplicates: Counter;
  private readonly conflicts: Counter;
  private readonly retries: Counter;
  private readonly typeConflicts: Counter;

  constructor(metrics: TrackerMetrics) {
    const counter = (name: string, help: string) =>
      new Counter({ name, help, registers: [metrics.registry] });
    this.accepted = counter('tracker_ingest_accepted_total', 'Notifications accepted and stored');
    this.duplicates = counter(
      'tracker_ingest_duplicates_total',
      'Notifications recognised as redeliveries',
    );
    this.conflicts = counter(
      'tracker_ingest_revision_conflicts_total',
      'Appends that found their call stream changed by another writer',
    );
    this.retries = counter(
      'tracker_ingest_conflict_retries_total',
      'Conflicted appends decided again after a jittered backoff',
    );
    this.typeConflicts = counter(
      'tracker_ingest_operation_type_conflicts_total',
      'Notifications that named a known operation with another type (the first type is kept)',
    );
  }

  /** A notification named a known operation with another type (OperationTypeConflictSeen). */
  typeConflict(): void {
    this.typeConflicts.inc();
  }

  record(outcome: { accepted: number; duplicates: number }): void {
    this.accepted.inc(outcome.accepted);
    this.duplicates.inc(outcome.duplicates);
  }

  /** An append found its call's stream at another revision than the one it decided against. */
  conflict(): void {
    this.conflicts.inc();
  }

  /** A conflicted append is decided and tried again. */
  retry(): void {
    this.retries.inc();
  }
}
