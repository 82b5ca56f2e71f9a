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
 * Marks unanswered calls, stuck operations and silent calls. The read model knows each call's
 * next deadline, so a tick only touches calls that are due; the marks themselves are decided (once)
 * by the domain and stored like any other event, with ids that two instances decide alike.
 */
@Injectable()
export class DeadlineWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Deadlines');
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

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

  /** One pass over the due calls; public so tests can drive it with their own clock. */
  async tick(now: Date = new Date()): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let marked = 0;
    try {
      const check = checkDeadlines(now, this.config.deadlines.bounds);
      for (const callId of this.readModel.dueCalls(now.getTime(), 500)) {
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
