import { Body, Controller, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
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
import { validateBody } from '../http/validate-body';
import { validId } from '../http/valid-id';
import { ApiIdParam, ApiIngest } from '../openapi/api-docs.decorators';
import { AcsCloudEventDto } from './dto/acs-event.dto';
import { CommsNotificationsDto, MAX_NOTIFICATIONS_PER_BATCH } from './dto/graph-notifications.dto';
import { OperationResponseDto } from './dto/operation-response.dto';
import { IngestNotifications } from './ingest-notifications.command';
import { SECRET_VAULT } from '../secrets/secrets.module';
import { SecretVault } from '../secrets/secret-vault';

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
  @ApiIngest(
    'Microsoft Graph commsNotifications',
    'CommsNotificationsDto',
    'The bot callback: a `commsNotifications` batch (`value[]`, at most 1000).',
  )
  @HttpCode(HttpStatus.ACCEPTED)
  graph(@Body() body: unknown): Promise<IngestReply> {
    validateBody(CommsNotificationsDto, body);
    return this.ingest(parseGraphNotifications(body));
  }

  @Post('acs/events')
  @Authenticate('acs')
  @ApiIngest('ACS Call Automation events', 'AcsEvents')
  @HttpCode(HttpStatus.ACCEPTED)
  acs(@Body() body: unknown): Promise<IngestReply> {
    if (Array.isArray(body)) {
      if (body.length === 0)
        throw invalidRequest(
          [{ field: 'body', problem: 'must not be an empty array' }],
          'invalid_envelope',
        );
      if (body.length > MAX_NOTIFICATIONS_PER_BATCH) {
        throw invalidRequest(
          [{ field: 'body', problem: `must hold at most ${MAX_NOTIFICATIONS_PER_BATCH} events` }],
          'invalid_envelope',
        );
      }
      body.forEach((event, i) => validateBody(AcsCloudEventDto, event, `[${i}]`));
    } else {
      validateBody(Object, body); // a single 2021-08-30-preview event object
    }
    return this.ingest(parseAcsEvents(body));
  }

  @Post('calls/:callId/operations')
  @Authenticate('client') // the bot itself reports its operation responses
  @ApiIngest(
    "An action's response, as the bot received it",
    'OperationResponseDto',
    'E.g. `playPromptOperation` with `status: running`, or the ACS `:playAudio` 202 body: gives the operation its start.',
  )
  @ApiIdParam('callId', 'The call the operation belongs to')
  @HttpCode(HttpStatus.ACCEPTED)
  operationResponse(@Param('callId') callId: string, @Body() body: unknown): Promise<IngestReply> {
    validId('callId', callId);
    validateBody(OperationResponseDto, body);
    return this.ingest(parseOperationResponse(callId, body));
  }

  private async ingest(result: ParseResult): Promise<IngestReply> {
    if (!result.ok) {
      throw invalidRequest(
        result.errors.map((e) => ({ field: e.path || 'body', problem: e.message })),
        'invalid_notification',
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
