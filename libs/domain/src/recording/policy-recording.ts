import { partyFromIdentitySet, type PartyInfo } from '../call/call-details';
import { field, isRecord, recordField, stringArrayField, stringField } from '../kernel/json';
import { compact } from '../kernel/objects';

/** A recorder or user named in the `botData` of a policy-based recording invitation. */
export interface RecordingPartyRef {
  readonly id?: string;
  readonly participantId?: string;
  readonly tenantId?: string;
  readonly participationMethod?: string;
  readonly clientLocation?: string;
}

/**
 * Why and for whom a compliance-recording bot was invited (Graph `incomingContext` and
 * `applicationMetadata.botData`). Such a call must be answered within 5 s instead of 15 s.
 */
export interface PolicyRecordingMetadata {
  readonly policyIdentifier?: string;
  readonly inviteReasons: readonly string[];
  readonly sourceParticipantId?: string;
  readonly observedParticipantId?: string;
  readonly onBehalfOf?: PartyInfo;
  readonly transferor?: PartyInfo;
  readonly mediaHostedRegion?: string;
  readonly user?: RecordingPartyRef;
  readonly otherSideUser?: RecordingPartyRef;
  readonly pairedRecorders: readonly RecordingPartyRef[];
  readonly otherRecorders: readonly RecordingPartyRef[];
}

const POLICY_BASED_RECORDING = 'policybasedrecording';

/**
 * A call is a policy-based recording invitation when its bot data says so (`inviteReasons`
 * containing `PolicyBasedRecording`, or a `policyIdentifier`), or when its incoming context names
 * an observed participant, which only compliance recording does.
 */
export const parsePolicyRecording = (call: unknown): PolicyRecordingMetadata | undefined => {
  if (!isRecord(call)) return undefined;
  const incomingContext = recordField(call, 'incomingContext');
  const applicationMetadata = recordField(call, 'applicationMetadata');
  const botData = applicationMetadata ? recordField(applicationMetadata, 'botData') : undefined;
  const inviteReasons = botData ? stringArrayField(botData, 'inviteReasons') : [];
  const policyIdentifier = botData ? stringField(botData, 'policyIdentifier') : undefined;
  const observedParticipantId = incomingContext
    ? stringField(incomingContext, 'observedParticipantId')
    : undefined;
  const invitedByPolicy = inviteReasons.some((r) => r.toLowerCase() === POLICY_BASED_RECORDING);
  if (!invitedByPolicy && policyIdentifier === undefined && observedParticipantId === undefined) {
    return undefined;
  }
  return compact({
    policyIdentifier,
    inviteReasons,
    sourceParticipantId: incomingContext
      ? stringField(incomingContext, 'sourceParticipantId')
      : undefined,
    observedParticipantId,
    onBehalfOf: incomingContext
      ? partyFromIdentitySet(field(incomingContext, 'onBehalfOf'))
      : undefined,
    transferor: incomingContext
      ? partyFromIdentitySet(field(incomingContext, 'transferor'))
      : undefined,
    mediaHostedRegion: botData ? stringField(botData, 'mediaHostedRegion') : undefined,
    user: botData ? partyRef(field(botData, 'user')) : undefined,
    otherSideUser: botData ? partyRef(field(botData, 'otherSideUser')) : undefined,
    pairedRecorders: botData ? partyRefs(field(botData, 'pairedRecorders')) : [],
    otherRecorders: botData ? partyRefs(field(botData, 'otherRecorders')) : [],
  });
};

const partyRef = (value: unknown): RecordingPartyRef | undefined => {
  if (!isRecord(value)) return undefined;
  const ref = compact({
    id: stringField(value, 'id'),
    participantId: stringField(value, 'participantId'),
    tenantId: stringField(value, 'tenantId'),
    participationMethod: stringField(value, 'participationMethod'),
    clientLocation: stringField(value, 'clientLocation'),
  });
  return Object.keys(ref).length > 0 ? ref : undefined;
};

const partyRefs = (value: unknown): RecordingPartyRef[] =>
  Array.isArray(value)
    ? value.map(partyRef).filter((ref): ref is RecordingPartyRef => ref !== undefined)
    : [];
