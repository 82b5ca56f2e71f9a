import { deadlineBounds, type DeadlineBounds } from '../deadlines/deadline-bounds';
import { assertNever } from '../kernel/assert-never';
import { toInstant } from '../kernel/instants';
import type { ParsedNotification } from '../notifications/parse-result';
import type { CheckDeadlines, RecordNotification, RecordNotificationData } from './commands';

export interface RecordOptions {
  /** Opaque protected form of `parsed.secrets` (see `RecordNotificationData.protectedSecrets`). */
  readonly protectedSecrets?: unknown;
}

/** The command that records one parsed notification; its type follows where it came from. */
export const recordCommand = (
  parsed: ParsedNotification,
  receivedAt: string | Date,
  options: RecordOptions = {},
): RecordNotification => {
  const data: RecordNotificationData = {
    notification: parsed.notification,
    payload: parsed.payload,
    redactedPaths: parsed.redactedPaths,
    receivedAt: toInstant(receivedAt),
    ...(options.protectedSecrets === undefined
      ? {}
      : { protectedSecrets: options.protectedSecrets }),
  };
  const source = parsed.notification.source;
  switch (source) {
    case 'graph':
      return { type: 'RecordGraphNotification', data };
    case 'acs':
      return { type: 'RecordAcsEvent', data };
    case 'bot':
      return { type: 'RecordOperationResponse', data };
    default:
      return assertNever(source, 'notification source');
  }
};

/** One command per parsed notification, all received at the same instant (one HTTP request). */
export const recordCommands = (
  parsed: readonly ParsedNotification[],
  receivedAt: string | Date,
  protect?: (secrets: Readonly<Record<string, unknown>>) => unknown,
): RecordNotification[] =>
  parsed.map((item) =>
    recordCommand(item, receivedAt, {
      protectedSecrets:
        protect && Object.keys(item.secrets).length > 0 ? protect(item.secrets) : undefined,
    }),
  );

export const checkDeadlines = (
  now: string | Date,
  bounds: Partial<DeadlineBounds> | DeadlineBounds = {},
): CheckDeadlines => ({
  type: 'CheckDeadlines',
  data: { now: toInstant(now), bounds: deadlineBounds(bounds) },
});
