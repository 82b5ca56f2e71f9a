import { AssignerProtocol, PartitionAssigner } from 'kafkajs';
import { chooseActive, decodeClaim, encodeClaim } from './active-choice';

const NAME = 'ActivePublisherAssigner';
const VERSION = 1;
/** The one partition of the coordination topic; whoever is assigned it is the active publisher. */
export const ACTIVE_PARTITION = 0;

/**
 * A kafkajs partition assigner for the publisher group: each member announces in its subscription
 * whether it holds the role (`holding()`, read when it joins), and the group's assigning member
 * gives partition 0 of `topic` to the member `chooseActive` picks, nothing to the others.
 */
export const activePublisherAssigner =
  (topic: string, holding: () => boolean): PartitionAssigner =>
  () => ({
    name: NAME,
    version: VERSION,
    async assign({ members }) {
      const active = chooseActive(
        members.map(({ memberId, memberMetadata }) => ({
          memberId,
          holding: decodeClaim(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
        })),
      );
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: memberId === active ? { [topic]: [ACTIVE_PARTITION] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: VERSION,
          topics,
          userData: encodeClaim(holding()),
        }),
      };
    },
  });
