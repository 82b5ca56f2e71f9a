import { Injectable } from '@nestjs/common';
import {
  forIncomingCallRecord,
  incomingCallRecordOf,
  type ParsedNotification,
  type ParseResult,
} from '@tracker/domain';
import { ReadModelStore } from '@tracker/read-model';

/**
 * Keeps the record an Event Grid `IncomingCall` started (under the call's correlation id) in step
 * with the connection that answered it: a connection's call notification whose correlation id
 * names such a record, still open, is recorded there too. The record is looked up in the read
 * model, which follows the store within milliseconds; answering a call takes longer than that.
 */
@Injectable()
export class IncomingCallRecords {
  constructor(private readonly readModel: ReadModelStore) {}

  withRecords(result: ParseResult): ParseResult {
    if (!result.ok) return result;
    return { ...result, notifications: result.notifications.flatMap((item) => this.with(item)) };
  }

  private with(item: ParsedNotification): ParsedNotification[] {
    const { notification } = item;
    const recordId = incomingCallRecordOf(notification);
    if (recordId === undefined || notification.type !== 'call') return [item];
    const record = this.readModel.getCall(recordId);
    if (!record || record.source !== 'acs' || record.direction !== 'incoming' || record.final) {
      return [item];
    }
    return [item, { ...item, notification: forIncomingCallRecord(notification, recordId) }];
  }
}
