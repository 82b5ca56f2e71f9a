import { chooseActive, decodeClaim, encodeClaim } from './active-choice';

describe('chooseActive', () => {
  it('keeps the role with the member that holds it, whatever the member ids', () => {
    expect(
      chooseActive([
        { memberId: 'a', holding: false },
        { memberId: 'z', holding: true },
        { memberId: 'm', holding: false },
      ]),
    ).toBe('z');
  });

  it('gives the role to the first member by id when nobody holds it', () => {
    expect(
      chooseActive([
        { memberId: 'tracker-c', holding: false },
        { memberId: 'tracker-a', holding: false },
        { memberId: 'tracker-b', holding: false },
      ]),
    ).toBe('tracker-a');
  });

  it('settles two claims on the first claimant by id, in any order', () => {
    const claims = [
      { memberId: 'y', holding: true },
      { memberId: 'b', holding: false },
      { memberId: 'x', holding: true },
    ];
    expect(chooseActive(claims)).toBe('x');
    expect(chooseActive([...claims].reverse())).toBe('x');
  });

  it('chooses nobody in an empty group', () => {
    expect(chooseActive([])).toBeUndefined();
  });
});

describe('claims', () => {
  it('round-trip', () => {
    expect(decodeClaim(encodeClaim(true))).toBe(true);
    expect(decodeClaim(encodeClaim(false))).toBe(false);
  });

  it('read as no claim when missing or unreadable', () => {
    expect(decodeClaim(undefined)).toBe(false);
    expect(decodeClaim(null)).toBe(false);
    expect(decodeClaim(Buffer.alloc(0))).toBe(false);
    expect(decodeClaim(Buffer.from('{"holding":"yes"}'))).toBe(false);
    expect(decodeClaim(Buffer.from([0xff, 0x00]))).toBe(false);
  });
});
