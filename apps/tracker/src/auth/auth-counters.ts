import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { Caller } from './authenticate.decorator';
import { AuthRejectReason } from './jwt-verifier';

const LOG_EVERY_MS = 60_000;

/**
 * Rejected calls by caller and reason, for /metrics; each kind is logged at most once a minute so
 * a flood of forged requests cannot flood the logs too. Tokens and keys are never logged.
 */
@Injectable()
export class AuthCounters {
  private readonly logger = new Logger('Auth');
  private readonly rejected = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();
  private readonly counter: Counter<'caller' | 'reason'>;

  constructor(metrics: TrackerMetrics) {
    this.counter = new Counter({
      name: 'tracker_auth_rejected_total',
      help: 'Requests refused for missing or bad credentials',
      labelNames: ['caller', 'reason'] as const,
      registers: [metrics.registry],
    });
  }

  reject(caller: Caller, reason: AuthRejectReason, from: string): void {
    const key = `${caller}\u0000${reason}`;
    const count = (this.rejected.get(key) ?? 0) + 1;
    this.rejected.set(key, count);
    this.counter.inc({ caller, reason });
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? -Infinity) >= LOG_EVERY_MS) {
      this.lastLogged.set(key, now);
      this.logger.warn(`rejected ${caller} request from ${from}: ${reason} (${count} so far)`);
    }
  }
}
