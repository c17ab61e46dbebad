/**
 * The column kernel's store (`fast-pass1.ts`): sums and counts of a kind's measures per partner
 * and span of months, in typed arrays, as `RunIndex` reads them (`MonthStore`); and what another
 * thread's kernel made of a file's tail (`KernelPart`), added to them exactly (`data/tail.ts`).
 */
import type { PartnerIds, PartnerTable } from './data/columns.js';
import type { MonthStore } from './pass1.js';
import type { LocalMeasure } from './plan.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** The largest absolute value in an array (sums and counts are integers). */
function largest(a: Float64Array | Int32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i]!);
    if (x > m) m = x;
  }
  return m;
}


/**
 * What a kernel made of a stretch of a file read in another thread (`data/tail.ts`): its sums,
 * counts and partners seen, by its own partner indexes (`ids`), and the latest day it read. The
 * records it did not sum (those that go as rows) are not in it: they are read again here, in order.
 */
export interface KernelPart {
  /** Its partners (the other table's ids, by its indexes). */
  ids: PartnerIds;
  sums: Float64Array;
  counts: Int32Array;
  seen: Uint8Array;
  /** Partners, months (from month span `first`) the arrays hold. */
  cap: number;
  months: number;
  first: number;
  maxDay: number;
  /** Records summed (not those given back). */
  records: number;
}

/**
 * Sums and counts of the kernel's measures per partner (index) and span of `g` months (a month, or
 * a program's period when every window the measures are read over is made of whole periods: see
 * `spanMonths`), with what `RunIndex` asks of them. One block per partner, spans × measures, so
 * that a record's measures are in one place: `sums[((p × spans) + span − first) × measures + k]`
 * (integers at the measure's scale) and `counts` at the same place (events counted, an Int32: a
 * record that would make one reach 2^31 − 1 goes the general way). The spans are those the data
 * reaches, from `first` (span = ⌊month number / g⌋).
 */
export class ColumnMonths implements MonthStore {
  sums = new Float64Array(0);
  counts = new Int32Array(0);
  seen = new Uint8Array(0);
  /** Partners the arrays have room for; months they hold, from month number `first`. */
  cap = 0;
  months_ = 0;
  first = 0;
  table: PartnerTable | undefined;
  private readonly slotOf: Map<string, number>;
  readonly k: number;

  constructor(
    measures: readonly LocalMeasure[],
    readonly g: number,
  ) {
    this.slotOf = new Map(measures.map((m, k) => [m.step.name, k]));
    this.k = measures.length;
  }

  /** Room for partner indexes below `size` and spans [lo, hi]. */
  reserve(size: number, lo: number, hi: number): void {
    const hadMonths = this.months_ > 0;
    const first = hadMonths ? Math.min(this.first, lo) : lo;
    const last = hadMonths ? Math.max(this.first + this.months_ - 1, hi) : hi;
    const months = last - first + 1;
    let cap = Math.max(this.cap, 1024);
    while (cap < size) cap *= 2;
    if (cap === this.cap && first === this.first && months === this.months_) return;
    const k = this.k;
    const sums = new Float64Array(cap * months * k);
    const counts = new Int32Array(cap * months * k);
    if (hadMonths && k > 0 && first === this.first && months === this.months_) {
      // more partners, the same months: each block stays where it was, one copy of all
      sums.set(this.sums);
      counts.set(this.counts);
    } else if (hadMonths && k > 0) {
      // copy each partner's block to its place in the larger one
      const shift = (this.first - first) * k;
      const old = this.months_ * k;
      const now = months * k;
      for (let p = 0; p < this.cap; p++) {
        sums.set(this.sums.subarray(p * old, p * old + old), p * now + shift);
        counts.set(this.counts.subarray(p * old, p * old + old), p * now + shift);
      }
    }
    const seen = new Uint8Array(cap);
    seen.set(this.seen);
    this.sums = sums;
    this.counts = counts;
    this.seen = seen;
    this.cap = cap;
    this.first = first;
    this.months_ = months;
  }

  private lastPartner: string | undefined;
  private lastIndex = -1;

  months(measure: string, partner: string, lo: number, hi: number, each: (sum: number, count: number) => void): void {
    const k = this.slotOf.get(measure);
    if (k === undefined || !this.table) return;
    const g = this.g;
    if (lo % g !== 0 || (hi + 1) % g !== 0) throw new Error(`internal: measure ${measure} is read over months ${lo}..${hi}, not whole spans of ${g}`);
    // (a partner's measures are read one after the other: its index is looked up once)
    if (partner !== this.lastPartner) {
      this.lastIndex = this.table.indexOf(partner);
      this.lastPartner = partner;
    }
    const p = this.lastIndex;
    if (p < 0 || p >= this.cap || this.seen[p] === 0) return;
    const from = Math.max(lo / g, this.first);
    const to = Math.min((hi + 1) / g - 1, this.first + this.months_ - 1);
    for (let m = from; m <= to; m++) {
      const at = (p * this.months_ + m - this.first) * this.k + k;
      if (this.counts[at] === 0) continue;
      each(this.sums[at]!, this.counts[at]!);
    }
  }

  /**
   * Adds another store's sums (a part of the file read elsewhere: `data/tail.ts`), whose partner
   * indexes are `map`ped to this one's; false, and nothing changed, when a sum or a count would
   * leave what the kernel keeps exactly (those records are then read again here, the usual way).
   */
  absorb(part: KernelPart, map: Int32Array, size: number): boolean {
    if (part.months === 0 || this.k === 0) return true;
    const k = this.k;
    const pm = part.months;
    const span = pm * k;
    const ps = part.sums;
    const pc = part.counts;
    // Checked first, against the arrays as they are, so that a refused part leaves them unchanged —
    // record by record only when the largest sums and counts of both could overflow together.
    if (largest(ps) + largest(this.sums) > MAX || largest(pc) + largest(this.counts) >= 0x7fffffff) {
      const { cap, first, months_: months, sums, counts } = this;
      for (let w = 0; w < part.cap; w++) {
        if (part.seen[w] !== 1) continue;
        const p = map[w]!;
        for (let m = 0; m < pm; m++) {
          const month = part.first + m;
          const inside = p < cap && month >= first && month < first + months;
          const to = (p * months + month - first) * k;
          const from = w * span + m * k;
          for (let q = 0; q < k; q++) {
            const c = pc[from + q]!;
            if (c === 0) continue;
            const t = (inside ? sums[to + q]! : 0) + ps[from + q]!;
            if (t > MAX || t < -MAX || (inside ? counts[to + q]! : 0) + c >= 0x7fffffff) return false;
          }
        }
      }
    }
    this.reserve(size, part.first, part.first + pm - 1);
    const { first, months_: months, sums, counts, seen } = this;
    for (let w = 0; w < part.cap; w++) {
      if (part.seen[w] !== 1) continue;
      const p = map[w]!;
      seen[p] = 1;
      for (let m = 0; m < pm; m++) {
        const to = (p * months + part.first + m - first) * k;
        const from = w * span + m * k;
        for (let q = 0; q < k; q++) {
          const c = pc[from + q]!;
          if (c === 0) continue;
          sums[to + q] += ps[from + q]!;
          counts[to + q] += c;
        }
      }
    }
    return true;
  }

  has(partner: string): boolean {
    if (!this.table) return false;
    const p = this.table.indexOf(partner);
    return p >= 0 && p < this.cap && this.seen[p] === 1;
  }

  partners(): string[] {
    const out: string[] = [];
    if (!this.table) return out;
    const ids = this.table.ids;
    const n = Math.min(this.cap, ids.length);
    for (let p = 0; p < n; p++) if (this.seen[p] === 1) out.push(ids[p]!);
    return out;
  }
}
