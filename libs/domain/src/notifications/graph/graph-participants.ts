import { partyFromParticipantInfo } from '../../call/call-details';
import { canonicalId } from '../../ids/canonical-id';
import { booleanField, field, isRecord, stringField } from '../../kernel/json';
import { compact } from '../../kernel/objects';
import type { ParticipantInfo } from '../../participants/participant-info';

/** A Graph `participant` resource; entries without an id cannot be tracked and are left out. */
export const graphParticipant = (value: unknown): ParticipantInfo | undefined => {
  if (!isRecord(value)) return undefined;
  const rawParticipantId = stringField(value, 'id');
  if (rawParticipantId === undefined) return undefined;
  const identity = partyFromParticipantInfo(field(value, 'info'));
  return compact({
    participantId: canonicalId(rawParticipantId),
    rawParticipantId,
    displayName: identity?.displayName,
    identity,
    isMuted: booleanField(value, 'isMuted'),
    isOnHold: booleanField(value, 'isOnHold'),
    isInLobby: booleanField(value, 'isInLobby'),
  });
};

/** Roster payloads come as an array; a single participant object is accepted as a roster of one. */
export const graphParticipants = (resourceData: unknown): ParticipantInfo[] => {
  const entries = Array.isArray(resourceData) ? resourceData : [resourceData];
  return entries.map(graphParticipant).filter((p): p is ParticipantInfo => p !== undefined);
};
