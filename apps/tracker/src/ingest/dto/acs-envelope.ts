import { invalidRequest } from '../../http/problem';
import { validateBody } from '../../http/validate-body';
import { AcsCloudEventDto } from './acs-event.dto';
import { MAX_NOTIFICATIONS_PER_BATCH } from './graph-notifications.dto';

/**
 * The envelope of what ACS or Event Grid posts: an array of events (each checked as
 * `AcsCloudEventDto`), or one event object (2021 previews post single objects, some with `null`
 * ids). What is inside `data` is the domain parser's to read.
 */
export const checkAcsEnvelope = (body: unknown): void => {
  if (!Array.isArray(body)) {
    validateBody(Object, body);
    return;
  }
  if (body.length === 0) {
    throw invalidRequest(
      [{ field: 'body', problem: 'must not be an empty array' }],
      'invalid_envelope',
    );
  }
  if (body.length > MAX_NOTIFICATIONS_PER_BATCH) {
    throw invalidRequest(
      [{ field: 'body', problem: `must hold at most ${MAX_NOTIFICATIONS_PER_BATCH} events` }],
      'invalid_envelope',
    );
  }
  body.forEach((event, i) => validateBody(AcsCloudEventDto, event, `[${i}]`));
};
