import { Body, Controller, HttpCode, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ParseResult,
  parseAcsEvents,
  parseGraphNotifications,
  parseOperationResponse,
  recordCommands,
} from '@tracker/domain';
import { Authenticate } from '../auth/authenticate.decorator';
import { invalidRequest } from '../http/problem';
import { optionalQueryText } from '../http/query-text';
import { validateBody } from '../http/validate-body';
import { validId } from '../http/valid-id';
import { AcsCloudEventDto } from './dto/acs-event.dto';
import { CommsNotificationsDto, MAX_NOTIFICATIONS_PER_BATCH } from './dto/graph-notifications.dto';
import { OperationResponseDto } from './dto/operation-response.dto';
import { IngestNotifications } from './ingest-notifications.command';
import { SECRET_VAULT } from '../secrets/secrets.module';
import { SecretVault } from '../secrets/secret-vault';

const MAX_ACTION_LENGTH = 64;

export interface IngestReply {
  readonly accepted: number;
  readonly duplicates: number;
  /** Well-formed items the tracker cannot file under a call (e.g. Event Grid validation events). */
  readonly skipped: number;
}

/**
 * Webhook endpoints. Each validates the whole request first (envelope with class-validator, then
 * the domain's tolerant parse of the open parts): one bad item is a 400 and nothing is stored.
 * The 202 is sent only after every notification is durably appended.
 */
@Controller('api')
export class IngestController {
  private readonly protect?: (secrets: Readonly<Record<string, unknown>>) => unknown;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(SECRET_VAULT) vault: SecretVault | null,
  ) {
    if (vault) this.protect = (secrets) => vault.seal(secrets);
  }

  @Post('calls')
  @Authenticate('graph')
  @HttpCode(HttpStatus.ACCEPTED)
  graph(@Body() body: unknown): Promise<IngestReply> {
    validateBody(CommsNotificationsDto, body);
    return this.ingest(parseGraphNotifications(body));
  }

  @Post('acs/events')
  @Authenticate('acs')
  @HttpCode(HttpStatus.ACCEPTED)
  acs(@Body() body: unknown): Promise<IngestReply> {
    if (Array.isArray(body)) {
      if (body.length === 0)
        throw invalidRequest([{ field: 'body', problem: 'must not be an empty array' }]);
      if (body.length > MAX_NOTIFICATIONS_PER_BATCH) {
        throw invalidRequest([
          { field: 'body', problem: `must hold at most ${MAX_NOTIFICATIONS_PER_BATCH} events` },
        ]);
      }
      body.forEach((event, i) => validateBody(AcsCloudEventDto, event, `[${i}]`));
    } else {
      validateBody(Object, body); // a single 2021-08-30-preview event object
    }
    return this.ingest(parseAcsEvents(body));
  }

  @Post('calls/:callId/operations')
  @Authenticate('client') // the bot itself reports its operation responses
  @HttpCode(HttpStatus.ACCEPTED)
  operationResponse(
    @Param('callId') callId: string,
    @Query('action') action: unknown,
    @Body() body: unknown,
  ): Promise<IngestReply> {
    validId('callId', callId);
    // An action is a name (playAudio, startDialog, …): the id rule's characters fit it.
    const named = optionalQueryText('action', action, MAX_ACTION_LENGTH);
    if (named !== undefined) validId('action', named);
    validateBody(OperationResponseDto, body);
    return this.ingest(parseOperationResponse(callId, body, named));
  }

  private async ingest(result: ParseResult): Promise<IngestReply> {
    if (!result.ok) {
      throw invalidRequest(
        result.errors.map((e) => ({ field: e.path || 'body', problem: e.message })),
      );
    }
    const commands = recordCommands(result.notifications, new Date(), this.protect);
    const outcome =
      commands.length === 0
        ? { accepted: 0, duplicates: 0 }
        : await this.commandBus.execute(new IngestNotifications(commands));
    return { ...outcome, skipped: result.skipped.length };
  }
}
