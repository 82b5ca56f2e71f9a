/** A member of the publisher group, as the assignment sees it. */
export interface Candidate {
  readonly memberId: string;
  /** The member says it is the active publisher (it was assigned the role and still holds it). */
  readonly holding: boolean;
}

const byMemberId = (a: Candidate, b: Candidate) =>
  a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;

/**
 * Which member publishes in the group's next generation: the one that already does, otherwise the
 * first by member id. Sticky on purpose: a member joining or a standby leaving never moves the
 * role, so a live publisher is never asked to stop mid-stream; the role moves only when its holder
 * is gone from the group (stopped, or expired after its session timeout). Two members claim only
 * when an expired holder rejoins before it noticed; the first by member id keeps the role and the
 * other learns from its new assignment that it must stop (transactional fencing covers the moment
 * both run).
 */
export const chooseActive = (candidates: readonly Candidate[]): string | undefined => {
  const sorted = [...candidates].sort(byMemberId);
  return (sorted.find((c) => c.holding) ?? sorted[0])?.memberId;
};

/** The claim travels as the member's subscription user data: a small JSON object. */
export const encodeClaim = (holding: boolean): Buffer => Buffer.from(JSON.stringify({ holding }));

/** Anything unreadable (another version, garbage) claims nothing. */
export const decodeClaim = (userData: Buffer | null | undefined): boolean => {
  try {
    return JSON.parse(userData?.toString() ?? '').holding === true;
  } catch {
    return false;
  }
};
