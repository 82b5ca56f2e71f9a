import { partyFromAcsIdentifier } from '../../call/call-details';
import { canonicalId } from '../../ids/canonical-id';
import { booleanField, field, isRecord, stringField } from '../../kernel/json';
import { compact } from '../../kernel/objects';
import type { ParticipantInfo } from '../../participants/participant-info';

/**
 * An ACS `CallParticipant` (`{ identifier, isMuted, isOnHold }`; the preview also has
 * `participantId`). The participant is named by its raw identifier (`8:acs:…`, `4:+1…`).
 */
export const acsParticipant = (value: unknown): ParticipantInfo | undefined => {
  if (!isRecord(value)) return undefined;
  const identity = partyFromAcsIdentifier(field(value, 'identifier'));
  const rawParticipantId = stringField(value, 'participantId') ?? identity?.id;
  if (rawParticipantId === undefined) return undefined;
  return compact({
    participantId: canonicalId(rawParticipantId),
    rawParticipantId,
    displayName: stringField(value, 'displayName'),
    identity,
    isMuted: booleanField(value, 'isMuted'),
    isOnHold: booleanField(value, 'isOnHold'),
  });
};

export const acsParticipants = (value: unknown): ParticipantInfo[] =>
  Array.isArray(value)
    ? value.map(acsParticipant).filter((p): p is ParticipantInfo => p !== undefined)
    : [];
