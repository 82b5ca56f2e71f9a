import { Controller, Get, Inject, Param } from '@nestjs/common';
import { canonicalId, CallView, OperationView } from '@tracker/domain';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { ReadModelStore } from '@tracker/read-model';
import { HistoryEntry, readCallHistory } from '../calls/call-history';
import { notFound } from '../http/problem';
import { validId } from '../http/valid-id';
import { ApiIdParam, ApiRead } from '../openapi/api-docs.decorators';

/** REST read mirrors for people with curl. Any id form works (`57DAB8B1…` or `57dab8b1-…`). */
@Controller('api')
export class QueryController {
  constructor(
    private readonly readModel: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('calls/:callId')
  @ApiRead('The call', 'CallView', 400, 401, 404)
  @ApiIdParam('callId', 'Call id')
  call(@Param('callId') callId: string): CallView {
    const id = canonicalId(validId('callId', callId));
    return this.readModel.getCall(id) ?? this.unknownCall(callId);
  }

  @Get('calls/:callId/operations')
  @ApiRead("The call's operations", 'OperationList', 400, 401, 404)
  @ApiIdParam('callId', 'Call id')
  operations(@Param('callId') callId: string): { operations: OperationView[] } {
    const id = canonicalId(validId('callId', callId));
    if (!this.readModel.getCall(id)) this.unknownCall(callId);
    return { operations: this.readModel.listOperations(id) };
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

  @Get('operations/:operationId')
  @ApiRead('One operation', 'OperationView', 400, 401, 404)
  @ApiIdParam('operationId', 'Operation id')
  operation(@Param('operationId') operationId: string): OperationView {
    const id = canonicalId(validId('operationId', operationId));
    const found = this.readModel.getOperation(id);
    if (!found) throw notFound('operation', operationId);
    return found;
  }

  private unknownCall(callId: string): never {
    throw notFound('call', callId);
  }
}
