/**
 * What a kind's file keeps per record between its scans (`node-stream.ts`): its id's hashes, to find
 * duplicate ids once the file is read, and the numbers of the records not to give again.
 */
import { stringHash, stringHash2 } from './hash.js';

/**
 * The pair (h1, h2) that stands for an id when duplicates are looked for. Most ids are a short
 * prefix and a number (`L1`, `INV-20417`, `4711`): at most 3 ASCII characters that are not digits,
 * then 1 to 9 digits without a leading zero. Such an id is not hashed: h1 (positive) says its
 * prefix, h2 is its number, and `IdHashes` keeps it as a bit. Any other id: `stringHash` with the
 * top bit set (negative) and `stringHash2`. The byte readers compute the same pair from the id's
 * bytes (`bytes-gen.ts`, `byte-rows.ts`).
 */
export function idHash1(id: string, seed: number): number {
  return numberedPrefix(id) || stringHash(id, seed) | 0x80000000;
}

/** The second of `idHash1`'s pair: the id's number, or `stringHash2`. */
export function idHash2(id: string, seed: number): number {
  if (numberedPrefix(id) === 0) return stringHash2(id, seed);
  let v = 0;
  for (let k = id.length - 1, p = 1; k >= 0; k--, p *= 10) {
    const d = id.charCodeAt(k) - 48;
    if (d < 0 || d > 9) break;
    v += d * p;
  }
  return v;
}

/** h1 of an id that is a prefix and a number (`idHash1`): (prefix length + 1) × 2^24 + its characters, one a byte; 0 for any other id. */
function numberedPrefix(id: string): number {
  const n = id.length;
  let q = 0;
  while (q < n && q < 3) {
    const c = id.charCodeAt(q);
    if (c >= 48 && c <= 57) break;
    if (c > 0x7f) return 0;
    q++;
  }
  const digits = n - q;
  if (digits < 1 || digits > 9 || (digits > 1 && id.charCodeAt(q) === 48)) return 0;
  for (let k = q; k < n; k++) {
    const c = id.charCodeAt(k);
    if (c < 48 || c > 57) return 0;
  }
  let h = (q + 1) << 24;
  for (let k = 0; k < q; k++) h |= id.charCodeAt(k) << (8 * k);
  return h;
}

/**
 * An id's two 32-bit hashes (`h1` never 0) with a kind's `mask`: −1 keeps them whole; tests keep
 * fewer bits of `h1` (and no `h2`) so that distinct ids collide and the verification path runs.
 */
function maskedH1(h1: number, mask: number): number {
  return mask === -1 ? h1 : h1 & mask || 1;
}

function maskedH2(h2: number, mask: number): number {
  return mask === -1 ? h2 : 0;
}

/** The numbers below which an id that is a prefix and a number is kept as a bit (a bitmap of up to 16 MiB a prefix). */
const NUMBER_LIMIT = 1 << 27;

/** A number that identifies a (h1, h2) pair well enough to pick the records to read again (53 bits). */
function pairKey(h1: number, h2: number): number {
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

/** The pair key (`IdHashes.duplicates`) of an id's masked hashes. */
export function idKey(id: string, seed: number, mask: number): number {
  return pairKey(maskedH1(idHash1(id, seed), mask), maskedH2(idHash2(id, seed), mask));
}

/**
 * The ids read, as 64-bit hashes only (no strings): appended as the file is read (no lookup per
 * record: a table of a million hashes is a cache miss per record), then sorted once
 * (`duplicates`, a radix sort of the pairs) to find the hashes read more than once — the suspected
 * duplicates, verified against the real ids by reading those records again. An id that is a prefix
 * and a number below 2^27 (`idHash1`; not with a test's mask) is a bit of its prefix's bitmap
 * instead, set as it is read: one met again is a suspect at once, and nothing is sorted for it.
 * The bitmaps never take more than the pairs they spare would (64 bits a record read, plus 1 MiB):
 * past that (numbers spread thin, many prefixes), such ids are kept as pairs too, and a pair found
 * in its prefix's bitmap at the end is a suspect. `route` false (a thread that hands its pairs on,
 * `tail.ts`): every id is kept as a pair.
 */
export class IdHashes {
  h1 = new Int32Array(4096);
  h2 = new Int32Array(4096);
  count = 0;
  /** Ids kept as bits: by prefix (h1), the numbers met; the pair keys of those met again. */
  private readonly numbers = new Map<number, Uint32Array>();
  private readonly again = new Set<number>();
  private lastPrefix = 0;
  private lastBits: Uint32Array = new Uint32Array(0);
  /** Records given, and the bitmaps' words: the bitmaps may have 2 words a record, and 2^18 more. */
  private given = 0;
  private words = 0;

  constructor(private readonly route = true) {}

  /** Keeps (h1, h2) as a bit of its prefix's bitmap (a suspect when it was set) when it is a prefix and a number and the bitmaps have room; false when not. */
  private mark(h1: number, v: number, mask: number): boolean {
    this.given++;
    if (!this.route || mask !== -1 || h1 <= 0 || v < 0 || v >= NUMBER_LIMIT) return false;
    let bits = h1 === this.lastPrefix ? this.lastBits : this.numbers.get(h1);
    const w = v >>> 5;
    if (!bits || w >= bits.length) {
      const size = Math.max(1024, (bits?.length ?? 0) * 2, w + 1);
      if (this.words - (bits?.length ?? 0) + size > 2 * this.given + (1 << 18)) return false;
      const grown = new Uint32Array(size);
      if (bits) grown.set(bits);
      this.words += size - (bits?.length ?? 0);
      this.numbers.set(h1, (bits = grown));
    }
    this.lastPrefix = h1;
    this.lastBits = bits;
    const b = 1 << (v & 31);
    if ((bits[w]! & b) !== 0) this.again.add(pairKey(h1, v));
    else bits[w]! |= b;
    return true;
  }

  /** Whether a number of prefix `h1` is in its bitmap. */
  private marked(h1: number, v: number): boolean {
    const bits = h1 > 0 && v >= 0 ? this.numbers.get(h1) : undefined;
    const w = v >>> 5;
    return bits !== undefined && w < bits.length && (bits[w]! & (1 << (v & 31))) !== 0;
  }

  /** Room for about `records` records (a guess from the file's size) without growing. */
  expect(records: number): void {
    if (this.count === 0 && records > this.h1.length) this.grow(Math.min(records, 1 << 26));
  }

  private grow(size: number): void {
    const h1 = new Int32Array(size);
    const h2 = new Int32Array(size);
    h1.set(this.h1.subarray(0, this.count));
    h2.set(this.h2.subarray(0, this.count));
    this.h1 = h1;
    this.h2 = h2;
  }

  /** `n` hashes read elsewhere (`tail.ts`, with the same `mask`), in order. */
  append(a1: Int32Array, a2: Int32Array, n: number, mask: number): void {
    if (this.route && mask === -1) {
      this.addAll(a1, a2, 0, n, mask);
      return;
    }
    if (this.count + n > this.h1.length) this.grow(Math.max(this.count + n, this.count * 2));
    this.h1.set(a1.subarray(0, n), this.count);
    this.h2.set(a2.subarray(0, n), this.count);
    this.count += n;
  }

  /** An id's hashes (`idHash1`, `idHash2`), masked (`maskedH1`, `maskedH2`). */
  add(h1: number, h2: number, mask: number): void {
    if (this.mark(h1, h2, mask)) return;
    if (this.count === this.h1.length) this.grow(this.count * 2);
    this.h1[this.count] = maskedH1(h1, mask);
    this.h2[this.count++] = maskedH2(h2, mask);
  }

  /** The ids' hashes `a1[from, to)`, `a2[from, to)`, masked, in order. */
  addAll(a1: Int32Array, a2: Int32Array, from: number, to: number, mask: number): void {
    if (this.count + to - from > this.h1.length) this.grow(Math.max(this.count + to - from, this.count * 2));
    const h1 = this.h1;
    const h2 = this.h2;
    const route = this.route && mask === -1;
    let c = this.count;
    for (let k = from; k < to; k++) {
      const x = a1[k]!;
      const y = a2[k]!;
      // what `mark` does for a number of the prefix it marked last, within that bitmap (most ids of
      // a file), here: `mark` is past the size up to which the command's V8 inlines a call
      if (route && x === this.lastPrefix && x > 0 && y >= 0 && y < NUMBER_LIMIT && y >>> 5 < this.lastBits.length) {
        this.given++;
        const bits = this.lastBits;
        const w = y >>> 5;
        const b = 1 << (y & 31);
        if ((bits[w]! & b) !== 0) this.again.add(pairKey(x, y));
        else bits[w]! |= b;
        continue;
      }
      if (!this.mark(x, y, mask)) {
        h1[c] = maskedH1(x, mask);
        h2[c++] = maskedH2(y, mask);
      }
    }
    this.count = c;
  }

  /** An id's, from its text. */
  addId(id: string, seed: number, mask: number): void {
    this.add(idHash1(id, seed), idHash2(id, seed), mask);
  }

  get bytes(): number {
    let bits = 0;
    for (const b of this.numbers.values()) bits += b.byteLength;
    return this.h1.byteLength * 2 + bits;
  }

  /** The pair keys (`pairKey`) of the hashes read more than once. Once: the hashes are dropped. */
  duplicates(): Set<number> {
    const out = new Set<number>(this.again);
    const m = this.count;
    let a1 = this.h1;
    let a2 = this.h2;
    // an id kept as a pair once the bitmaps were full, and as a bit before
    if (this.numbers.size > 0) for (let k = 0; k < m; k++) if (this.marked(a1[k]!, a2[k]!)) out.add(pairKey(a1[k]!, a2[k]!));
    this.numbers.clear();
    this.again.clear();
    this.lastPrefix = 0;
    this.lastBits = new Uint32Array(0);
    this.given = this.words = 0;
    this.h1 = this.h2 = new Int32Array(0);
    this.count = 0;
    if (m < 2) return out;
    // LSD radix sort of the pairs by h1 (unsigned), 11 bits a pass: 2,048 buckets, each pass
    // reading the pairs in order (the pairs move, not indexes to them).
    let b1 = new Int32Array(m);
    let b2 = new Int32Array(m);
    const counts = new Int32Array(2048);
    for (const shift of [0, 11, 22]) {
      radixPass(a1, a2, b1, b2, m, shift, counts);
      [a1, b1] = [b1, a1];
      [a2, b2] = [b2, a2];
    }
    for (let k = 0; k < m; ) {
      let e = k + 1;
      const a = a1[k]!;
      while (e < m && a1[e] === a) e++;
      // equal h1 (rare but for duplicates): the equal h2 among them
      for (let x = k; x < e; x++) {
        for (let y = x + 1; y < e; y++) {
          if (a2[x] === a2[y]) out.add(pairKey(a, a2[x]!));
        }
      }
      k = e;
    }
    return out;
  }
}

/** One pass of a radix sort: the first `m` pairs (a1, a2) into (b1, b2), stably, by the 11 bits of a1 at `shift`. */
function radixPass(a1: Int32Array, a2: Int32Array, b1: Int32Array, b2: Int32Array, m: number, shift: number, counts: Int32Array): void {
  counts.fill(0);
  for (let i = 0; i < m; i++) counts[(a1[i]! >>> shift) & 2047]!++;
  let sum = 0;
  for (let d = 0; d < 2048; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < m; i++) {
    const x = a1[i]!;
    const at = counts[(x >>> shift) & 2047]!++;
    b1[at] = x;
    b2[at] = a2[i]!;
  }
}

/** A set of record numbers. */
export class BitSet {
  words = new Uint32Array(1024);

  add(line: number): void {
    const w = line >>> 5;
    if (w >= this.words.length) {
      const grown = new Uint32Array(Math.max(this.words.length * 2, w + 1));
      grown.set(this.words);
      this.words = grown;
    }
    this.words[w] |= 1 << (line & 31);
  }

  delete(line: number): void {
    const w = line >>> 5;
    if (w < this.words.length) this.words[w] &= ~(1 << (line & 31));
  }

  has(line: number): boolean {
    const w = line >>> 5;
    return w < this.words.length && (this.words[w] & (1 << (line & 31))) !== 0;
  }
}
