/**
 * Events as typed columns: what the byte-level CSV reader (`bytes.ts`) writes and the evaluator's
 * column kernel (`../fast-pass1.ts`) reads. A batch holds only records the reader proved valid and
 * exact (every cell converted without loss); every other record goes the general way, as a row.
 *
 * - `partner`: an index into the run's `PartnerTable` (one per data folder, shared by every kind);
 * - `day` and `month`: the event's date as a day number (days since 1970-01-01) and a month number
 *   (year × 12 + month − 1, as `plan.ts`'s `monthNumber`);
 * - per field, as the kernel asked (`ColumnNeeds`): money and integers as safe integers at a fixed
 *   scale (money at the currency's minor digits, integers at 0), enumeration members and booleans
 *   as codes, other dates as day numbers, text as the index of the literal it equals (or −1).
 *
 * `row(j)` makes record j's `EventRow`, the same object the general path would have made (for the
 * few records the kernel hands to the general evaluator: rule awards, explanations).
 */
import type { EventRow } from '../compile-ir.js';
import type { Value } from './schema.js';
import { bytesHash, stringHash } from './hash.js';

/** A partner table's ids as bytes (`PartnerTable.exported`). */
export interface PartnerIds {
  declared: number;
  count: number;
  bytes: Uint8Array;
  at: Int32Array;
  len: Int32Array;
}

/** Records per batch. */
export const BATCH = 8192;

/** How the kernel reads a field: a number at its scale, a code (enumeration member, boolean), a day number, or the literal (of `literals`) a text equals. */
export type ColumnUse = { as: 'num' } | { as: 'code' } | { as: 'day' } | { as: 'literal'; literals: readonly string[] };

/** The columns a kernel reads, by field name (fields it does not read are validated, not stored). */
export type ColumnNeeds = ReadonlyMap<string, ColumnUse>;

/** Merges what several kernels need (the evaluators of `incent diff` read one batch); undefined when they need one field in two ways. */
export function mergeNeeds(all: readonly ColumnNeeds[]): ColumnNeeds | undefined {
  const out = new Map<string, ColumnUse>();
  for (const needs of all) {
    for (const [field, use] of needs) {
      const had = out.get(field);
      if (!had) {
        out.set(field, use);
        continue;
      }
      if (had.as !== use.as) return undefined;
      if (had.as === 'literal' && use.as === 'literal') out.set(field, { as: 'literal', literals: [...new Set([...had.literals, ...use.literals])] });
    }
  }
  return out;
}

/**
 * Every partner id the reader met, by index: the declared partners first (sorted by id, so that
 * their index is their place), then ids as events name them. `ok`: whether events of that partner
 * may be evaluated (a valid declared partner, or any id when the program declares no partners).
 * Ids are found from their bytes (`fromBytes`: a hash, then the bytes compared with a copy of the
 * id's, kept in one array) without making a string, but for a new id; those of the common shape
 * prefix-and-digits, once met, by their number (`fromNumber`: one array read, no hash, no probe).
 */
export class PartnerTable {
  readonly ids: string[] = [];
  ok = new Uint8Array(1024);
  /** Per index: where its id's bytes are in `bytes`, and how many (−1: not ASCII, never equal to bytes read). */
  private at = new Int32Array(1024);
  private len = new Int32Array(1024);
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private slots = new Int32Array(4096); // [hash, index + 1] pairs, open addressing
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  /**
   * Ids made of one prefix and a fixed number of digits (`P03613`, `NW001`, `4711`) are also found
   * by their number (`fromNumber`), without a hash or a probe: the pattern is the first id's met on
   * bytes (a prefix of at most 8 bytes without a digit, then 1 to 6 digits), if it has one.
   * `numberLength`: the pattern's length in bytes (−1: none); `numberPrefix`: its prefix's bytes;
   * `byNumber`: index by number (−1: not met yet). A run of lines (`bytes-gen.ts`) reads the three
   * as it scans a partner's cell; only this class sets them.
   */
  numberLength = -1;
  numberPrefix = new Uint8Array(0);
  byNumber = new Int32Array(0);
  private patternTried = false;

  constructor(
    declared: readonly { id: string; attrs: Record<string, Value> }[],
    private readonly usable: (id: string) => boolean,
    readonly attrs: readonly Record<string, Value>[] = declared.map((p) => p.attrs),
  ) {
    // V8 takes a field never assigned again for a constant, and throws away code compiled on that
    // assumption the first time it is: the run of lines (`bytes-gen.ts`) reads `ok`, and its
    // compile (~30 ms, on V8's one compiling thread) was abandoned when the table first grew, at
    // its 1,025th partner — by then the run, called once per new partner, was hot. The arrays that
    // grow are assigned again here, so that V8 knows them for fields that change from the start.
    this.ok = new Uint8Array(this.ok.length);
    this.at = new Int32Array(this.at.length);
    this.len = new Int32Array(this.len.length);
    this.bytes = new Uint8Array(this.bytes.length);
    this.slots = new Int32Array(this.slots.length);
    for (const p of declared) this.add(p.id, stringHash(p.id, this.seed));
    this.declared = declared.length;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds `id` (hash `h`); `buf` from `start`: its bytes, when it was read as ASCII bytes (not checked or encoded again). */
  private add(id: string, h: number, buf?: Uint8Array, start = 0): number {
    const index = this.ids.length;
    this.ids.push(id);
    if (index >= this.ok.length) {
      const n = this.ok.length * 2;
      const ok = new Uint8Array(n);
      ok.set(this.ok);
      this.ok = ok;
      const at = new Int32Array(n);
      at.set(this.at);
      this.at = at;
      const len = new Int32Array(n);
      len.set(this.len);
      this.len = len;
    }
    this.ok[index] = this.usable(id) ? 1 : 0;
    let ascii = buf !== undefined;
    if (!ascii) {
      ascii = true;
      for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) >= 128) ascii = false;
    }
    if (ascii) {
      if (this.used + id.length > this.bytes.length) {
        const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.used + id.length));
        bytes.set(this.bytes.subarray(0, this.used));
        this.bytes = bytes;
      }
      const bytes = this.bytes;
      const used = this.used;
      if (buf) for (let i = 0; i < id.length; i++) bytes[used + i] = buf[start + i]!;
      else for (let i = 0; i < id.length; i++) bytes[used + i] = id.charCodeAt(i);
      this.at[index] = this.used;
      this.len[index] = id.length;
      this.used += id.length;
    } else this.len[index] = -1;
    if ((index + 1) * 4 > this.slots.length) this.grow();
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = h & mask;
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = h;
    slots[2 * slot + 1] = index + 1;
    return index;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      if (h === 0) continue;
      let slot = h & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = h;
      slots[2 * slot + 1] = old[i + 1]!;
    }
    this.slots = slots;
  }

  /** The index of an id, or −1. */
  indexOf(id: string): number {
    // an id of the table's pattern met on bytes, by its number (pass 2 asks once per partner)
    if (id.length === this.numberLength) {
      const k = this.byNumberOfText(id);
      if (k >= 0 && this.ids[k] === id) return k;
    }
    const h = stringHash(id, this.seed);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = slots[2 * slot]!;
      if (k === 0) return -1;
      if (k === h && this.ids[slots[2 * slot + 1]! - 1] === id) return slots[2 * slot + 1]! - 1;
    }
  }

  /** How many partners were declared (the first indexes). */
  readonly declared: number;

  /** The ids as bytes, to find them in another table of the same folder (`find`): what another thread's table sends back (`data/tail.ts`). */
  exported(): PartnerIds {
    const count = this.ids.length;
    return { declared: this.declared, count, bytes: this.bytes.slice(0, this.used), at: this.at.slice(0, count), len: this.len.slice(0, count) };
  }

  /**
   * The index here of partner `w` of another table of the same folder (`exported`): a declared
   * partner has the same index in both; another is found from its bytes (ASCII: an event named it
   * on the byte path), added when new.
   */
  find(ids: PartnerIds, w: number): number {
    if (w < ids.declared) return w;
    const at = ids.at[w]!;
    const len = ids.len[w]!;
    if (len < 0) throw new Error('internal: a partner id not read on bytes in another thread');
    return this.fromBytes(ids.bytes, at, at + len);
  }

  /** The seed of the hash `fromBytes` takes (`bytesHash(buf, start, end, seed)`). */
  get hashSeed(): number {
    return this.seed;
  }

  /** The index of the id written in `buf[start, end)` (ASCII), whose `bytesHash` with `hashSeed` is `h`; added when new. */
  fromBytes(buf: Uint8Array, start: number, end: number, h = bytesHash(buf, start, end, this.seed)): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const n = end - start;
    const bytes = this.bytes;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = slots[2 * slot]!;
      if (k === 0) break;
      if (k !== h) continue;
      const index = slots[2 * slot + 1]! - 1;
      if (this.len[index] !== n) continue;
      const at = this.at[index]!;
      let i = 0;
      while (i < n && bytes[at + i] === buf[start + i]) i++;
      if (i === n) return this.remember(buf, start, end, index);
    }
    return this.remember(buf, start, end, this.add(latin1(buf, start, end), h, buf, start));
  }

  /**
   * The index of the id written in `buf[start, start + numberLength)` (ASCII) when it has the
   * table's pattern and was met on bytes before; else −1 (`fromBytes` finds it).
   */
  fromNumber(buf: Uint8Array, start: number): number {
    const v = this.numberOf(buf, start, start + this.numberLength);
    return v < 0 ? -1 : this.byNumber[v]!;
  }

  /** `byNumber` of a text of the pattern's length: the index of the id met on bytes with its number, else −1. */
  private byNumberOfText(id: string): number {
    const prefix = this.numberPrefix;
    const pl = prefix.length;
    for (let i = 0; i < pl; i++) if (id.charCodeAt(i) !== prefix[i]) return -1;
    let v = 0;
    for (let i = pl; i < id.length; i++) {
      const d = id.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return this.byNumber[v]!;
  }

  /** The number of the id in `buf[start, end)` when it has the pattern (its length is the pattern's); else −1. */
  private numberOf(buf: Uint8Array, start: number, end: number): number {
    const prefix = this.numberPrefix;
    const pl = prefix.length;
    for (let i = 0; i < pl; i++) if (buf[start + i] !== prefix[i]) return -1;
    let v = 0;
    for (let i = start + pl; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  /** `index`, the id in `buf[start, end)`'s, kept by its number when it has the pattern (learnt from the first id met here). */
  private remember(buf: Uint8Array, start: number, end: number, index: number): number {
    if (!this.patternTried) {
      this.patternTried = true;
      let pl = 0;
      while (start + pl < end && (buf[start + pl]! < 48 || buf[start + pl]! > 57)) pl++;
      const width = end - start - pl;
      if (pl <= 8 && width >= 1 && width <= 6) {
        this.numberPrefix = buf.slice(start, start + pl);
        this.numberLength = end - start;
        this.byNumber = new Int32Array(10 ** width).fill(-1);
      }
    }
    if (end - start === this.numberLength) {
      const v = this.numberOf(buf, start, end);
      if (v >= 0) this.byNumber[v] = index;
    }
    return index;
  }
}

/**
 * The text of ASCII bytes: one character at a time up to 32 bytes, else through a Node `Buffer`
 * (where there is one). A short text — a partner's id, a cell — costs ~60 ns by the loop, ~300 ns
 * through a `Buffer`, whose making costs more than the copy (and a run's first 10,000 ids, made
 * before V8 has compiled either, ~3.5 ms against ~10 ms).
 */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start > 32 && typeof Buffer !== 'undefined') return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Records proven valid and exact, as columns (see the module's comment). */
export class ColumnBatch {
  n = 0;
  readonly partner: Int32Array;
  readonly day: Int32Array;
  readonly month: Int32Array;
  /** Per schema field (by its index in the compiled schema): numbers at the field's scale. */
  readonly nums: (Float64Array | undefined)[];
  /** Per schema field: codes (enumeration member, boolean 0/1, literal index or −1, day number of a date field). */
  readonly codes: (Int32Array | undefined)[];
  /** Per text field read as literals: the literals its codes index. */
  readonly literals: (readonly string[] | undefined)[];
  /** Where each record's line is in the current buffer (for `row`). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** The buffer the records' lines are in (valid until the reader reads on). */
  buf: Uint8Array = new Uint8Array(0);

  constructor(
    readonly capacity: number,
    readonly names: readonly string[],
    needs: ColumnNeeds,
    readonly partners: PartnerTable,
    /** Makes the row of a line (its cells) as the general path does. */
    private readonly make: (cells: string[]) => EventRow,
  ) {
    this.partner = new Int32Array(capacity);
    this.day = new Int32Array(capacity);
    this.month = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.nums = names.map((n) => (needs.get(n)?.as === 'num' ? new Float64Array(capacity) : undefined));
    this.literals = names.map((n) => {
      const use = needs.get(n);
      return use?.as === 'literal' ? use.literals : undefined;
    });
    this.codes = names.map((n) => {
      const use = needs.get(n);
      return use && use.as !== 'num' ? new Int32Array(capacity) : undefined;
    });
  }

  /** Record j as the general path's row (its line's cells converted by the same code). */
  row(j: number): EventRow {
    const buf = this.buf;
    const cells: string[] = [];
    let p = this.starts[j]!;
    const end = this.ends[j]!;
    for (;;) {
      let k = p;
      while (k < end && buf[k] !== 44) k++;
      cells.push(latin1(buf, p, k));
      if (k >= end) break;
      p = k + 1;
    }
    return this.make(cells);
  }
}
