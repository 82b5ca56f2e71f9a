/**
 * An immutable set of strings whose `with` copies O(log n) of it, not all of it: a hash array
 * mapped trie (32-way branches on 5 bits of a 32-bit hash at a time, keys with equal hashes in one
 * sorted bucket).
 *
 * Why: a call keeps the key of every notification it recorded, to recognise redeliveries, and each
 * folded state must stay as it was (the write side, the projector and the Kafka mapper keep older
 * states). As a plain object copied per notification, the key of a call's 1,001st notification
 * took 110 µs and its 3,001st 1,670 µs (past V8's fast properties; bench/hot-path-micro.ts), on
 * every thread that folds the call: quadratic in the call's length.
 *
 * The trie of a given set of keys is the same whatever the order they were added in, so two states
 * folded in different orders compare equal. As JSON it is the object `{ key: true, … }` it
 * replaces, members in hash order (`fromJson` reads that back).
 */
export class KeySet implements Iterable<string> {
  static readonly empty = new KeySet({ kind: 'branch', bitmap: 0, slots: [] }, 0);

  private constructor(
    private readonly root: Branch,
    readonly size: number,
  ) {}

  /** The set of the keys of a `{ key: true, … }` object, as `toJSON` writes it (or none). */
  static fromJson(json: unknown): KeySet {
    if (json === null || typeof json !== 'object') return KeySet.empty;
    let set = KeySet.empty;
    for (const key of Object.keys(json)) set = set.with(key);
    return set;
  }

  has(key: string): boolean {
    return contains(this.root, key, hashOf(key), 0);
  }

  /** This set with `key`; the same instance when `key` is in it already. */
  with(key: string): KeySet {
    const root = insert(this.root, key, hashOf(key), 0);
    return root === this.root ? this : new KeySet(root, this.size + 1);
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* walk(this.root);
  }

  /** `fromEntries` defines each member, so a key named `__proto__` stays a key. */
  toJSON(): Record<string, true> {
    return Object.fromEntries(Array.from(this, (key) => [key, true]));
  }
}

interface Branch {
  readonly kind: 'branch';
  /** Bit i set: `slots` holds the entry for the 5-bit index i, at the popcount of the lower bits. */
  readonly bitmap: number;
  readonly slots: readonly Slot[];
}

/** Keys whose 32-bit hashes are equal, sorted. */
interface Bucket {
  readonly kind: 'bucket';
  readonly keys: readonly string[];
}

type Slot = string | Branch | Bucket;

const BITS = 5;
const MASK = (1 << BITS) - 1;

/** FNV-1a, 32 bits: the keys are hashes or ids already, so spreading them evenly is enough. */
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

const popcount = (n: number): number => {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
};

const contains = (branch: Branch, key: string, hash: number, shift: number): boolean => {
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((branch.bitmap & bit) === 0) return false;
  const slot = branch.slots[popcount(branch.bitmap & (bit - 1))];
  if (typeof slot === 'string') return slot === key;
  if (slot.kind === 'bucket') return slot.keys.includes(key);
  return contains(slot, key, hash, shift + BITS);
};

const insert = (branch: Branch, key: string, hash: number, shift: number): Branch => {
  const bit = 1 << ((hash >>> shift) & MASK);
  const index = popcount(branch.bitmap & (bit - 1));
  if ((branch.bitmap & bit) === 0) {
    const slots = branch.slots.slice();
    slots.splice(index, 0, key);
    return { kind: 'branch', bitmap: branch.bitmap | bit, slots };
  }
  const slot = branch.slots[index];
  let next: Slot;
  if (typeof slot === 'string') {
    if (slot === key) return branch;
    next = pair(slot, hashOf(slot), key, hash, shift + BITS);
  } else if (slot.kind === 'bucket') {
    if (slot.keys.includes(key)) return branch;
    next = pair(slot, hashOf(slot.keys[0]), key, hash, shift + BITS);
  } else {
    next = insert(slot, key, hash, shift + BITS);
    if (next === slot) return branch;
  }
  const slots = branch.slots.slice();
  slots[index] = next;
  return { kind: 'branch', bitmap: branch.bitmap, slots };
};

/**
 * A key or bucket (`a`) and a new key that share a slot above `shift`: one bucket if their hashes
 * are equal, else the branches that tell them apart.
 */
const pair = (a: string | Bucket, hashA: number, b: string, hashB: number, shift: number): Slot => {
  if (hashA === hashB) {
    return { kind: 'bucket', keys: [...(typeof a === 'string' ? [a] : a.keys), b].sort() };
  }
  const indexA = (hashA >>> shift) & MASK;
  const indexB = (hashB >>> shift) & MASK;
  if (indexA === indexB) {
    return {
      kind: 'branch',
      bitmap: 1 << indexA,
      slots: [pair(a, hashA, b, hashB, shift + BITS)],
    };
  }
  return {
    kind: 'branch',
    bitmap: (1 << indexA) | (1 << indexB),
    slots: indexA < indexB ? [a, b] : [b, a],
  };
};

function* walk(branch: Branch): Generator<string> {
  for (const slot of branch.slots) {
    if (typeof slot === 'string') yield slot;
    else if (slot.kind === 'bucket') yield* slot.keys;
    else yield* walk(slot);
  }
}
