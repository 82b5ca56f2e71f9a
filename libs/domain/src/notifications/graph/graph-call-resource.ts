import {
  partyFromParticipantInfo,
  type CallDetails,
  type PartyInfo,
} from '../../call/call-details';
import { field, stringArrayField, stringField, type UnknownRecord } from '../../kernel/json';
import { compact } from '../../kernel/objects';

/** The descriptive members of a Graph `call` resource (the incoming-call notification is rich). */
export const graphCallDetails = (call: UnknownRecord): CallDetails => {
  const targets = field(call, 'targets');
  const modalities = stringArrayField(call, 'requestedModalities');
  return compact({
    direction: stringField(call, 'direction'),
    caller: partyFromParticipantInfo(field(call, 'source')),
    targets: Array.isArray(targets)
      ? targets.map(partyFromParticipantInfo).filter((t): t is PartyInfo => t !== undefined)
      : undefined,
    requestedModalities: modalities.length > 0 ? modalities : undefined,
    tenantId: stringField(call, 'tenantId'),
    callChainId: stringField(call, 'callChainId'),
    myParticipantId: stringField(call, 'myParticipantId'),
  });
};
