import { Controller, Get, HttpStatus, Inject, Param, Query } from '@nestjs/common';
import { canonicalId, CallView, MAX_CONTEXT_LENGTH, OperationView } from '@tracker/domain';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { ReadModelQueries } from '@tracker/read-model';
import { HistoryEntry, readCallHistory } from '../calls/call-history';
import { notFound, ProblemException } from '../http/problem';
import { optionalQueryText } from '../http/query-text';
import { validId } from '../http/valid-id';
import { ApiIdParam, ApiRead } from '../openapi/api-docs.decorators';
import { ApiQuery } from '@nestjs/swagger';

/** REST read mirrors for people with curl. Any id form works (`57DAB8B1…` or `57dab8b1-…`). */
@Controller('api')
export class QueryController {
  constructor(
    private readonly readModel: ReadModelQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('calls/:callId')
  @ApiRead('The call', 'CallView', 400, 401, 404, 503)
  @ApiIdParam('callId', 'Call id')
  async call(@Param('callId') callId: string): Promise<CallView> {
    const id = canonicalId(validId('callId', callId));
    return (await this.readModel.getCall(id)) ?? this.unknownCall(callId);
  }

  /** `?context=X` keeps the operations whose `operationContext` or `clientContext` is X. */
  @Get('calls/:callId/operations')
  @ApiRead("The call's operations", 'OperationList', 400, 401, 404, 503)
  @ApiIdParam('callId', 'Call id')
  @ApiQuery({
    name: 'context',
    required: false,
    description: 'Only the operations whose operationContext or clientContext is this',
    schema: { type: 'string', maxLength: MAX_CONTEXT_LENGTH },
  })
  async operations(
    @Param('callId') callId: string,
    @Query('context') context: unknown,
  ): Promise<{ operations: OperationView[] }> {
    const id = canonicalId(validId('callId', callId));
    const wanted = optionalQueryText('context', context, MAX_CONTEXT_LENGTH);
    const [call, operations] = await Promise.all([
      this.readModel.getCall(id),
      this.readModel.listOperations(id, { context: wanted }),
    ]);
    if (!call) this.unknownCall(callId);
    return { operations };
  }

  /** The call's stream as stored: notifications as received (secrets removed), then decisions. */
  @Get('calls/:callId/history')
  @ApiRead("The call's stream as stored", 'CallHistory', 400, 401, 404, 503)
  @ApiIdParam('callId', 'Call id')
  async history(
    @Param('callId') callId: string,
  ): Promise<{ callId: string; events: HistoryEntry[] }> {
    const id = canonicalId(validId('callId', callId));
    const events = await readCallHistory(this.store, id);
    if (events.length === 0) this.unknownCall(callId);
    return { callId: id, events };
  }

  /** By the tracker's id or by any id the platform gave the operation (any case or dash form). */
  @Get('operations/:operationId')
  @ApiRead('One operation', 'OperationView', 400, 401, 404, 409, 503)
  @ApiIdParam('operationId', "The tracker's operation id, or any id the platform gave it")
  async operation(@Param('operationId') operationId: string): Promise<OperationView> {
    const found = await this.readModel.findOperations(validId('operationId', operationId));
    if (found.length === 0) throw notFound('operation', operationId);
    if (found.length > 1) {
      throw new ProblemException(HttpStatus.CONFLICT, {
        error: 'ambiguous_id',
        message: `"${operationId}" names ${found.length} operations: ${found
          .map((op) => `${op.operationId} (call ${op.callId})`)
          .join(', ')}; ask by one of these ids`,
      });
    }
    return found[0];
  }

  private unknownCall(callId: string): never {
    throw notFound('call', callId);
  }
}
