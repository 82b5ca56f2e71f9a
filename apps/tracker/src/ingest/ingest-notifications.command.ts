import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RecordNotification } from '@tracker/domain';
import { CallCommandService } from '../calls/call-command.service';
import { IngestCounters } from './ingest-counters';

export interface IngestOutcome {
  readonly accepted: number;
  readonly duplicates: number;
}

/** Record every notification of one request; resolves only once all are durably stored. */
export class IngestNotifications extends Command<IngestOutcome> {
  constructor(readonly commands: readonly RecordNotification[]) {
    super();
  }
}

@CommandHandler(IngestNotifications)
export class IngestNotificationsHandler implements ICommandHandler<IngestNotifications> {
  constructor(
    private readonly calls: CallCommandService,
    private readonly counters: IngestCounters,
  ) {}

  /** Calls are independent: their appends run together (and share the store's group commit). */
  async execute({ commands }: IngestNotifications): Promise<IngestOutcome> {
    const byCall = new Map<string, RecordNotification[]>();
    for (const command of commands) {
      const callId = command.data.notification.callId;
      const forCall = byCall.get(callId);
      if (forCall) forCall.push(command);
      else byCall.set(callId, [command]);
    }
    const outcomes = await Promise.all(
      [...byCall].map(([callId, forCall]) => this.calls.execute(callId, forCall)),
    );
    const outcome = outcomes.reduce<IngestOutcome>(
      (sum, o) => ({
        accepted: sum.accepted + o.accepted,
        duplicates: sum.duplicates + o.duplicates,
      }),
      { accepted: 0, duplicates: 0 },
    );
    this.counters.record(outcome);
    return outcome;
  }
}
