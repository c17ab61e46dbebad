/**
 * What the first pass over the events builds (spec §9 step 1's inputs, and step 2 for the rules
 * that allow it): each partner's measures aggregated by month, as exact sums in a typed store
 * where the integer fast path applies, else in buckets; the events kept where a measure or an
 * explanation needs them; and the awards of `for each EVENT` rules, accumulated per period, rule
 * and partner, in an order that never depends on the order events come in.
 */
import { compareValues, type Ctx, type EventRow, type PartnerEnv, type Value } from './compile-ir.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatPeriod, periodOf } from '../core/periods.js';
import { monthNumber, type CompiledRule, type LocalMeasure, type Plan } from './plan.js';
import type { PartnerRow } from './results.js';
import { wrapEvalError } from './errors.js';
import { sortIds } from './sort-ids.js';

/** Accumulated awards of one rule for one partner in one period. */
export interface RuleAcc {
  /** Per award: the exact sum of its amounts (an Accumulator, so that order never matters). */
  sums: N.Accumulator[];
  /** The first events (by date, then id) that made the award, for its trace. */
  events: { row: EventRow; amounts: Num[] }[];
  eventCount: number;
  rank?: number;
  qualifying?: number;
  /** Every event's award, for a rule that awards to a pot served first come first served (§12.5). */
  all?: { date: string; id: string; amounts: Num[]; refs?: string[] }[];
}

export function newRuleAcc(rule: CompiledRule): RuleAcc {
  return { sums: rule.awards.map(() => new N.Accumulator()), events: [], eventCount: 0 };
}

/** Adds one event's awards (each limited by `cap … per event`) to a partner's accumulator. */
export function addEventAward(rule: CompiledRule, accs: Map<string, RuleAcc>, ctx: Ctx): void {
  const r = ctx.ev!;
  let acc = accs.get(r.partner);
  if (!acc) accs.set(r.partner, (acc = newRuleAcc(rule)));
  const amounts = eventAmounts(rule, ctx);
  for (let ai = 0; ai < amounts.length; ai++) acc.sums[ai]!.add(amounts[ai]!);
  acc.eventCount++;
  keepFirst(acc.events, { row: r, amounts });
  if (rule.keepAll) (acc.all ??= []).push({ date: r.date, id: r.id, amounts, ...(rule.refFields ? { refs: rule.refFields.map((f) => `${f.kind}\u0000${String(r[f.field])}`) } : {}) });
}

/** One event's awards of a rule, each limited by its `cap … per event`. */
export function eventAmounts(rule: CompiledRule, ctx: Ctx): Num[] {
  const perEventCap = rule.spec.cap?.perEvent ? rule.cap : undefined;
  const amounts: Num[] = [];
  for (let ai = 0; ai < rule.awards.length; ai++) {
    let v = rule.awards[ai]!.amount(ctx) as Num;
    if (perEventCap) {
      const cap = perEventCap(ctx) as Num;
      if (N.cmp(v, cap) > 0) {
        v = cap;
        rule.capped?.(ctx);
      }
    }
    amounts.push(v);
  }
  return amounts;
}

/** The text of a `once per partner and FIELD` key (§12.2): values that are equal have one text. */
export function onceKeyText(v: Value): string {
  return typeof v === 'object' ? N.toText(v) : String(v);
}

export const TRACE_EVENTS = 10;

/** Events in the order the spec gives them: by date, then by id. */
export function byDateId(x: EventRow, y: EventRow): number {
  return x.date < y.date ? -1 : x.date > y.date ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/** Keeps the TRACE_EVENTS first events by (date, id), whatever order they come in. */
export function keepFirst(list: { row: EventRow; amounts: Num[] }[], item: { row: EventRow; amounts: Num[] }): void {
  if (list.length === TRACE_EVENTS && byDateId(item.row, list[TRACE_EVENTS - 1]!.row) >= 0) return;
  let i = list.length;
  while (i > 0 && byDateId(item.row, list[i - 1]!.row) < 0) i--;
  list.splice(i, 0, item);
  if (list.length > TRACE_EVENTS) list.pop();
}

/** The awards of `for each EVENT` rules as events stream by, per period (by its text) and rule. */
export class EventAwards {
  /** period → rule index → partner → accumulated awards. */
  readonly awards = new Map<string, Map<string, RuleAcc>[]>();
  /** Per rule index, for `once` rules: the best candidate event per partner (or per period and partner; and per key, §12.2). */
  readonly candidates = new Map<number, Map<string, { row: EventRow; period: string; key?: string }>>();
  private readonly byKind = new Map<string, CompiledRule[]>();
  private readonly periodByMonth = new Map<number, string>();
  private readonly ctx: Ctx = { p: undefined as unknown as PartnerEnv };

  constructor(
    private readonly plan: Plan,
    rules: readonly CompiledRule[],
  ) {
    for (const rule of rules) {
      const kind = (rule.spec.scope as { event: string }).event;
      const list = this.byKind.get(kind) ?? [];
      list.push(rule);
      this.byKind.set(kind, list);
    }
  }

  rulesFor(kind: string): CompiledRule[] | undefined {
    return this.byKind.get(kind);
  }

  /** The period (text) an event earns in, or undefined before the start or after the end. */
  periodOf(date: string): string | undefined {
    const a = this.plan.artifact;
    if (date < a.program.start || (a.program.end !== undefined && date > a.program.end)) return undefined;
    const m = monthNumber(date);
    let p = this.periodByMonth.get(m);
    if (p === undefined) this.periodByMonth.set(m, (p = formatPeriod(periodOf(a.program.period, date))));
    return p;
  }

  feed(rules: readonly CompiledRule[], r: EventRow, env: PartnerEnv): void {
    const period = this.periodOf(r.date);
    if (period === undefined) return; // events before the start count in windows, never earn
    const ctx = this.ctx;
    ctx.p = env;
    ctx.ev = r;
    for (let k = 0; k < rules.length; k++) {
      const rule = rules[k]!;
      const ri = rule.index;
      const spec = rule.spec;
      try {
        if (rule.where && !rule.where(ctx)) continue;
        if (spec.once) {
          let key = spec.once.perPeriod ? `${period}\u0000${r.partner}` : r.partner;
          const value = rule.onceKey ? onceKeyText(rule.onceKey(ctx)) : undefined;
          if (value !== undefined) key += `\u0001${value}`;
          let byKey = this.candidates.get(ri);
          if (!byKey) this.candidates.set(ri, (byKey = new Map()));
          const best = byKey.get(key);
          if (!best || byDateId(r, best.row) < 0) byKey.set(key, { row: r, period, ...(value !== undefined ? { key: value } : {}) });
          continue;
        }
        let perRule = this.awards.get(period);
        if (!perRule) this.awards.set(period, (perRule = this.plan.rules.map(() => new Map())));
        addEventAward(rule, perRule[ri]!, ctx);
      } catch (e) {
        throw wrapEvalError(e, spec.name, `${(spec.scope as { event: string }).event} ${JSON.stringify(r.id)} of partner ${JSON.stringify(r.partner)}`);
      }
    }
  }
}

/** A measure's running aggregate for one partner and month. */
interface Bucket {
  sum?: N.Accumulator;
  n: number;
  distinct?: Set<string>;
  best?: Value;
}

const EMPTY: EventRow[] = [];
/** The attributes of a partner named by events only (no partner declaration): none, one object for all (never written to). */
const NO_ATTRS: Record<string, Value> = Object.freeze({}) as Record<string, Value>;

/**
 * Measures aggregated outside `add` (the column kernel, `fast-pass1.ts`), attached to the index:
 * `months` gives a partner's sum (at the measure's fast-path scale) and count for each month in
 * [lo, hi] in which it has events of the measure; `partners` the partners whose events it took.
 */
export interface MonthStore {
  months(measure: string, partner: string, lo: number, hi: number, each: (sum: number, count: number) => void): void;
  /** Each partner once. */
  partners(): readonly string[];
  /** Whether `partners` lists this one. */
  has(partner: string): boolean;
}

/** A measure's window in a period: its first and last dates, and their months (`monthNumber`). */
export interface MeasureWindow {
  from: string;
  to: string;
  lo: number;
  hi: number;
}

/** What pass 1 keeps: month buckets of the measures that allow it, and events only where needed. */
export class RunIndex {
  latest: string | undefined;
  /** Per partner: per month number, one bucket per local measure. */
  private readonly buckets = new Map<string, Map<number, (Bucket | undefined)[]>>();
  /** Kinds whose events are kept in memory: a measure over them is not local, or explanations need them. */
  private readonly keep: Set<string>;
  private readonly rows = new Map<string, Map<string, EventRow[]>>();
  private readonly attrs: Map<string, Record<string, Value>>;
  private readonly ctx: Ctx = { p: { id: '', attrs: {}, vals: {} } };
  private readonly noAttrs: Record<string, Value> = {};
  /**
   * Per partner seen in the events: its environment for pass 1 and its typed month store — a
   * Float64Array of [sum, count] per month (from the plan's `monthBase`) and per fast-path
   * measure. Sums are integers at the measure's scale, kept below 2^53 (a value that would
   * overflow goes to the object buckets instead), so they stay exact.
   */
  private readonly partnerSlots = new Map<string, { env: PartnerEnv; store?: Float64Array }>();
  /** Measures aggregated by column kernels (`attach`). */
  private readonly stores: MonthStore[] = [];

  constructor(
    private readonly plan: Plan,
    partners: readonly PartnerRow[],
    private readonly explain: boolean | ReadonlySet<string>,
  ) {
    this.attrs = new Map(partners.map((p) => [p.id, p.attrs]));
    this.keep = explain === true ? new Set(plan.artifact.events.map((ev) => ev.name)) : plan.keptKinds;
  }

  /** The partner's typed array, grown to hold month slot `slot`. */
  /** How many partners have a typed array (`storeFor`): with none, `aggregated` looks no partner up. */
  private stores_ = 0;

  private storeFor(ps: { store?: Float64Array }, slot: number): Float64Array {
    const width = this.plan.slots * 2;
    let arr = ps.store;
    if (!arr || arr.length < (slot + 1) * width) {
      const grown = new Float64Array(Math.max(this.plan.monthCap, slot + 12) * width);
      if (arr) grown.set(arr);
      if (!arr) this.stores_++;
      ps.store = arr = grown;
    }
    return arr;
  }

  /** A column kernel's measures, read with the index's own (`aggregated`, `partnerList`). */
  attach(store: MonthStore): void {
    this.stores.push(store);
  }

  /** A partner's environment for pass 1 (its attributes and the program's constants), for an event a column kernel read. */
  envFor(partner: string): PartnerEnv {
    let ps = this.partnerSlots.get(partner);
    if (!ps) this.partnerSlots.set(partner, (ps = { env: { id: partner, attrs: this.attrs.get(partner) ?? this.noAttrs, vals: this.plan.constants } }));
    return ps.env;
  }

  /**
   * Pass 1: one valid event. Returns the partner's environment for pass 1 (its attributes and the
   * program's constants: all that rules evaluated in pass 1 may use).
   */
  add(kind: string, r: EventRow): PartnerEnv {
    if (this.latest === undefined || r.date > this.latest) this.latest = r.date;
    let ps = this.partnerSlots.get(r.partner);
    if (!ps) this.partnerSlots.set(r.partner, (ps = { env: { id: r.partner, attrs: this.attrs.get(r.partner) ?? this.noAttrs, vals: this.plan.constants } }));
    if (this.keep.has(kind) || (this.explain !== true && this.explain !== false && this.explain.has(r.partner))) {
      let per = this.rows.get(kind);
      if (!per) this.rows.set(kind, (per = new Map()));
      let list = per.get(r.partner);
      if (!list) per.set(r.partner, (list = []));
      list.push(r);
    }
    const measures = this.plan.localByKind.get(kind);
    if (!measures) return ps.env;
    const slots = this.plan.slots;
    const month = monthNumber(r.date);
    const slot = month - this.plan.monthBase;
    const arr = slot >= 0 && slots > 0 ? this.storeFor(ps, slot) : undefined;
    const base = slot * slots * 2;
    let row: (Bucket | undefined)[] | undefined;
    const ctx = this.ctx;
    ctx.p = ps.env;
    ctx.ev = r;
    for (let i = 0; i < measures.length; i++) {
      const m = measures[i]!;
      try {
        if (m.where && !m.where(ctx)) continue;
        if (arr && m.slot !== undefined) {
          const at = base + m.slot * 2;
          if (m.step.op === 'count') {
            arr[at + 1]!++;
            continue;
          }
          const x = m.intArg!.fn(ctx);
          const t = arr[at]! + x;
          if (Math.abs(t) <= Number.MAX_SAFE_INTEGER) {
            // NaN (not on the fast path) fails the test above and goes to the buckets below.
            arr[at] = t;
            arr[at + 1]!++;
            continue;
          }
        }
        if (!row) {
          let months = this.buckets.get(r.partner);
          if (!months) this.buckets.set(r.partner, (months = new Map()));
          row = months.get(month);
          if (!row) months.set(month, (row = new Array<Bucket | undefined>(this.plan.local.size)));
        }
        const b = (row[m.index] ??= { n: 0 });
        b.n++;
        switch (m.step.op) {
          case 'sum':
          case 'average': {
            const sum = (b.sum ??= new N.Accumulator());
            if (m.intArg) {
              const x = m.intArg.fn(ctx);
              if (x === x) {
                sum.addScaled(x, m.intArg.scale);
                break;
              }
            }
            sum.add(m.arg!(ctx) as Num);
            break;
          }
          case 'count distinct': {
            const v = m.arg!(ctx);
            (b.distinct ??= new Set()).add(typeof v === 'object' ? N.toText(v) : String(v));
            break;
          }
          case 'min':
          case 'max': {
            const v = m.arg!(ctx);
            if (b.best === undefined || compareValues(m.cmp, v, b.best) * (m.step.op === 'min' ? -1 : 1) > 0) b.best = v;
            break;
          }
        }
      } catch (e) {
        throw wrapEvalError(e, `measure ${m.step.name}`, `${kind} ${JSON.stringify(r.id)} of partner ${JSON.stringify(r.partner)}`, '');
      }
    }
    return ps.env;
  }

  /**
   * Pass 1 done elsewhere (a database, `warehouse/`): one partner's aggregate of one local measure
   * in one month (a month number), as `add` would have made it from the same events — how many
   * events met its condition, the exact sum of their values, the least or greatest value. Sums
   * and values are exact (`Num` parsed from the database's decimal text): the measure's value is
   * then the row path's, to the last digit.
   */
  addAggregate(partner: string, month: number, measure: string, agg: { n: number; sum?: Num; best?: Value }): void {
    const m = this.plan.local.get(measure);
    if (!m) throw new Error(`internal: measure ${measure} is not aggregated in pass 1`);
    this.envFor(partner);
    // The typed month store, as the row path fills it, where the measure has a place there and the sum is a safe integer at its scale.
    const slot = month - this.plan.monthBase;
    if (m.slot !== undefined && slot >= 0) {
      const arr = this.storeFor(this.partnerSlots.get(partner)!, slot);
      const at = slot * this.plan.slots * 2 + m.slot * 2;
      const x = m.step.op === 'count' ? 0 : agg.sum === undefined ? NaN : N.scaledInteger(agg.sum, m.intArg!.scale);
      if (Math.abs(arr[at]! + x) <= Number.MAX_SAFE_INTEGER) {
        arr[at] += x;
        arr[at + 1] += agg.n;
        return;
      }
    }
    let months = this.buckets.get(partner);
    if (!months) this.buckets.set(partner, (months = new Map()));
    let row = months.get(month);
    if (!row) months.set(month, (row = new Array<Bucket | undefined>(this.plan.local.size)));
    const b = (row[m.index] ??= { n: 0 });
    b.n += agg.n;
    if (agg.sum !== undefined) (b.sum ??= new N.Accumulator()).add(agg.sum);
    if (agg.best !== undefined && (b.best === undefined || compareValues(m.cmp, agg.best, b.best) * (m.step.op === 'min' ? -1 : 1) > 0)) b.best = agg.best;
  }

  /** Pass 1 done elsewhere: a partner named by events aggregated there, and the latest date of those events. */
  addPartnerEvents(partner: string, latest: string): void {
    this.envFor(partner);
    if (this.latest === undefined || latest > this.latest) this.latest = latest;
  }

  /** Every partner of the run: the declared ones, or (without a partner declaration) every id events name. */
  partnerList(partners: readonly PartnerRow[], declared: boolean): PartnerRow[] {
    if (declared) return [...partners].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    let ids: string[];
    const kernels = this.stores.map((store) => ({ store, ids: store.partners() })).filter((k) => k.ids.length > 0);
    if (kernels.length <= 1) {
      // One kernel's list (each id once, in the order its file names them), and the ids it lacks:
      // a lookup each for the few others, not a set of a million ids.
      const main = kernels[0];
      ids = main ? [...main.ids] : [];
      const extra = new Set<string>();
      for (const p of partners) if (!main?.store.has(p.id)) extra.add(p.id);
      for (const id of this.partnerSlots.keys()) if (!main?.store.has(id)) extra.add(id);
      for (const id of extra) ids.push(id);
    } else {
      const all = new Set<string>();
      for (const k of kernels) for (const id of k.ids) all.add(id);
      for (const p of partners) all.add(p.id);
      for (const id of this.partnerSlots.keys()) all.add(id);
      ids = [...all];
    }
    // (a file sorted by partner gives ids in order already: checked in one pass, not sorted again)
    let sorted = true;
    for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1]! < ids[i]!;
    if (!sorted) ids = sortIds(ids);
    return ids.map((id) => ({ id, attrs: NO_ATTRS }));
  }

  /** Whether a measure is aggregated by month (else its events are kept). */
  isLocal(name: string): boolean {
    return this.plan.local.has(name);
  }

  /** What `takeMonth` adds to (a count, and a sum unless the measure `m` counts). */
  private readonly fromStores: { n: number; sum: N.Accumulator | undefined; m: LocalMeasure | undefined } = { n: 0, sum: undefined, m: undefined };
  private readonly takeMonth = (x: number, count: number): void => {
    const t = this.fromStores;
    t.n += count;
    if (t.m!.step.op !== 'count') (t.sum ??= new N.Accumulator()).addScaled(x, t.m!.intArg!.scale);
  };

  /** A local measure's value over a window of whole months. */
  aggregated(name: string, partner: string, w: MeasureWindow, ctx: Ctx): Value {
    const m = this.plan.local.get(name)!;
    const { lo, hi } = w;
    // (no lookup in a map with nothing in it: the first lookup of an id hashes it)
    const months = this.buckets.size > 0 ? this.buckets.get(partner) : undefined;
    let n = 0;
    let sum: N.Accumulator | undefined;
    let distinct: Set<string> | undefined;
    let best: Value | undefined;
    const arr = m.slot !== undefined && this.stores_ > 0 ? this.partnerSlots.get(partner)?.store : undefined;
    if (arr) {
      const width = this.plan.slots * 2;
      const base = this.plan.monthBase;
      const first = Math.max(0, lo - base);
      const last = Math.min(arr.length / width - 1, hi - base);
      for (let slot = first; slot <= last; slot++) {
        const at = slot * width + m.slot! * 2;
        if (arr[at + 1] === 0) continue;
        n += arr[at + 1]!;
        if (m.step.op !== 'count') (sum ??= new N.Accumulator()).addScaled(arr[at]!, m.intArg!.scale);
      }
    }
    if (this.stores.length > 0) {
      // (one callback for every call, its running totals in `fromStores`: a closure per partner
      // and measure cost pass 2 an allocation each, run by V8's interpreter for most partners)
      const t = this.fromStores;
      t.n = n;
      t.sum = sum;
      t.m = m;
      for (let k = 0; k < this.stores.length; k++) this.stores[k]!.months(name, partner, lo, hi, this.takeMonth);
      n = t.n;
      sum = t.sum;
      t.sum = undefined;
    }
    if (months) {
      for (const [month, row] of months) {
        if (month < lo || month > hi) continue;
        const b = row[m.index];
        if (!b) continue;
        n += b.n;
        if (b.sum) (sum ??= new N.Accumulator()).add(b.sum.value());
        if (b.distinct) {
          distinct ??= new Set();
          for (const d of b.distinct) distinct.add(d);
        }
        if (b.best !== undefined && (best === undefined || compareValues(m.cmp, b.best, best) * (m.step.op === 'min' ? -1 : 1) > 0)) best = b.best;
      }
    }
    switch (m.step.op) {
      case 'sum':
        return sum ? sum.value() : N.ZERO;
      case 'count':
        return N.int(n);
      case 'count distinct':
        return N.int(distinct?.size ?? 0);
      case 'average':
        return n === 0 ? m.otherwise!(ctx) : N.div(sum!.value(), N.int(n));
      case 'min':
      case 'max':
        return best === undefined ? m.otherwise!(ctx) : best;
    }
  }

  /** A partner's kept events of one kind dated in [from, to] (ISO dates). */
  eventsOf(kind: string, partner: string, from: string, to: string): EventRow[] {
    const rows = this.rows.get(kind)?.get(partner);
    if (!rows) return EMPTY;
    return rows.filter((r) => r.date >= from && r.date <= to);
  }
}
