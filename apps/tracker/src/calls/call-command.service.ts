import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CallCommand, CallEvent } from '@tracker/domain';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { CallCommandHandler, CallStateFolder, CommandOutcome } from '@tracker/call-stream';
import { IngestCounters } from '../ingest/ingest-counters';

/** The call-stream command handler, with this service's counters and log. */
@Injectable()
export class CallCommandService {
  private readonly handler: CallCommandHandler;
  private readonly logger = new Logger('Calls');

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    folder: CallStateFolder,
    private readonly counters: IngestCounters,
  ) {
    this.handler = new CallCommandHandler(store, folder, {
      onConflict: () => counters.conflict(),
      onRetry: () => counters.retry(),
    });
  }

  async execute(callId: string, commands: readonly CallCommand[]): Promise<CommandOutcome> {
    const outcome = await this.handler.execute(callId, commands);
    this.warnOfTypeConflicts(outcome.events);
    return outcome;
  }

  /** One id, two types is kept visible: a warning and a count per conflict (ids and types only). */
  private warnOfTypeConflicts(events: readonly CallEvent[]): void {
    for (const event of events) {
      if (event.type !== 'OperationTypeConflictSeen') continue;
      this.counters.typeConflict();
      const { callId, operationId, operationType, conflictingType, conflictingRawType } =
        event.data;
      this.logger.warn(
        `call ${callId}: operation ${operationId} is a ${operationType} but a notification ` +
          `calls it ${conflictingType} (${conflictingRawType ?? 'no raw type'}); kept ${operationType}`,
      );
    }
  }
}
