import { canonicalId } from '../ids/canonical-id';
import { canonicalJson } from '../kernel/canonical-json';
import { stringField, type UnknownRecord } from '../kernel/json';
import { uuidV5 } from '../kernel/hashing';

/** Namespace of derived ACS operation ids (a fixed, random UUID: never change it). */
export const ACS_OPERATION_ID_NAMESPACE = '4f1d2c3b-6a5e-4d7c-8b9a-0e1f2a3b4c5d';

/**
 * ACS Call Automation events carry no operation id: the only thing that ties `PlayStarted`,
 * `PlayCompleted` and the bot's `:playAudio` response together is the `operationContext` the bot
 * chose, within one call connection and one kind of operation. The tracker therefore derives the
 * id as a UUID v5 of `[callId, operationType, operationContext]`; the same triple always lands on
 * the same operation, whichever fact arrives first and whether or not it also carries an
 * `operationId` (the 2021-08-30-preview does, and it is kept as the raw id).
 *
 * Without an `operationContext` all operations of one kind on the call share one id: ACS gives
 * nothing to tell them apart, and merging them is safer than leaving a started one that nothing
 * can ever complete (it would be reported stale). Bots should set `operationContext`.
 */
export const deriveAcsOperationId = (
  callId: string,
  operationType: string,
  operationContext: string | undefined,
): string =>
  uuidV5(
    canonicalJson([callId, operationType, operationContext ?? null]),
    ACS_OPERATION_ID_NAMESPACE,
  );

/**
 * How an ACS fact names its operation. Dialogs carry their own `dialogId` (every `Dialog*` event
 * and the `startDialog` response): one dialog is one operation, keyed by call and dialog id,
 * whatever `operationContext` each event repeats. Everything else is keyed by call, type and
 * `operationContext` (see `deriveAcsOperationId`). The platform's own id (`operationId` of the
 * 2021-08-30-preview, or the `dialogId`) is kept as the raw id, so that lookups find it.
 */
export const acsOperationIdentity = (
  callId: string,
  operationType: string,
  data: UnknownRecord,
): { operationId: string; rawOperationId?: string } => {
  const dialogId = operationType === 'dialog' ? stringField(data, 'dialogId') : undefined;
  if (dialogId !== undefined) {
    return {
      operationId: uuidV5(
        canonicalJson([callId, 'dialog', { dialogId: canonicalId(dialogId) }]),
        ACS_OPERATION_ID_NAMESPACE,
      ),
      rawOperationId: dialogId,
    };
  }
  const operationId = deriveAcsOperationId(
    callId,
    operationType,
    stringField(data, 'operationContext'),
  );
  const rawOperationId = stringField(data, 'operationId');
  return rawOperationId === undefined ? { operationId } : { operationId, rawOperationId };
};
