import { Injectable, Logger } from '@nestjs/common';
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

  reject(caller: Caller, reason: AuthRejectReason, from: string): void {
    const key = `${caller}\u0000${reason}`;
    const count = (this.rejected.get(key) ?? 0) + 1;
    this.rejected.set(key, count);
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? -Infinity) >= LOG_EVERY_MS) {
      this.lastLogged.set(key, now);
      this.logger.warn(`rejected ${caller} request from ${from}: ${reason} (${count} so far)`);
    }
  }

  snapshot(): { caller: string; reason: string; count: number }[] {
    return [...this.rejected].map(([key, count]) => {
      const [caller, reason] = key.split('\u0000');
      return { caller, reason, count };
    });
  }
}
