/**
 * The column kernel: pass 1 over one event kind read as columns (`data/columns.ts`) — the kind's
 * measures aggregated per partner and month in typed arrays, and the conditions of its early
 * `for each EVENT` rules — in loops over the batch, instead of closures per row: the measures'
 * conditions and arguments in one loop written for the program (`kernel-gen.ts`, from the nodes of
 * `vector.ts`; their own loops where it cannot be written), then the sums record by record.
 *
 * It is an optional fast path with an exact fallback, at three levels:
 * - per program and kind: the kernel exists only when every measure of the kind is a `sum`,
 *   `average` or `count` on the integer fast path (`plan.ts`'s `intArg`) and every condition
 *   compiles (`vector.ts`); otherwise (and for kinds whose events pass 1 keeps, or when every
 *   partner is explained) the kind is read as rows, as before;
 * - per record: a record with any unknown (a value the fast path cannot hold, a condition that
 *   could fail), one of an explained partner, one before the month store's first month, or one
 *   that would overflow a sum, goes to the general pass 1 (`RunIndex.add`, `EventAwards.feed`)
 *   as the same `EventRow` the row path makes;
 * - per award: a record that meets an early rule's condition is made a row and given to
 *   `EventAwards.feed` (amounts, caps, `once`, traces are the general path's).
 * The sums it keeps are those `RunIndex` keeps for the same records (integers at the measure's
 * scale, one per partner, month and measure, with their counts), read by `RunIndex.aggregated`
 * through the `MonthStore` it attaches; so the measures' values, scales included, are the same.
 */
import { formatDate, monthsPer } from '../core/periods.js';
import type { EventRow } from './compile-ir.js';
import type { ColumnBatch, ColumnUse, PartnerTable } from './data/columns.js';
import { ColumnMonths, type KernelPart } from './column-months.js';
import { BATCH } from './data/columns.js';
import type { FieldSpec } from './data/schema.js';
import type { EventAwards, RunIndex } from './pass1.js';
import { monthNumber, type CompiledRule, type LocalMeasure, type Plan } from './plan.js';
import { boolVec, numVec, type BoolVec, type NumVec, type VecEnv } from './vector.js';
import { generateKernel, generateSum, type KernelArrays, type SumStore } from './kernel-gen.js';

const MAX = Number.MAX_SAFE_INTEGER;
/** A condition true for every record, and an argument 0 for every record (read only). */
const ALL_TRUE = new Uint8Array(BATCH).fill(1);
const ALL_ZERO = new Float64Array(BATCH);

/** What the kernels of one kind read: `needs`, then batches and rows (as `node-stream.ts`'s `ColumnConsumer`). */
export interface ColumnReader {
  needs: ReadonlyMap<string, ColumnUse>;
  batch(b: ColumnBatch): void;
  row(r: EventRow): void;
}

interface MeasureVec {
  m: LocalMeasure;
  where?: BoolVec;
  arg?: NumVec;
}


/**
 * One evaluator's pass 1 over one kind as columns. `build` returns undefined when the kind
 * cannot be (see the module's comment); the rows then go to `general`, which is the row path's
 * pass 1 for the kind.
 */
export class KindKernel implements ColumnReader {
  readonly needs = new Map<string, ColumnUse>();
  private readonly store: ColumnMonths;
  private readonly general = new Uint8Array(BATCH);
  /** Per measure, its condition's output (all 1 when it has none) and its argument's (all 0 for a count), for the batch read: the loops read them alike. */
  private ws: Uint8Array[];
  private xs: Float64Array[];
  /** Per early rule, its condition's output (all 1 when it has none). */
  private rws: Uint8Array[];
  /** The loop written for this program (`kernel-gen.ts`) that fills them and marks the unknowns; else the nodes' loops and `markUnknown` do. */
  private readonly generated: ((b: ColumnBatch, n: number) => void) | undefined;
  /** The sums' loop written for this program (`kernel-gen.ts`'s `generateSum`); else `sum`. */
  private readonly generatedSum: ((b: ColumnBatch, store: SumStore, maxDay: number, out: Float64Array) => number) | undefined;
  private readonly latest = new Float64Array(1);
  /** Whether kernels write their loop (tests turn it off to compare). */
  static generate = true;
  /** The batch's records that go as rows (`rows`). */
  private readonly picked = new Int32Array(BATCH);
  private maxDay = -Infinity;
  private published = -Infinity;
  /** A tail kernel's records summed (see `part`). */
  private summed = 0;

  private constructor(
    private readonly plan: Plan,
    private readonly idx: RunIndex,
    private readonly early: EventAwards,
    private readonly measures: MeasureVec[],
    private readonly rules: readonly CompiledRule[],
    private readonly ruleWhere: (BoolVec | undefined)[],
    private readonly feed: (r: EventRow) => void,
    private readonly explained: ReadonlySet<string> | undefined,
    needs: Map<string, ColumnUse>,
    /** A kernel over a stretch of the file read in another thread (`data/tail.ts`): the records that go as rows are given back here instead, not summed. */
    private readonly back?: (b: ColumnBatch, i: number) => void,
  ) {
    this.needs = needs;
    this.ws = measures.map(() => ALL_TRUE);
    this.xs = measures.map(() => ALL_ZERO);
    this.rws = ruleWhere.map(() => ALL_TRUE);
    const span = spanMonths(plan, measures.map((x) => x.m));
    if (KindKernel.generate) {
      // the generated loop writes into arrays of its own, which the loops below read
      const arrays: KernelArrays = {
        where: measures.map((m) => (m.where ? new Uint8Array(BATCH) : undefined)),
        arg: measures.map((m) => (m.arg ? new Float64Array(BATCH) : undefined)),
        rules: ruleWhere.map((w) => (w ? new Uint8Array(BATCH) : undefined)),
        general: this.general,
      };
      this.generated = generateKernel(measures, ruleWhere, arrays);
      if (this.generated) {
        this.ws = arrays.where.map((w) => w ?? ALL_TRUE);
        this.xs = arrays.arg.map((x) => x ?? ALL_ZERO);
        this.rws = arrays.rules.map((w) => w ?? ALL_TRUE);
        this.generatedSum = generateSum({ ...arrays, picked: this.picked }, (i, k, at) => this.takeBack(i, k, at), span);
      }
    }
    this.store = new ColumnMonths(
      measures.map((x) => x.m),
      span,
    );
    idx.attach(this.store);
  }

  /**
   * The kernel of `kind` for one evaluator's pass 1 (`idx`, `early`), whose row path is `feed`;
   * undefined when the kind is read as rows.
   */
  static build(plan: Plan, kind: string, fields: readonly FieldSpec[], idx: RunIndex, early: EventAwards, feed: (r: EventRow) => void, explain: boolean | ReadonlySet<string>, back?: (b: ColumnBatch, i: number) => void): KindKernel | undefined {
    if (explain === true || plan.keptKinds.has(kind)) return undefined;
    const needs = new Map<string, ColumnUse>();
    let ok = true;
    const env: VecEnv = {
      capacity: BATCH,
      fields,
      digits: plan.artifact.program.minorDigits,
      constants: plan.constants,
      need(field, use) {
        const had = needs.get(field);
        if (!had) needs.set(field, use);
        else if (had.as !== use.as) ok = false;
        else if (had.as === 'literal' && use.as === 'literal') needs.set(field, { as: 'literal', literals: [...new Set([...had.literals, ...use.literals])] });
      },
    };
    const measures: MeasureVec[] = [];
    for (const m of plan.localByKind.get(kind) ?? []) {
      const op = m.step.op;
      if (op !== 'sum' && op !== 'average' && op !== 'count') return undefined;
      if (m.slot === undefined) return undefined;
      const where = m.step.where ? boolVec(m.step.where, env) : undefined;
      if (m.step.where && !where) return undefined;
      let arg: NumVec | undefined;
      if (op !== 'count') {
        if (!m.intArg || !m.step.arg) return undefined;
        arg = numVec(m.step.arg, env);
        if (!arg || arg.scale !== m.intArg.scale) return undefined;
      }
      measures.push({ m, ...(where ? { where } : {}), ...(arg ? { arg } : {}) });
    }
    const rules = early.rulesFor(kind) ?? [];
    const ruleWhere: (BoolVec | undefined)[] = [];
    for (const r of rules) {
      const w = r.spec.scope.where;
      const v = w ? boolVec(w, env) : undefined;
      if (w && !v) return undefined;
      ruleWhere.push(v);
    }
    if (!ok) return undefined;
    return new KindKernel(plan, idx, early, measures, rules, ruleWhere, feed, explain === false ? undefined : explain, needs, back);
  }

  /** A tail kernel's sums (see `KernelPart`). */
  part(): KernelPart {
    const s = this.store;
    const none = { declared: 0, count: 0, bytes: new Uint8Array(0), at: new Int32Array(0), len: new Int32Array(0) };
    return { ids: s.table?.exported() ?? none, sums: s.sums, counts: s.counts, seen: s.seen, cap: s.cap, months: s.months_, first: s.first, maxDay: this.maxDay, records: this.summed };
  }

  /**
   * Adds a tail kernel's sums (`part`) to this kernel's, its partners found (or added, in the order
   * it met them, as reading on would have) in `table`; false, and nothing changed, when they would
   * not be exact (see `ColumnMonths.absorb`).
   */
  absorb(part: KernelPart, table: PartnerTable): boolean {
    if (this.explained) return false; // the tail's kernel summed every partner's records: explained ones go as rows here
    const map = new Int32Array(part.cap);
    for (let w = 0; w < part.cap; w++) if (part.seen[w] === 1) map[w] = table.find(part.ids, w);
    this.store.table ??= table;
    if (!this.store.absorb(part, map, table.size)) return false;
    this.publish(part.maxDay);
    return true;
  }

  /** The latest day read, to the index (`idx.latest`). */
  private publish(day: number): void {
    if (day > this.maxDay) this.maxDay = day;
    if (this.maxDay > this.published) {
      this.published = this.maxDay;
      const latest = formatDate(this.maxDay);
      if (this.idx.latest === undefined || latest > this.idx.latest) this.idx.latest = latest;
    }
  }

  row(r: EventRow): void {
    this.feed(r);
  }

  /** The records `picked[0..np)` of batch `b`, as rows: to the row path (general ones) or to the early rules whose condition they meet. */
  private rows(b: ColumnBatch, np: number): void {
    if (this.back) {
      for (let q = 0; q < np; q++) this.back(b, this.picked[q]!);
      this.summed -= np;
      return;
    }
    const general = this.general;
    const rules = this.rules;
    const where = this.rws;
    for (let q = 0; q < np; q++) {
      const i = this.picked[q]!;
      if (general[i] === 1) {
        this.feed(b.row(i));
        continue;
      }
      let hit: CompiledRule[] | undefined;
      for (let k = 0; k < rules.length; k++) {
        if (where[k]![i] !== 1) continue;
        (hit ??= []).push(rules[k]!);
      }
      if (!hit) continue;
      const r = b.row(i);
      this.early.feed(hit, r, this.idx.envFor(r.partner));
    }
  }

  /** Takes record i back from the measures before k it was added to (`at`: its block's start). */
  private takeBack(i: number, k: number, at: number): void {
    for (let q = 0; q < k; q++) {
      if (this.ws[q]![i] !== 1) continue;
      this.store.sums[at + q] -= this.xs[q]![i]!;
      this.store.counts[at + q]--;
    }
  }

  batch(b: ColumnBatch): void {
    const n = b.n;
    this.summed += n;
    const store = this.store;
    store.table ??= b.partners;
    if (this.generated) this.generated(b, n);
    else {
      // (an output may be the batch's column itself: read once it has run)
      this.measures.forEach((mv, k) => {
        mv.where?.run(b);
        mv.arg?.run(b);
        this.ws[k] = mv.where?.out ?? ALL_TRUE;
        this.xs[k] = mv.arg?.out ?? ALL_ZERO;
      });
      this.ruleWhere.forEach((w, r) => {
        w?.run(b);
        this.rws[r] = w?.out ?? ALL_TRUE;
      });
      this.markUnknown(n);
    }
    const general = this.general;
    if (this.explained) {
      const ids = b.partners.ids;
      const partner = b.partner;
      for (let i = 0; i < n; i++) if (this.explained.has(ids[partner[i]!]!)) general[i] = 1;
    }
    // A tail kernel sums none of the records that go as rows (they are read again, in order, where the rows are given).
    if (this.back) {
      for (const w of this.rws) for (let i = 0; i < n; i++) if (w[i] === 1) general[i] = 1;
    }
    const g = store.g;
    const month = b.month;
    const base = this.plan.monthBase;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (general[i] === 1) continue;
      const m = month[i]!;
      if (m < base) general[i] = 1; // the row path keeps those in buckets
      else {
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
    }
    if (lo <= hi) store.reserve(b.partners.size, Math.floor(lo / g), Math.floor(hi / g));
    let np: number;
    if (this.generatedSum) {
      np = this.generatedSum(b, store, this.maxDay, this.latest);
      this.maxDay = this.latest[0]!;
    } else np = this.sum(b);
    if (np > 0) this.rows(b, np);
    this.publish(this.maxDay);
  }

  /** Marks the records the general path must take for an unknown that matters: a condition that could not be told, an argument the fast path cannot hold. */
  private markUnknown(n: number): void {
    const general = this.general;
    const ws = this.ws;
    const xs = this.xs;
    const rws = this.rws;
    const K = ws.length;
    const R = rws.length;
    for (let i = 0; i < n; i++) {
      let u = 0;
      for (let k = 0; k < K; k++) {
        const c = ws[k]![i];
        if (c === 2 || (c === 1 && xs[k]![i] !== xs[k]![i])) u = 1;
      }
      for (let r = 0; r < R; r++) if (rws[r]![i] === 2) u = 1;
      general[i] = u;
    }
  }

  /**
   * Adds batch `b`'s records to the sums, record by record (its measures' sums are side by side in
   * the store): a record that would overflow a sum (or a count) goes the general way, and is taken
   * back from the measures before (exactly: integers). Gathers, in the order read, the records
   * that go as rows — general ones, and those that meet an early rule's condition — into `picked`,
   * and returns how many. They are few and given in `rows`, so that this function (hot,
   * optimized) does not run their rare code, which would throw its optimized code away again and
   * again (V8 deoptimizes on an access it has no feedback for yet).
   */
  private sum(b: ColumnBatch): number {
    const n = b.n;
    const store = this.store;
    const general = this.general;
    const ws = this.ws;
    const xs = this.xs;
    const rws = this.rws;
    const picked = this.picked;
    const K = store.k;
    const R = rws.length;
    const M = store.months_;
    const g = store.g;
    const first = store.first;
    const sums = store.sums;
    const counts = store.counts;
    const seen = store.seen;
    const partner = b.partner;
    const month = b.month;
    const day = b.day;
    let maxDay = this.maxDay;
    let np = 0;
    for (let i = 0; i < n; i++) {
      if (general[i] === 0) {
        const p = partner[i]!;
        const at = (p * M + ((month[i]! / g) | 0) - first) * K;
        let k = 0;
        for (; k < K; k++) {
          if (ws[k]![i] !== 1) continue;
          const s = at + k;
          if (counts[s] === 0x7fffffff) break;
          const t = sums[s]! + xs[k]![i]!;
          if (t > MAX || t < -MAX) break;
          sums[s] = t;
          counts[s]++;
        }
        if (k === K) {
          seen[p] = 1;
          if (day[i]! > maxDay) maxDay = day[i]!;
          for (let r = 0; r < R; r++) {
            if (rws[r]![i] === 1) {
              picked[np++] = i;
              break;
            }
          }
          continue;
        }
        general[i] = 1;
        this.takeBack(i, k, at);
      }
      picked[np++] = i;
    }
    this.maxDay = maxDay;
    return np;
  }
}

/** The kernels of several evaluators over one kind, reading one batch (`incent diff`); undefined unless every one has a kernel and their needs agree. */
export function together(kernels: readonly (KindKernel | undefined)[], progress?: (n: number) => void): ColumnReader | undefined {
  if (kernels.length === 0 || kernels.some((k) => k === undefined)) return undefined;
  const ks = kernels as KindKernel[];
  const needs = new Map<string, ColumnUse>();
  for (const k of ks) {
    for (const [field, use] of k.needs) {
      const had = needs.get(field);
      if (!had) needs.set(field, use);
      else if (had.as !== use.as) return undefined;
      else if (had.as === 'literal' && use.as === 'literal') needs.set(field, { as: 'literal', literals: [...new Set([...had.literals, ...use.literals])] });
    }
  }
  if (ks.length === 1 && !progress) return ks[0];
  const one = ks.length === 1 ? ks[0] : undefined;
  return {
    needs,
    // one kernel with progress: a tail read elsewhere is counted when it is added
    ...(one && {
      absorb(part: KernelPart, table: PartnerTable) {
        if (!one.absorb(part, table)) return false;
        progress?.(part.records);
        return true;
      },
    }),
    batch(b) {
      for (const k of ks) k.batch(b);
      progress?.(b.n);
    },
    row(r) {
      for (const k of ks) k.row(r);
      progress?.(1);
    },
  };
}

/**
 * The months a kernel's sums are kept by: the program's period (1, 3 or 12 months) when every
 * window its measures are read over is made of whole periods, calendar-aligned — `this period`,
 * `previous period`, `year to date`, `previous year`, `last N` units that make whole periods,
 * `program to date` from a start that begins a period — else 1 (by month). For a yearly program
 * over `this period`, one sum per partner and measure instead of twelve.
 */
export function spanMonths(plan: Plan, measures: readonly LocalMeasure[]): number {
  const a = plan.artifact;
  const g = monthsPer(a.program.period); // a half is 6 months (not 12: spans of a year would be read by halves)
  const start = monthNumber(a.program.start);
  const aligned = measures.every((m) => {
    const w = m.step.window;
    switch (w.form) {
      case 'this period':
      case 'previous period':
      case 'year to date':
      case 'previous year':
        return true;
      case 'program to date':
        return start % g === 0;
      case 'last': {
        const unit = w.unit === 'periods' ? g : w.unit === 'months' ? 1 : w.unit === 'quarters' ? 3 : 12;
        return (w.count * unit) % g === 0;
      }
      default:
        return false;
    }
  });
  return aligned ? g : 1;
}
