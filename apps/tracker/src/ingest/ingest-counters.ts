import { Injectable } from '@nestjs/common';

/** Counters of what ingest has accepted and of the write side's revision conflicts, for /metrics. */
@Injectable()
export class IngestCounters {
  private accepted = 0;
  private duplicates = 0;
  private conflicts = 0;
  private retries = 0;
  private typeConflicts = 0;

  record(outcome: { accepted: number; duplicates: number }): void {
    this.accepted += outcome.accepted;
    this.duplicates += outcome.duplicates;
  }

  /** A notification named a known operation with another type (OperationTypeConflictSeen). */
  typeConflict(): void {
    this.typeConflicts += 1;
  }

  /** An append found its call's stream at another revision than the one it decided against. */
  conflict(): void {
    this.conflicts += 1;
  }

  /** A conflicted append is decided and tried again. */
  retry(): void {
    this.retries += 1;
  }

  snapshot(): {
    accepted: number;
    duplicates: number;
    conflicts: number;
    retries: number;
    typeConflicts: number;
  } {
    return {
      accepted: this.accepted,
      duplicates: this.duplicates,
      conflicts: this.conflicts,
      retries: this.retries,
      typeConflicts: this.typeConflicts,
    };
  }
}
