import { Injectable } from '@nestjs/common';

/** Counters of what ingest has accepted, for /metrics. */
@Injectable()
export class IngestCounters {
  private accepted = 0;
  private duplicates = 0;

  record(outcome: { accepted: number; duplicates: number }): void {
    this.accepted += outcome.accepted;
    this.duplicates += outcome.duplicates;
  }

  snapshot(): { accepted: number; duplicates: number } {
    return { accepted: this.accepted, duplicates: this.duplicates };
  }
}
