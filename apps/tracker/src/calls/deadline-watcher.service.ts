import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { checkDeadlines } from '@tracker/domain';
import { ReadModelStore } from '@tracker/read-model';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CallCommandService } from './call-command.service';

/**
 * The share of each check interval a tick may spend marking calls. Each mark reads and folds the
 * call's stream and appends on the event loop that answers HTTP and gRPC: when thousands of calls
 * fall due at once (a restart after an outage; in the bench, 20,000 calls with one last-activity
 * instant), an unbounded tick starved the requests (gRPC p50 1.5 s). What a tick leaves is still
 * due, and the next tick takes it.
 */
const TICK_BUDGET_SHARE = 0.25;

/**
 * Marks unanswered calls, stuck operations and silent calls. The read model knows each call's
 * next deadline, so a tick only touches calls that are due; the marks themselves are decided (once)
 * by the domain and stored like any other event, with ids that two instances decide alike.
 */
@Injectable()
export class DeadlineWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Deadlines');
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  /** Milliseconds from an arbitrary origin, for the tick's budget (replaced in tests). */
  clock: () => number = () => performance.now();

  constructor(
    private readonly readModel: ReadModelStore,
    private readonly calls: CallCommandService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.deadlines.checkIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * One pass over the due calls, within its budget; public so tests can drive it with their own
   * clock.
   */
  async tick(now: Date = new Date()): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let marked = 0;
    const started = this.clock();
    const budgetMs = this.config.deadlines.checkIntervalMs * TICK_BUDGET_SHARE;
    try {
      const check = checkDeadlines(now, this.config.deadlines.bounds);
      for (const callId of this.readModel.dueCalls(now.getTime(), 500)) {
        if (this.clock() - started >= budgetMs) break;
        const outcome = await this.calls.execute(callId, [check]);
        marked += outcome.accepted;
      }
    } catch (error) {
      this.logger.warn(`deadline check failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
    return marked;
  }
}
