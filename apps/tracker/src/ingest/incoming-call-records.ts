import { Injectable } from '@nestjs/common';
import {
  forIncomingCallRecord,
  incomingCallRecordOf,
  type ParsedNotification,
  type ParseResult,
} from '@tracker/domain';
import { ReadModelQueries } from '@tracker/read-model';

/**
 * Keeps the record an Event Grid `IncomingCall` started (under the call's correlation id) in step
 * with the connection that answered it: a connection's call notification whose correlation id
 * names such a record, still open, is recorded there too. The record is looked up in the read
 * model, which follows the store within milliseconds; answering a call takes longer than that.
 * The lookups go through the read model's queries (query threads by default), so a read that waits
 * for the disk does not hold up the event loop that acknowledges webhooks.
 */
@Injectable()
export class IncomingCallRecords {
  constructor(private readonly readModel: ReadModelQueries) {}

  async withRecords(result: ParseResult): Promise<ParseResult> {
    if (!result.ok) return result;
    const expanded = await Promise.all(result.notifications.map((item) => this.with(item)));
    return { ...result, notifications: expanded.flat() };
  }

  private async with(item: ParsedNotification): Promise<ParsedNotification[]> {
    const { notification } = item;
    const recordId = incomingCallRecordOf(notification);
    if (recordId === undefined || notification.type !== 'call') return [item];
    const record = await this.readModel.getCall(recordId);
    if (!record || record.source !== 'acs' || record.direction !== 'incoming' || record.final) {
      return [item];
    }
    return [item, { ...item, notification: forIncomingCallRecord(notification, recordId) }];
  }
}
