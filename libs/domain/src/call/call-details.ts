import type { Instant } from '../kernel/instants';
import { isRecord, recordField, stringField, type UnknownRecord } from '../kernel/json';
import { compact } from '../kernel/objects';

/** Who a party is, as far as the payload says (Graph identity set or ACS identifier). */
export interface PartyInfo {
  /** `user`, `application`, `applicationInstance`, `phone`, `guest`, ACS `communicationUser`, … */
  readonly kind?: string;
  readonly id?: string;
  readonly displayName?: string;
  /** Graph `participantInfo.id` when the payload gives it. */
  readonly participantId?: string;
}

/** Descriptive facts about a call; each one is filled in the first time a payload carries it. */
export interface CallDetails {
  readonly direction?: string;
  readonly caller?: PartyInfo;
  readonly targets?: readonly PartyInfo[];
  readonly requestedModalities?: readonly string[];
  readonly tenantId?: string;
  readonly callChainId?: string;
  readonly myParticipantId?: string;
  readonly serverCallId?: string;
  readonly correlationId?: string;
  /** ACS: the call connection that answered an Event Grid `IncomingCall` (see forIncomingCallRecord). */
  readonly callConnectionId?: string;
  /** When the call was first seen ringing (decided from the receipt time, not parsed). */
  readonly incomingAt?: Instant;
}

const IGNORED_IDENTITY_KEYS = new Set(['@odata.type', 'additionaldata']);

/** The first identity of a Graph `identitySet` (`{ user: { id, displayName } }`). */
export const partyFromIdentitySet = (identitySet: unknown): PartyInfo | undefined => {
  if (!isRecord(identitySet)) return undefined;
  for (const [kind, identity] of Object.entries(identitySet)) {
    if (IGNORED_IDENTITY_KEYS.has(kind.toLowerCase()) || !isRecord(identity)) continue;
    const id = stringField(identity, 'id');
    const displayName = stringField(identity, 'displayName');
    if (id !== undefined || displayName !== undefined) return compact({ kind, id, displayName });
  }
  return undefined;
};

/** A Graph `participantInfo` (call `source`, invitation targets, participant `info`). */
export const partyFromParticipantInfo = (info: unknown): PartyInfo | undefined => {
  if (!isRecord(info)) return undefined;
  const party = partyFromIdentitySet(recordField(info, 'identity'));
  const participantId = stringField(info, 'id');
  if (party === undefined && participantId === undefined) return undefined;
  return compact({ ...party, participantId });
};

/** An ACS `CommunicationIdentifier` (`{ rawId, kind, communicationUser: { id } }`). */
export const partyFromAcsIdentifier = (identifier: unknown): PartyInfo | undefined => {
  if (!isRecord(identifier)) return undefined;
  const kind = stringField(identifier, 'kind');
  const id =
    stringField(identifier, 'rawId') ??
    nestedString(identifier, 'communicationUser', 'id') ??
    nestedString(identifier, 'phoneNumber', 'value') ??
    nestedString(identifier, 'microsoftTeamsUser', 'userId') ??
    nestedString(identifier, 'microsoftTeamsApp', 'appId');
  if (kind === undefined && id === undefined) return undefined;
  return compact({ kind, id });
};

const nestedString = (record: UnknownRecord, outer: string, inner: string): string | undefined => {
  const nested = recordField(record, outer);
  return nested ? stringField(nested, inner) : undefined;
};
