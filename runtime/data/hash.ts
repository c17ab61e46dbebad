/**
 * Hashing ids without a `Map` of strings (a `Map` of a million fresh string keys costs ~3× the
 * time and ~3× the memory): string hashes, and one open-addressing table of Int32 pairs that the
 * in-memory reader (id → first record) and the streaming reader (64-bit id hashes) both use.
 */

/**
 * FNV-1a over the UTF-16 code units, seeded (so that no data can be made to collide on purpose
 * when the seed is random), mixed, never 0 (0 marks a free slot).
 */
export function stringHash(s: string, seed = 0): number {
  let h = 0x811c9dc5 ^ seed;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}

/** A second, independent 32-bit hash (multiplicative), to make 64-bit hashes with `stringHash`. */
export function stringHash2(s: string, seed = 0): number {
  let b = 0x9e3779b9 ^ seed;
  for (let k = 0; k < s.length; k++) {
    b = Math.imul(b + s.charCodeAt(k), 0x5bd1e995);
    b ^= b >>> 13;
  }
  return b ^ (b >>> 16);
}

/** `stringHash` of the text written in ASCII bytes `buf[start, end)` (the same number, without making the string). */
export function bytesHash(buf: Uint8Array, start: number, end: number, seed = 0): number {
  let h = 0x811c9dc5 ^ seed;
  for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, 0x01000193);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}

/**
 * Open addressing with linear probing over an Int32Array of [key, value] pairs, one cache line
 * per probe; key 0 marks a free slot. At most half full: it doubles past that, placing each pair
 * again by its key (keys are hashes, never computed again).
 */
export class PairTable<A> {
  slots = new Int32Array(2048);
  private count = 0;

  /** `match(value, arg)`: whether a pair with the same key is the one looked for. */
  constructor(private readonly match: (value: number, arg: A) => boolean) {}

  /** The value of the pair with key `key` that matches `arg`; when there is none, adds [key, value] and returns undefined. */
  findOrAdd(key: number, value: number, arg: A): number | undefined {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
      const k = slots[2 * slot]!;
      if (k === 0) {
        slots[2 * slot] = key;
        slots[2 * slot + 1] = value;
        if (++this.count * 4 > slots.length) this.grow();
        return undefined;
      }
      if (k === key && this.match(slots[2 * slot + 1]!, arg)) return slots[2 * slot + 1]!;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i]!;
      if (k === 0) continue;
      let slot = k & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = k;
      slots[2 * slot + 1] = old[i + 1]!;
    }
    this.slots = slots;
  }
}

/** Ids → the first entry with that id, for records kept in memory (the table holds hashes and entry numbers, the rows hold the ids). */
export class IdTable {
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private readonly table: PairTable<string>;

  constructor(rows: readonly { id?: unknown }[]) {
    this.table = new PairTable((entry, id) => rows[entry]!.id === id);
  }

  /** The first entry with `id`; when there is none, records `entry` as that and returns -1. */
  firstOrAdd(id: string, entry: number): number {
    return this.table.findOrAdd(stringHash(id, this.seed), entry, id) ?? -1;
  }
}
