import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { CallView } from '@tracker/domain';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { readCallHistory } from '../calls/call-history';
import { Projection, ReadModelQueries, ReadModelUnavailableError } from '@tracker/read-model';
import { GrpcFaultFilter, unavailableStatus } from './grpc-fault.filter';
import { failedPrecondition, invalidArgument, notFound, requireId } from './grpc-errors';
import {
  CallMessage,
  HistoryEventMessage,
  OperationMessage,
  toCallMessage,
  toHistoryEventMessage,
  toOperationMessage,
} from './messages';
import { decodePageToken, encodePageToken, pageSize } from './page-token';

const SERVICE = 'CallTracker';

/** Requests arrive with the .proto's field names (proto-loader `keepCase`). */
interface ListCallsRequest {
  readonly state?: string;
  readonly source?: string;
  readonly updated_since?: string;
  readonly page_size?: number;
  readonly page_token?: string;
}

/**
 * `comms.tracker.v1.CallTracker`: the REST read mirrors over gRPC, plus WatchCall. The global guard
 * covers HTTP only in this hybrid app, so the gRPC controller names it.
 */
@UseGuards(AuthGuard)
@UseFilters(GrpcFaultFilter)
@Controller()
export class CallTrackerGrpcController {
  constructor(
    private readonly readModel: ReadModelQueries,
    private readonly projector: Projection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @GrpcMethod(SERVICE, 'GetCall')
  async getCall(request: { call_id?: string }): Promise<CallMessage> {
    return toCallMessage(await this.requireCall(request.call_id));
  }

  @GrpcMethod(SERVICE, 'GetOperation')
  async getOperation(request: { operation_id?: string }): Promise<OperationMessage> {
    requireId('operation_id', request.operation_id);
    const found = await this.readModel.findOperations(request.operation_id as string);
    if (found.length === 0) throw notFound(`no operation ${request.operation_id}`);
    if (found.length > 1) {
      throw failedPrecondition(
        `operation_id ${request.operation_id} names ${found.length} operations: ${found
          .map((op) => op.operationId)
          .join(', ')}`,
      );
    }
    return toOperationMessage(found[0]);
  }

  @GrpcMethod(SERVICE, 'ListOperations')
  async listOperations(request: {
    call_id?: string;
    status?: string;
    context?: string;
  }): Promise<{ operations: OperationMessage[] }> {
    const id = requireId('call_id', request.call_id);
    // Both reads at once (on two query threads when both are idle): the call only decides NOT_FOUND.
    const [call, operations] = await Promise.all([
      this.readModel.getCall(id),
      this.readModel.listOperations(id, {
        status: request.status || undefined,
        context: request.context || undefined,
      }),
    ]);
    if (!call) throw notFound(`no call ${request.call_id}`);
    return { operations: operations.map(toOperationMessage) };
  }

  @GrpcMethod(SERVICE, 'ListCalls')
  async listCalls(
    request: ListCallsRequest,
  ): Promise<{ calls: CallMessage[]; next_page_token: string }> {
    const limit = pageSize(request.page_size);
    const after = decodePageToken(request.page_token ?? '');
    let updatedSince: string | undefined;
    if (request.updated_since) {
      const ms = Date.parse(request.updated_since);
      if (!Number.isFinite(ms)) {
        throw invalidArgument(
          `updated_since must be an ISO-8601 instant (got ${JSON.stringify(request.updated_since)})`,
        );
      }
      updatedSince = new Date(ms).toISOString();
    }
    // One more than asked says whether another page follows, so the last page has no token.
    const rows = await this.readModel.listCalls({
      state: request.state || undefined,
      source: request.source || undefined,
      updatedSince,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextPageToken =
      rows.length > limit && last
        ? encodePageToken({ updatedAt: last.updatedAt ?? '', callId: last.callId })
        : '';
    return { calls: page.map(toCallMessage), next_page_token: nextPageToken };
  }

  @GrpcMethod(SERVICE, 'GetCallHistory')
  async getCallHistory(request: {
    call_id?: string;
  }): Promise<{ call_id: string; events: HistoryEventMessage[] }> {
    const id = requireId('call_id', request.call_id);
    const events = await readCallHistory(this.store, id);
    if (events.length === 0) throw notFound(`no call ${request.call_id}`);
    return { call_id: id, events: events.map(toHistoryEventMessage) };
  }

  /**
   * The current view first, then each committed change of this call, until it is final. The
   * watch starts before the current view is read and ends on completion, error or client cancel
   * (Nest unsubscribes when the call is cancelled). A projection thread learns of the watch by
   * message and then posts the call's current view itself, so a change committed meanwhile is not
   * lost. Views come from the query thread and the projection in any order: one older than what
   * was sent is skipped (by version); the read decides NOT_FOUND only if no view came at all.
   */
  @GrpcMethod(SERVICE, 'WatchCall')
  watchCall(request: { call_id?: string }): Observable<CallMessage> {
    const id = requireId('call_id', request.call_id);
    return new Observable<CallMessage>((subscriber) => {
      let lastVersion = -1;
      const send = (view: CallView) => {
        if (view.version <= lastVersion) return;
        lastVersion = view.version;
        subscriber.next(toCallMessage(view));
        if (view.final) subscriber.complete();
      };
      const unwatch = this.projector.watch(id, send);
      this.readModel.getCall(id).then(
        (current) => {
          if (current) send(current);
          else if (lastVersion < 0) subscriber.error(notFound(`no call ${request.call_id}`));
        },
        (error: unknown) =>
          subscriber.error(
            error instanceof ReadModelUnavailableError ? unavailableStatus(error) : error,
          ),
      );
      return unwatch;
    });
  }

  private async requireCall(rawId: string | undefined): Promise<CallView> {
    const id = requireId('call_id', rawId);
    const call = await this.readModel.getCall(id);
    if (!call) throw notFound(`no call ${rawId}`);
    return call;
  }
}
