import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Options,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
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
import { validId } from '../http/valid-id';
import { ApiIdParam, ApiIngest, ApiProblems } from '../openapi/api-docs.decorators';
import { ref } from '../openapi/api-schemas';
import { IncomingCallRecords } from './incoming-call-records';
import { IngestNotifications } from './ingest-notifications.command';
import { SECRET_VAULT } from '../secrets/secrets.module';
import { SecretVault } from '../secrets/secret-vault';

const MAX_ACTION_LENGTH = 64;
const MAX_ORIGIN_LENGTH = 256;

/** Event Grid schema deliveries answer their subscription validation with 200 and its code. */
const ApiEventGridValidation = () =>
  ApiResponse({
    status: 200,
    description: 'A SubscriptionValidationEvent (Event Grid schema) was in the batch: its code',
    schema: ref('EventGridValidationReply'),
  });

/** What Event Grid expects back from an Event Grid schema subscription's validation. */
export interface EventGridValidationReply {
  readonly validationResponse: string;
}

export interface IngestReply {
  readonly accepted: number;
  readonly duplicates: number;
  /** Well-formed items the tracker cannot file under a call (e.g. Event Grid validation events). */
  readonly skipped: number;
}

/**
 * Webhook endpoints. The domain's parser is the one owner of every rule of a body and walks it
 * once (nesting, batch bounds, each item's envelope, then a tolerant read of its open parts): one
 * bad item is a 400 and nothing is stored. The DTOs only describe the bodies in OpenAPI (kept in
 * step with the parser by `dto/body-rules.spec.ts`). The 202 is sent only after every
 * notification is durably appended.
 */
@Controller('api')
export class IngestController {
  private readonly protect?: (secrets: Readonly<Record<string, unknown>>) => unknown;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(SECRET_VAULT) vault: SecretVault | null,
    private readonly incomingCalls: IncomingCallRecords,
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
    return this.ingest(parseGraphNotifications(body));
  }

  @Post('acs/events')
  @Authenticate('acs')
  @ApiIngest('ACS Call Automation events (or Event Grid deliveries)', 'AcsEvents')
  @ApiEventGridValidation()
  @HttpCode(HttpStatus.ACCEPTED)
  acs(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestReply | EventGridValidationReply> {
    return this.acsOrEventGrid(body, reply);
  }

  /**
   * The same events as Event Grid delivers them to a webhook subscription (Event Grid schema or
   * CloudEvents schema, `IncomingCall` included), authenticated with Event Grid's Microsoft Entra
   * ID token instead of ACS's callback token.
   */
  @Post('eventgrid/events')
  @Authenticate('eventGrid')
  @ApiIngest('Event Grid deliveries (Event Grid or CloudEvents schema)', 'AcsEvents')
  @ApiEventGridValidation()
  @HttpCode(HttpStatus.ACCEPTED)
  eventGrid(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestReply | EventGridValidationReply> {
    return this.acsOrEventGrid(body, reply);
  }

  /**
   * CloudEvents webhook validation (the CloudEvents schema's handshake, which Event Grid sends
   * before the first delivery): grant the requesting origin, with no rate limit. It stores and
   * reveals nothing, so it needs no token.
   */
  @Options(['acs/events', 'eventgrid/events'])
  @Authenticate('public')
  @ApiTags('ingest')
  @ApiOperation({ summary: 'CloudEvents webhook validation handshake' })
  @ApiHeader({ name: 'WebHook-Request-Origin', required: true })
  @ApiResponse({
    status: 200,
    description: 'Granted: WebHook-Allowed-Origin and WebHook-Allowed-Rate headers',
  })
  @ApiProblems(400)
  @HttpCode(HttpStatus.OK)
  webhookValidation(
    @Headers('webhook-request-origin') origin: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    const granted = origin?.trim() ?? '';
    if (granted === '' || granted.length > MAX_ORIGIN_LENGTH) {
      throw invalidRequest([
        {
          field: 'WebHook-Request-Origin',
          problem: `the validation request must name its origin (1–${MAX_ORIGIN_LENGTH} characters)`,
        },
      ]);
    }
    reply.header('WebHook-Allowed-Origin', granted);
    reply.header('WebHook-Allowed-Rate', '*');
  }

  @Post('calls/:callId/operations')
  @Authenticate('client') // the bot itself reports its operation responses
  @ApiIngest(
    "An action's response, as the bot received it",
    'OperationResponseDto',
    'E.g. `playPromptOperation` with `status: running`, or the ACS `:playAudio` 202 body: gives the operation its start.',
  )
  @ApiIdParam('callId', 'The call the operation belongs to')
  @ApiQuery({
    name: 'action',
    required: false,
    description: 'The action the body answers (playAudio, …) when the body does not say',
    schema: { type: 'string', maxLength: MAX_ACTION_LENGTH },
  })
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
    return this.ingest(parseOperationResponse(callId, body, named));
  }

  /**
   * An Event Grid schema `SubscriptionValidationEvent` is answered `200 {"validationResponse"}`
   * with its code, once whatever else the request carried is stored.
   */
  private async acsOrEventGrid(
    body: unknown,
    reply: FastifyReply,
  ): Promise<IngestReply | EventGridValidationReply> {
    const result = await this.incomingCalls.withRecords(parseAcsEvents(body));
    const stored = await this.ingest(result);
    const code = result.ok
      ? result.skipped.find((item) => item.validationCode !== undefined)?.validationCode
      : undefined;
    if (code === undefined) return stored;
    reply.status(HttpStatus.OK);
    return { validationResponse: code };
  }

  private async ingest(result: ParseResult): Promise<IngestReply> {
    if (!result.ok) {
      throw invalidRequest(
        result.errors.map((e) => ({ field: e.path || 'body', problem: e.message })),
        result.errors.some((e) => e.envelope) ? 'invalid_envelope' : 'invalid_notification',
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
