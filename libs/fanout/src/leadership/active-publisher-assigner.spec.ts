import { AssignerProtocol } from 'kafkajs';
import { activePublisherAssigner } from './active-publisher-assigner';

/** The kafkajs assigner around chooseActive, with kafkajs's own encoding of the group protocol. */
const assignerOf = (holding: boolean) =>
  activePublisherAssigner('coord', () => holding)({} as never);

const member = (memberId: string, holding: boolean) => ({
  memberId,
  memberMetadata: assignerOf(holding).protocol({ topics: ['coord'] }).metadata,
});

const assignments = async (members: ReturnType<typeof member>[]) =>
  Object.fromEntries(
    (await assignerOf(false).assign({ members, topics: ['coord'] })).map((a) => [
      a.memberId,
      AssignerProtocol.MemberAssignment.decode(a.memberAssignment)?.assignment,
    ]),
  );

describe('activePublisherAssigner', () => {
  it('gives partition 0 to the member holding the role, nothing to the others', async () => {
    expect(await assignments([member('a', false), member('b', true), member('c', false)])).toEqual({
      a: {},
      b: { coord: [0] },
      c: {},
    });
  });

  it('gives it to the first member by id when nobody holds it', async () => {
    expect(await assignments([member('b', false), member('a', false)])).toEqual({
      a: { coord: [0] },
      b: {},
    });
  });

  it('announces the claim as it stands when the member joins', () => {
    let holding = false;
    const assigner = activePublisherAssigner('coord', () => holding)({} as never);
    const claim = () =>
      AssignerProtocol.MemberMetadata.decode(
        assigner.protocol({ topics: ['coord'] }).metadata,
      )?.userData.toString();
    expect(claim()).toBe('{"holding":false}');
    holding = true;
    expect(claim()).toBe('{"holding":true}');
  });
});
