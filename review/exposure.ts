/**
 * Exposure (spec §14.3): the most each pot can pay — one partner in one period, all partners in
 * one period, and over the program when it has an end — derived from the program alone: its
 * awards, rule caps, pot caps, budgets, rankings, the tables it looks values up in, and the ranges
 * its fields declare (`amount: money in 0 EUR..1_000_000 EUR`). Or "unbounded", with the award
 * that makes it so and the smallest change that bounds it.
 *
 * How: an interval analysis over the artifact's expressions (`interval.ts`: exact decimals, every
 * bound rounded outward), in the evaluator's order — fields (their declared ranges), constants
 * (their values), measures, tiers and lets, then each rule's awards under its `where` (which
 * narrows what it compares: `where amount <= 1_000 EUR` bounds `amount` in the award), per-event
 * caps, how many awards a partner can get in a period (one per partner for `for each partner`,
 * `for top N`, `once`; unbounded for `for each EVENT`), rule caps, the pot's rounding, the pot's
 * cap and budget. The bound is sound: no data set pays more (a property test checks it against
 * runs over generated data). It is conservative where the analysis loses precision: values that
 * depend on each other are bounded as if they did not (`x - x`), an `if` whose condition is not
 * decided is bounded by both branches (each narrowed by its condition), a lookup keyed by text by
 * every entry, a sum over events by its terms' sign only (a partner's events are not bounded in
 * number).
 *
 * Browser-safe: no Node module.
 */
import type { CheckedProgram } from '../compiler/checked.js';
import { Dec, formatDecimal } from '../core/decimal.js';
import { SourceText } from '../core/diagnostics.js';
import type { RoundingMode } from '../core/money.js';
import { roundTo } from '../core/money.js';
import type { Artifact, IR, PotSpec, RuleSpec, Step } from '../runtime/artifact.js';
import * as N from '../runtime/num.js';
import { Plan } from '../runtime/plan.js';
import * as I from './interval.js';
import type { Interval } from './interval.js';
import { readable } from './render.js';
import { ledgerBounds } from './ledger-exposure.js';

// ---------------------------------------------------------------------------------------------
// The report

/** An upper bound in a pot's unit: an exact decimal (money with the currency's minor digits), or none. */
export interface ExposureBound {
  bounded: boolean;
  amount?: string;
  /** What sets it: `pot cap`, `yearly pot cap`, `budget`, `rule cap`, `rules` (their sum), `ranking` (top N partners), `awards`. */
  by?: string;
}

export interface RuleExposure {
  rule: string;
  line?: number;
  /** `random`: a seeded draw (§13.5), which awards at most N partners, as `top` does. */
  scope: 'each event' | 'each partner' | 'top' | 'random';
  /** How many awards a partner can get from it in a period: one, or unbounded (one per event). */
  awards: 'one' | 'unbounded';
  /** The most one award adds to the pot (after a per-event cap), rounded up to the pot's unit. */
  perAward: ExposureBound;
  /** The most its total adds for one partner in one period (after its cap, rounded as the pot rounds). */
  perPartner: ExposureBound;
  /** Unbounded: why, and the smallest change that bounds it. */
  why?: string;
  fix?: string;
}

export interface PotExposure {
  pot: string;
  kind: PotSpec['kind'];
  unit: PotSpec['unit'];
  line?: number;
  /** What one partner earns in one period, after the pot's cap and budget. */
  perPartner: ExposureBound;
  /** The most a positive balance carried in from an earlier period holds (below the minimum, or less than the smallest card); absent when nothing positive is carried. */
  carried?: string;
  /** What one partner is paid in one period: earned, plus what may be carried in. */
  paidPerPartner: ExposureBound;
  /** What all partners earn together in one period (the positive earnings after adjustments). */
  perPeriod: ExposureBound;
  /** What all partners are paid over the program's periods (it has an `end`): payments never exceed the positive earnings before them. */
  program?: ExposureBound;
  rules: RuleExposure[];
  /** The smallest change that bounds it, when it is unbounded. */
  fix?: { perPartner?: string; perPeriod?: string };
}

export interface ExposureReport {
  format: 1;
  program: string;
  currency: string;
  /** The program's periods from start to end, when it has an end. */
  periods?: number;
  pots: PotExposure[];
  /**
   * The program's cost (money paid, credited or accrued, and items × value; points cost nothing):
   * what one period's earnings cost (paid in it or later), and what is paid over the program.
   */
  cost: { perPeriod: ExposureBound; program?: ExposureBound };
}

// ---------------------------------------------------------------------------------------------
// Abstract values

/** What an expression can be: a number in an interval (numbers, money, tier levels), a condition that can be true and/or false, or anything (text, dates). */
type AV = { k: 'num'; iv: Interval } | { k: 'bool'; t: boolean; f: boolean } | { k: 'any' };

const ANY: AV = { k: 'any' };
const BOTH: AV = { k: 'bool', t: true, f: true };
const num = (iv: Interval): AV => ({ k: 'num', iv });
const ivOf = (v: AV): Interval => (v.k === 'num' ? v.iv : I.TOP);

function join(a: AV | undefined, b: AV | undefined): AV | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.k === 'num' && b.k === 'num') return num(I.hull(a.iv, b.iv));
  if (a.k === 'bool' && b.k === 'bool') return { k: 'bool', t: a.t || b.t, f: a.f || b.f };
  return ANY;
}

/** Where an expression is evaluated: the event kind in scope, and what conditions have narrowed. */
interface Scope {
  event?: string;
  narrowed: ReadonlyMap<string, Interval>;
}

/** What a narrowable value is called: an event field, a partner field, a named value. */
function keyOf(ir: IR): string | undefined {
  if (ir.k === 'efield') return `e:${ir.f}`;
  if (ir.k === 'pfield') return `p:${ir.f}`;
  if (ir.k === 'ref') return `r:${ir.name}`;
  return undefined;
}

const isNumeric = (ir: IR) => ir.u === 'num' || ir.u === 'money' || ir.u === 'level' || ir.u === undefined;

/** An unbounded input of an expression: what it is, and why nothing bounds it. */
interface Unbounded {
  what: string;
  why: string;
  /** A field without a range: declaring one would bound it. */
  field?: { owner: string; name: string; type: string };
}

class Analyzer {
  private readonly refs = new Map<string, AV>();
  private readonly steps = new Map<string, Step>();
  private readonly fields = new Map<string, Map<string, { iv?: Interval; type: string }>>();
  private readonly levels = new Map<string, number>();
  private readonly eventLets = new Map<string, { value: IR }>();

  constructor(
    readonly a: Artifact,
    readonly plan: Plan,
  ) {
    const fieldMap = (fs: Artifact['events'][number]['fields']) =>
      new Map(
        fs.map((f) => {
          const type = typeof f.type === 'object' ? 'enum' : f.type;
          const numeric = type === 'money' || type === 'decimal' || type === 'integer';
          return [f.name, { type, ...(numeric && f.range ? { iv: { lo: new Dec(f.range.min), hi: new Dec(f.range.max) } } : numeric ? { iv: I.TOP } : {}) }];
        }),
      );
    for (const ev of a.events) this.fields.set(`e\u0000${ev.name}`, fieldMap(ev.fields));
    this.fields.set('p', fieldMap(a.partner.fields));
    for (const t of a.tiers) this.levels.set(t.name, t.levels.length);
    for (const l of a.eventLets ?? []) this.eventLets.set(l.name, l);
    for (const k of a.constants) {
      const v = plan.constants[k.name];
      this.refs.set(k.name, v !== undefined && typeof v === 'object' ? num(I.point(N.toDec(v))) : v !== undefined && typeof v === 'number' ? num(I.point(new Dec(v))) : typeof v === 'boolean' ? { k: 'bool', t: v, f: !v } : ANY);
    }
    for (const st of a.steps) {
      this.steps.set(st.name, st);
      this.refs.set(st.name, this.step(st));
    }
  }

  /** Whether a partner-level value is narrowed in this scope (a let or tier computed from it may be narrower). */
  private partnerNarrowed(scope: Scope): boolean {
    for (const k of scope.narrowed.keys()) if (!k.startsWith('e:')) return true;
    return false;
  }

  private readonly inScope = new WeakMap<Scope, Map<string, AV>>();

  /** A let or tier evaluated with the partner-level narrowings of a scope (once per scope). */
  private stepIn(st: Step, scope: Scope): AV {
    let memo = this.inScope.get(scope);
    if (!memo) this.inScope.set(scope, (memo = new Map()));
    const hit = memo.get(st.name);
    if (hit) return hit;
    const partner: Scope = { narrowed: new Map([...scope.narrowed].filter(([k]) => !k.startsWith('e:'))) };
    const v = this.step(st, partner);
    // Never wider than without the narrowing (an `if` both of whose branches stay possible, say).
    const base = this.refs.get(st.name);
    const out = v.k === 'num' && base?.k === 'num' ? num(I.meet(v.iv, base.iv) ?? v.iv) : v;
    memo.set(st.name, out);
    return out;
  }

  private step(st: Step, partner: Scope = { narrowed: new Map() }): AV {
    if (st.kind === 'let') return this.eval(st.value, partner);
    if (st.kind === 'tier') {
      const by = ivOf(this.eval(st.by, partner));
      const th = st.thresholds.map((t) => ivOf(this.eval(t, partner)));
      // The level: how many thresholds the value reaches (constant thresholds increase, E0414).
      let lo = 0;
      let hi = 0;
      th.forEach((t, i) => {
        if (by.lo.gte(t.hi)) lo = i + 1;
        if (by.hi.gte(t.lo)) hi = i + 1;
      });
      // A tier that falls at most N levels (§12.3) may hold a level its value no longer reaches.
      if (st.down) hi = th.length;
      return num({ lo: new Dec(lo), hi: new Dec(hi) });
    }
    // A measure aggregates a partner's events of one kind, which are not bounded in number.
    const scope: Scope = { event: st.event, narrowed: new Map() };
    const inner = st.where ? this.narrow(st.where, true, scope) : scope;
    const arg = st.arg && inner ? ivOf(this.eval(st.arg, inner)) : undefined;
    switch (st.op) {
      case 'count':
      case 'count distinct':
        return num({ lo: I.ZERO, hi: I.INF });
      case 'sum':
        return num(I.sumOf(arg ?? I.point(I.ZERO), I.INF));
      default: {
        const otherwise = st.otherwise ? this.eval(st.otherwise, partner) : undefined;
        if (st.value !== 'num' && st.value !== 'money') return ANY;
        return join(arg ? num(arg) : undefined, otherwise) ?? ANY;
      }
    }
  }

  /** The interval of a field in scope, as declared (its range) or narrowed. */
  private field(ir: Extract<IR, { k: 'efield' | 'pfield' }>, scope: Scope): AV {
    const narrowed = scope.narrowed.get(keyOf(ir)!);
    if (narrowed) return num(narrowed);
    const f = ir.k === 'efield' ? this.fields.get(`e\u0000${scope.event}`)?.get(ir.f) : this.fields.get('p')?.get(ir.f);
    return f?.iv ? num(f.iv) : ANY;
  }

  eval(ir: IR, scope: Scope): AV {
    switch (ir.k) {
      case 'num':
      case 'money':
        return num(I.point(new Dec(ir.v)));
      case 'level':
        return num(I.point(new Dec(ir.i)));
      case 'bool':
        return { k: 'bool', t: ir.v, f: !ir.v };
      case 'str':
        return ANY;
      case 'efield':
      case 'pfield':
        return this.field(ir, scope);
      case 'ref': {
        const narrowed = scope.narrowed.get(`r:${ir.name}`);
        if (narrowed) return num(narrowed);
        // A let or a tier computed from what a condition narrowed (`where status <= Silver` bounds `lookup status { … }`): again, in that scope.
        const st = this.steps.get(ir.name);
        if (st && st.kind !== 'measure' && this.partnerNarrowed(scope)) return this.stepIn(st, scope);
        return this.refs.get(ir.name) ?? ANY;
      }
      case 'arith': {
        let v = ivOf(this.eval(ir.a, scope));
        for (const st of ir.rest) {
          const b = ivOf(this.eval(st.b, scope));
          v = st.op === '+' ? I.add(v, b) : st.op === '-' ? I.sub(v, b) : st.op === '*' ? I.mul(v, b) : I.div(v, b);
        }
        return num(v);
      }
      case 'neg':
        return num(I.neg(ivOf(this.eval(ir.a, scope))));
      case 'floor':
        return num(I.floor(ivOf(this.eval(ir.a, scope))));
      case 'ceil':
        return num(I.ceil(ivOf(this.eval(ir.a, scope))));
      case 'abs':
        return num(I.abs(ivOf(this.eval(ir.a, scope))));
      case 'round':
        return num(I.round(ivOf(this.eval(ir.a, scope)), ir.digits, ir.mode));
      case 'min':
      case 'max': {
        if (ir.t !== 'num' && ir.t !== 'level') return ANY;
        const xs = ir.args.map((x) => ivOf(this.eval(x, scope)));
        return num(ir.k === 'min' ? I.min(xs) : I.max(xs));
      }
      case 'if': {
        const c = this.eval(ir.c, scope);
        const t = c.k !== 'bool' || c.t ? this.narrow(ir.c, true, scope) : undefined;
        const f = c.k !== 'bool' || c.f ? this.narrow(ir.c, false, scope) : undefined;
        return join(t ? this.eval(ir.a, t) : undefined, f ? this.eval(ir.b, f) : undefined) ?? this.eval(ir.a, scope);
      }
      case 'lookup':
        return this.lookup(ir, scope);
      case 'bands':
        return ir.mode === 'bands' ? this.bands(ir, scope) : this.marginal(ir, scope);
      case 'cmp':
      case 'range':
      case 'set':
      case 'and':
      case 'or':
      case 'not':
        return this.condition(ir, scope);
      // v0.2 (§12). Dates and their arithmetic are not numbers here; `days between` is not bounded.
      case 'period':
      case 'dateadd':
      case 'days':
        return ANY;
      case 'elet': {
        // An event-level let: its value, on the event in scope.
        const l = this.eventLets.get(ir.name);
        return l ? this.eval(l.value, scope) : ANY;
      }
      case 'deref':
        // `a` on the record a `ref` field names (of kind `ir.kind`, the same partner's).
        return this.eval(ir.a, this.derefScope(ir, scope));
      case 'prev':
      case 'at':
        return this.earlier(ir.name);
      case 'running': {
        // A running total over a partner's events, which are not bounded in number.
        const spec = this.a.running[ir.i];
        if (!spec) return ANY;
        if (spec.op === 'count') return num({ lo: I.ZERO, hi: I.INF });
        const inner = spec.where ? this.narrow(spec.where, true, { event: spec.event, narrowed: new Map() }) : { event: spec.event, narrowed: new Map() };
        const arg = spec.arg && inner ? ivOf(this.eval(spec.arg, inner)) : I.point(I.ZERO);
        return num(I.sumOf(arg, I.INF));
      }
      case 'interp': {
        // Between two points a value is between theirs; beyond the points, the nearest point's.
        let out: AV | undefined;
        for (const v of ir.values) out = join(out, this.eval(v, scope));
        return out ?? ANY;
      }
    }
  }

  /** The scope of the record a `ref` field names: its kind's events, with the partner-level narrowings of `scope`. */
  private derefScope(ir: Extract<IR, { k: 'deref' }>, scope: Scope): Scope {
    return { event: ir.kind, narrowed: new Map([...scope.narrowed].filter(([k]) => !k.startsWith('e:'))) };
  }

  /**
   * `previous NAME`, `NAME at DATE`: a value NAME took in another period, or where nothing is known
   * (before the program: zero, false, the base level) — what NAME can be, and zero. Unbounded when
   * NAME is computed from its own earlier values (its bounds are not known yet).
   */
  private earlier(name: string): AV {
    const v = this.refs.get(name);
    if (v?.k === 'num') return num(I.hull(v.iv, I.point(I.ZERO)));
    if (v?.k === 'bool') return BOTH;
    return ANY;
  }

  /** The entries a lookup can take: by tier level, those whose level the key can be (and `else` when a level it can be has none); by text, every entry. */
  private lookup(ir: Extract<IR, { k: 'lookup' }>, scope: Scope): AV {
    let out: AV | undefined;
    let otherwise = ir.otherwise !== undefined;
    if (ir.t === 'level') {
      const key = ivOf(this.eval(ir.key, scope));
      ir.keys.forEach((k, i) => {
        if (key.lo.lte(k as number) && key.hi.gte(k as number)) out = join(out, this.eval(ir.values[i]!, scope));
      });
      if (otherwise && key.lo.isFinite() && key.hi.isFinite() && key.hi.minus(key.lo).lte(1000)) {
        otherwise = false;
        for (let l = key.lo.ceil().toNumber(); l <= key.hi.toNumber(); l++) if (!ir.keys.includes(l)) otherwise = true; // allow-number: a level index
      }
    } else for (const v of ir.values) out = join(out, this.eval(v, scope));
    if (otherwise) out = join(out, this.eval(ir.otherwise!, scope));
    return out ?? ANY;
  }

  /** `bands`: the values of the bands the subject can reach (all of them when a threshold is not a constant). */
  private bands(ir: Extract<IR, { k: 'bands' }>, scope: Scope): AV {
    const x = ivOf(this.eval(ir.x, scope));
    const th = ir.thresholds.map((t) => ivOf(this.eval(t, scope)));
    let out: AV | undefined;
    ir.values.forEach((v, i) => {
      // band i: the subject reaches thresholds[i - 1] and not thresholds[i] (constants increase; other thresholds are not compared)
      const from = i === 0 ? undefined : th[i - 1]!;
      const to = th[i];
      const possible = (!from || x.hi.gte(from.lo)) && (!to || x.lo.lt(to.hi));
      if (possible) out = join(out, this.eval(v, scope));
    });
    return out ?? ANY;
  }

  /** `marginal`: Σ over bands of (the part of the subject in the band) × its rate, each part bounded by the subject and the band's thresholds. */
  private marginal(ir: Extract<IR, { k: 'bands' }>, scope: Scope): AV {
    const x = ivOf(this.eval(ir.x, scope));
    const th = ir.thresholds.map((t) => ivOf(this.eval(t, scope)));
    const constant = th.every((t) => t.lo.eq(t.hi));
    let total = I.point(I.ZERO);
    ir.values.forEach((v, i) => {
      const rate = ivOf(this.eval(v, scope));
      let part: Interval;
      if (i === 0) part = { lo: Dec.min(x.lo, th[0]!.lo), hi: Dec.min(x.hi, th[0]!.hi) };
      else {
        const from = th[i - 1]!;
        const to = th[i];
        const hi = Dec.max(I.ZERO, I.sub(to ? { lo: Dec.min(x.lo, to.lo), hi: Dec.min(x.hi, to.hi) } : x, from).hi);
        // With constant thresholds (increasing) the part is at least what the smallest subject puts in the band; otherwise at least nothing.
        const lo = constant ? Dec.max(I.ZERO, I.sub(to ? { lo: Dec.min(x.lo, to.lo), hi: Dec.min(x.hi, to.hi) } : x, from).lo) : I.ZERO;
        part = { lo, hi };
      }
      total = I.add(total, I.mul(part, rate));
    });
    return num(total);
  }

  private condition(ir: IR, scope: Scope): AV {
    const tri = (t: boolean, f: boolean): AV => ({ k: 'bool', t, f });
    switch (ir.k) {
      case 'not': {
        const a = this.eval(ir.a, scope);
        return a.k === 'bool' ? tri(a.f, a.t) : BOTH;
      }
      case 'and':
      case 'or': {
        const vs = ir.args.map((x) => this.eval(x, scope));
        const bs = vs.map((v) => (v.k === 'bool' ? v : { t: true, f: true }));
        return ir.k === 'and' ? tri(bs.every((b) => b.t), bs.some((b) => b.f)) : tri(bs.some((b) => b.t), bs.every((b) => b.f));
      }
      case 'cmp': {
        if (ir.t !== 'num' && ir.t !== 'level') return BOTH;
        const a = ivOf(this.eval(ir.a, scope));
        const b = ivOf(this.eval(ir.b, scope));
        switch (ir.op) {
          case '<':
            return tri(a.lo.lt(b.hi), a.hi.gte(b.lo));
          case '<=':
            return tri(a.lo.lte(b.hi), a.hi.gt(b.lo));
          case '>':
            return tri(a.hi.gt(b.lo), a.lo.lte(b.hi));
          case '>=':
            return tri(a.hi.gte(b.lo), a.lo.lt(b.hi));
          case '=': {
            const overlap = I.meet(a, b) !== undefined;
            const same = a.lo.eq(a.hi) && b.lo.eq(b.hi) && a.lo.eq(b.lo);
            return tri(overlap, !same);
          }
          case '!=': {
            const overlap = I.meet(a, b) !== undefined;
            const same = a.lo.eq(a.hi) && b.lo.eq(b.hi) && a.lo.eq(b.lo);
            return tri(!same, overlap);
          }
        }
        return BOTH;
      }
      case 'range': {
        if (ir.t !== 'num' && ir.t !== 'level') return BOTH;
        const x = ivOf(this.eval(ir.x, scope));
        const lo = ivOf(this.eval(ir.lo, scope));
        const hi = ivOf(this.eval(ir.hi, scope));
        const can = x.hi.gte(lo.lo) && x.lo.lte(hi.hi);
        const surely = x.lo.gte(lo.hi) && x.hi.lte(hi.lo);
        return tri(can, !surely);
      }
      default:
        return BOTH;
    }
  }

  /**
   * The scope in which `cond` has the value `truth`, with the values it compares narrowed
   * (`amount <= 1_000 EUR` holds: `amount` is at most 1,000 EUR); undefined when it cannot.
   */
  narrow(cond: IR, truth: boolean, scope: Scope): Scope | undefined {
    const v = this.eval(cond, scope);
    if (v.k === 'bool' && !(truth ? v.t : v.f)) return undefined;
    switch (cond.k) {
      case 'not':
        return this.narrow(cond.a, !truth, scope);
      case 'and':
      case 'or': {
        // Both operands of a true `and` (of a false `or`) hold (are false): narrow by each in turn.
        if ((cond.k === 'and') !== truth) return scope;
        let s: Scope | undefined = scope;
        for (const x of cond.args) if (s) s = this.narrow(x, truth, s);
        return s;
      }
      case 'cmp': {
        if (cond.t !== 'num' && cond.t !== 'level') return scope;
        const op = truth ? cond.op : ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '!=', '!=': '=' } as const)[cond.op];
        let s: Scope | undefined = this.bound(cond.a, op, ivOf(this.eval(cond.b, scope)), scope);
        const flipped = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '!=': '!=' } as const)[op];
        if (s) s = this.bound(cond.b, flipped, ivOf(this.eval(cond.a, s)), s);
        return s;
      }
      case 'range': {
        if (!truth || (cond.t !== 'num' && cond.t !== 'level')) return scope;
        const s = this.bound(cond.x, '>=', ivOf(this.eval(cond.lo, scope)), scope);
        return s && this.bound(cond.x, '<=', ivOf(this.eval(cond.hi, s)), s);
      }
      default:
        return scope;
    }
  }

  /** `x op other` holds: x narrowed (when it is a field or a named value); undefined when x cannot satisfy it. */
  private bound(x: IR, op: '<' | '<=' | '>' | '>=' | '=' | '!=', other: Interval, scope: Scope): Scope | undefined {
    const key = keyOf(x);
    if (!key || !isNumeric(x)) return scope;
    const cur = ivOf(this.eval(x, scope));
    let next: Interval | undefined;
    switch (op) {
      case '<':
      case '<=':
        next = I.meet(cur, { lo: I.NINF, hi: other.hi });
        if (next && op === '<' && next.lo.gte(other.hi)) next = undefined;
        break;
      case '>':
      case '>=':
        next = I.meet(cur, { lo: other.lo, hi: I.INF });
        if (next && op === '>' && next.hi.lte(other.lo)) next = undefined;
        break;
      case '=':
        next = I.meet(cur, other);
        break;
      default:
        next = cur;
    }
    if (!next) return undefined;
    const narrowed = new Map(scope.narrowed);
    narrowed.set(key, next);
    return { ...scope, narrowed };
  }

  /** The inputs of an expression that nothing bounds: fields without a range, sums over events, divisions by what may be zero. */
  unbounded(ir: IR | undefined, scope: Scope, seen = new Set<string>()): Unbounded[] {
    const out: Unbounded[] = [];
    const walk = (x: IR, s: Scope) => {
      const v = this.eval(x, s);
      if (v.k === 'num' && I.isFinite(v.iv)) return;
      switch (x.k) {
        case 'efield':
        case 'pfield': {
          const owner = x.k === 'efield' ? (s.event ?? 'event') : 'partner';
          const f = x.k === 'efield' ? this.fields.get(`e\u0000${s.event}`)?.get(x.f) : this.fields.get('p')?.get(x.f);
          const name = `${owner === 'partner' ? 'partner' : owner}.${x.f}`;
          if (!seen.has(name)) {
            seen.add(name);
            out.push({ what: `\`${name}\``, why: 'a field without a range', field: { owner, name: x.f, type: f?.type ?? 'decimal' } });
          }
          return;
        }
        case 'ref': {
          if (seen.has(x.name)) return;
          seen.add(x.name);
          const st = this.steps.get(x.name);
          if (st?.kind === 'measure') {
            out.push({ what: `\`${x.name}\``, why: st.op === 'count' || st.op === 'count distinct' ? `a count of ${st.event} events, which are not bounded in number` : st.op === 'sum' ? `a sum over ${st.event} events, which are not bounded in number` : `the ${st.op} of ${st.event} events` });
            if (st.op !== 'sum' && st.op !== 'count' && st.op !== 'count distinct' && st.arg) walk(st.arg, { event: st.event, narrowed: new Map() });
            return;
          }
          if (st?.kind === 'let') return walk(st.value, { narrowed: new Map() });
          if (st?.kind === 'tier') return;
          out.push({ what: `\`${x.name}\``, why: 'not bounded' });
          return;
        }
        case 'arith':
          walk(x.a, s);
          for (const st of x.rest) {
            const b = this.eval(st.b, s);
            // A divisor that may be zero is the reason, whatever else it is.
            if (st.op === '/' && b.k === 'num' && b.iv.lo.lte(0) && b.iv.hi.gte(0)) {
              const what = `\`${st.b.src ?? 'the divisor'}\``;
              if (!seen.has(what)) out.push({ what, why: 'a divisor that may be zero or close to it' });
              seen.add(what);
            } else walk(st.b, s);
          }
          return;
        case 'if': {
          const t = this.narrow(x.c, true, s);
          const f = this.narrow(x.c, false, s);
          if (t) walk(x.a, t);
          if (f) walk(x.b, f);
          return;
        }
        case 'elet': {
          const key = `elet:${x.name}`;
          if (seen.has(key)) return;
          seen.add(key);
          const l = this.eventLets.get(x.name);
          if (l) walk(l.value, s);
          return;
        }
        case 'deref':
          return walk(x.a, this.derefScope(x, s));
        case 'prev':
        case 'at': {
          const what = x.k === 'prev' ? `previous ${x.name}` : `${x.name} at ${x.date.src ?? 'a date'}`;
          // A value computed from its own earlier values (`let n = previous n + 1`) grows without bound over the periods.
          if (seen.has(x.name) || this.refs.get(x.name) === undefined) {
            if (!seen.has(what)) out.push({ what: `\`${what}\``, why: 'a value computed from its own values of earlier periods, which is not bounded' });
            seen.add(what);
            return;
          }
          return walk({ k: 'ref', name: x.name }, s);
        }
        case 'running': {
          const spec = this.a.running[x.i];
          const what = `\`${x.src ?? 'running total'}\``;
          if (seen.has(what)) return;
          seen.add(what);
          out.push({ what, why: spec ? `a running ${spec.op} over ${spec.event} events, which are not bounded in number` : 'a running total, not bounded' });
          return;
        }
        case 'days': {
          const what = `\`${x.src ?? 'days between'}\``;
          if (!seen.has(what)) out.push({ what, why: 'a number of days between dates, which is not bounded' });
          seen.add(what);
          return;
        }
        case 'interp':
          for (const v of x.values) walk(v, s);
          return;
        case 'cmp':
        case 'range':
        case 'set':
        case 'and':
        case 'or':
        case 'not':
        case 'str':
        case 'period':
        case 'dateadd':
          return;
        default:
          for (const c of children(x)) walk(c, s);
      }
    };
    if (ir) walk(ir, scope);
    return out;
  }
}

function children(ir: IR): IR[] {
  switch (ir.k) {
    case 'neg':
    case 'floor':
    case 'ceil':
    case 'abs':
    case 'round':
    case 'not':
      return [ir.a];
    case 'min':
    case 'max':
    case 'and':
    case 'or':
      return ir.args;
    case 'lookup':
      return [...ir.values, ...(ir.otherwise ? [ir.otherwise] : [])];
    case 'bands':
      return [ir.x, ...ir.thresholds, ...ir.values];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Pots and rules

/** Lines of rules and pots, when the source is known. */
export interface ExposureSource {
  checked: CheckedProgram;
  text: string;
}

/** The exposure of a program (compiled without errors: `compile(text).artifact`). */
export function exposure(a: Artifact, names: { program: string }, source?: ExposureSource): ExposureReport {
  const plan = new Plan(a);
  const an = new Analyzer(a, plan);
  const src = source ? new SourceText(names.program, source.text) : undefined;
  // by name: a redemption rule (§13.1) is in the checked program's rules, not in the artifact's
  const ruleLine = (i: number) => {
    const info = source?.checked.rules.find((r) => r.name === a.rules[i]!.name);
    return src && info ? src.position(info.decl.span.start).line : undefined;
  };
  const potLine = (name: string) => {
    const p = source?.checked.pots.get(name);
    return src && p ? src.position(p.decl.span.start).line : undefined;
  };
  const digitsOf = (pot: PotSpec) => (pot.unit === 'money' ? a.program.minorDigits : 0);
  const periods = a.program.end ? programPeriods(a) : undefined;

  const pots = plan.pots.map((cp): PotExposure => {
    const pot = cp.spec;
    const digits = digitsOf(pot);
    const text = (d: Dec) => N.toFixedText(N.fromDec(roundTo(d, digits, 'ceiling')), digits);
    const bound = (d: Dec, by?: string): ExposureBound => (d.isFinite() ? { bounded: true, amount: text(d), ...(by ? { by } : {}) } : { bounded: false });
    const rules: (RuleExposure & { max: Dec; min: Dec; count: 'one' | 'unbounded'; top?: number })[] = [];
    a.rules.forEach((spec, ri) => {
      const awards = spec.awards.filter((aw) => aw.pot === pot.name);
      if (awards.length === 0) return;
      rules.push({ ...ruleExposure(an, spec, awards.map((aw) => aw.amount), pot, digits, bound), ...(ruleLine(ri) !== undefined ? { line: ruleLine(ri)! } : {}) });
    });

    // One partner, one period: the rules' totals, then the pot's cap, then the budget.
    let perPartner = rules.reduce((s, r) => s.plus(r.max), new Dec(0));
    let by = rules.length ? 'rules' : 'awards';
    const limit = (v: N.Num | undefined, what: string) => {
      if (v === undefined) return;
      const d = N.toDec(v);
      if (d.lt(perPartner)) {
        perPartner = d;
        by = what;
      }
    };
    if (cp.cap && cp.spec.cap!.per === 'year') {
      // A yearly cap leaves room for what is left of it this year, net of clawbacks: after periods
      // in which the partner earned less than nothing, one period may earn more than the cap.
      const least = rules.reduce((s, r) => s.plus(r.min), new Dec(0));
      const perYear = a.program.period === 'month' ? 12 : a.program.period === 'quarter' ? 4 : 1;
      limit(N.fromDec(N.toDec(cp.cap).plus(Dec.max(new Dec(0), least.neg()).times(perYear - 1))), 'yearly pot cap');
    } else limit(cp.cap, 'pot cap');
    limit(cp.budget, 'budget');
    if (perPartner.isFinite() && !rules.some((r) => r.max.gt(0))) by = 'awards';
    // One rule sets it: what bounds that rule (its cap, or its award).
    const setters = rules.filter((r) => r.max.gt(0));
    if (by === 'rules' && setters.length === 1) by = setters[0]!.perPartner.by ?? 'awards';

    // What a balance carried in can hold: below the minimum, or less than the smallest card.
    const unit = new Dec(1).div(new Dec(10).pow(digits));
    const below = (v: N.Num) => N.toDec(v).div(unit).ceil().minus(1).times(unit);
    let carried: Dec | undefined;
    if (cp.minimum) carried = below(cp.minimum);
    if (cp.denominations?.length) {
      const smallest = cp.denominations[cp.denominations.length - 1]!;
      const rest = below(smallest);
      carried = carried ? Dec.max(carried, rest) : rest;
    }
    if (carried && carried.lte(0)) carried = undefined;
    let paid = carried ? perPartner.plus(carried) : perPartner;

    // All partners, one period: the budget; else, when only rankings award, their N partners.
    let perPeriod = I.INF;
    let periodBy: string | undefined;
    const positive = rules.filter((r) => r.max.gt(0));
    if (positive.every((r) => r.top !== undefined)) {
      const partners = positive.reduce((s, r) => s + r.top!, 0);
      const byRules = positive.reduce((s, r) => s.plus(r.max.times(r.top!)), new Dec(0));
      perPeriod = Dec.min(byRules, perPartner.times(partners));
      periodBy = positive.length ? 'ranking' : 'awards';
    }
    if (cp.budget && N.toDec(cp.budget).lt(perPeriod)) {
      perPeriod = N.toDec(cp.budget);
      periodBy = 'budget';
    }
    // §13.2, §13.3: what a pot that holds or draws pays in a period (`ledger-exposure.ts`).
    const ledger = ledgerBounds(a, pot, paid, perPeriod, (ir) => ivOf(an.eval(ir, { narrowed: new Map() })).hi);
    paid = ledger.paid;
    if (!ledger.perPeriod.eq(perPeriod)) periodBy = pot.hold && !pot.draw ? 'hold' : periodBy;
    perPeriod = ledger.perPeriod;

    const fix: PotExposure['fix'] = {};
    if (!perPartner.isFinite()) {
      const culprits = rules.filter((r) => !r.max.isFinite());
      fix.perPartner = culprits.length === 1 && culprits[0]!.fix ? culprits[0]!.fix : `add \`cap AMOUNT per partner\` to payout ${pot.name}`;
    }
    if (!perPeriod.isFinite()) fix.perPeriod = ledger.why ?? `add \`budget AMOUNT\` to payout ${pot.name}`;

    const out: PotExposure = {
      pot: pot.name,
      kind: pot.kind,
      unit: pot.unit,
      ...(potLine(pot.name) !== undefined ? { line: potLine(pot.name)! } : {}),
      perPartner: bound(perPartner, by),
      ...(carried ? { carried: text(carried) } : {}),
      paidPerPartner: bound(paid),
      perPeriod: bound(perPeriod, periodBy),
      ...(periods !== undefined ? { program: bound(perPeriod.times(periods)) } : {}),
      rules: rules.map(({ max: _m, min: _n, count: _c, top: _t, ...r }) => r),
      ...(fix.perPartner || fix.perPeriod ? { fix } : {}),
    };
    return out;
  });

  // The cost: money pots as they pay, items × value; points cost nothing.
  let perPeriodCost = new Dec(0);
  plan.pots.forEach((cp, i) => {
    const e = pots[i]!;
    if (cp.spec.unit === 'points') return;
    const amount = e.perPeriod.bounded ? new Dec(e.perPeriod.amount!) : I.INF;
    if (cp.spec.unit === 'money') perPeriodCost = perPeriodCost.plus(amount);
    else if (cp.value) perPeriodCost = perPeriodCost.plus(amount.isZero() ? amount : amount.times(N.toDec(cp.value)));
  });
  const money = (d: Dec): ExposureBound => (d.isFinite() ? { bounded: true, amount: N.toFixedText(N.fromDec(roundTo(d, a.program.minorDigits, 'ceiling')), a.program.minorDigits) } : { bounded: false });
  return {
    format: 1,
    program: names.program,
    currency: a.program.currency,
    ...(periods !== undefined ? { periods } : {}),
    pots,
    cost: { perPeriod: money(perPeriodCost), ...(periods !== undefined ? { program: money(perPeriodCost.times(periods)) } : {}) },
  };
}

/** The number of periods from the program's start to its end. */
function programPeriods(a: Artifact): number {
  const [sy, sm] = a.program.start.split('-').map(Number) as [number, number]; // allow-number: calendar fields
  const [ey, em] = a.program.end!.split('-').map(Number) as [number, number]; // allow-number: calendar fields
  const months = (ey - sy) * 12 + (em - sm) + 1;
  return Math.ceil(months / (a.program.period === 'month' ? 1 : a.program.period === 'quarter' ? 3 : 12));
}

const SCOPE: Record<RuleSpec['scope']['kind'], RuleExposure['scope']> = { 'each-event': 'each event', 'each-partner': 'each partner', top: 'top', random: 'random' };

/** One rule's awards to one pot: the most one award adds, how many a partner can get, and its total after its cap and the pot's rounding. */
function ruleExposure(
  an: Analyzer,
  spec: RuleSpec,
  amounts: IR[],
  pot: PotSpec,
  digits: number,
  bound: (d: Dec, by?: string) => ExposureBound,
): RuleExposure & { max: Dec; min: Dec; count: 'one' | 'unbounded'; top?: number } {
  const scope = spec.scope;
  const base = { event: scope.kind === 'each-event' ? scope.event : undefined, narrowed: new Map<string, Interval>() } as { event?: string; narrowed: Map<string, Interval> };
  const where = scope.where ? an.narrow(scope.where, true, base) : base;
  // `once per partner and FIELD` (§12.2): one award per value of the field — as many as an
  // enumeration (or a condition) has values, else not bounded in number.
  const keys = spec.once?.key ? keyCount(an.a, scope.kind === 'each-event' ? scope.event : undefined, spec.once.key) : 1;
  const one = scope.kind !== 'each-event' || (spec.once !== undefined && keys === 1);
  const count = one ? 'one' : 'unbounded';
  const head = { rule: spec.name, scope: SCOPE[scope.kind], awards: count as RuleExposure['awards'], ...(scope.kind === 'top' || scope.kind === 'random' ? { top: scope.n } : {}) };
  if (!where) {
    // Its condition never holds: it never awards.
    return { ...head, max: new Dec(0), min: new Dec(0), count, perAward: bound(new Dec(0)), perPartner: bound(new Dec(0), 'awards') };
  }
  // One award (event or partner): the sum of its awards to this pot, each limited by a per-event cap.
  let each = I.point(I.ZERO);
  const perEventCap = spec.cap?.perEvent ? ivOf(an.eval(spec.cap.amount, where)) : undefined;
  for (const amount of amounts) {
    let v = ivOf(an.eval(amount, where));
    if (perEventCap) v = { lo: Dec.min(v.lo, perEventCap.lo), hi: Dec.min(v.hi, perEventCap.hi) };
    each = I.add(each, v);
  }
  let total = I.sumOf(each, one ? new Dec(1) : spec.once ? new Dec(keys) : I.INF);
  let by = 'awards';
  if (spec.cap && !spec.cap.perEvent) {
    const cap = ivOf(an.eval(spec.cap.amount, where));
    if (cap.hi.lt(total.hi)) {
      total = { lo: Dec.min(total.lo, cap.lo), hi: cap.hi };
      by = 'rule cap';
    }
  }
  const max = total.hi.isFinite() ? roundTo(Dec.max(total.hi, new Dec(0)), digits, pot.rounding as RoundingMode) : total.hi;
  // The least it adds (a clawback's), for a yearly cap: a negative total frees room.
  const min = total.lo.isFinite() ? roundTo(Dec.min(total.lo, new Dec(0)), digits, pot.rounding as RoundingMode) : total.lo;
  const out = { ...head, max, min, count, perAward: bound(Dec.max(each.hi, new Dec(0))), perPartner: bound(max, by) } as RuleExposure & { max: Dec; min: Dec; count: 'one' | 'unbounded'; top?: number };
  if (max.isFinite()) return out;

  // Unbounded: why, and the smallest change that bounds it.
  const capFix = spec.awards.length === 1 ? `add \`cap AMOUNT\` to rule ${JSON.stringify(spec.name)} (the most it pays a partner in a period)` : `add \`cap AMOUNT per partner\` to payout ${pot.name}`;
  if (each.hi.isFinite() && spec.once?.key) {
    out.why = `one award per value of \`${spec.once.key.src ?? 'its key'}\` (each at most ${unitText(bound(each.hi).amount!, pot, an.a.program.currency)}), whose values are not bounded in number`;
    out.fix = capFix;
    return out;
  }
  if (each.hi.isFinite()) {
    out.why = `one award per ${(scope as { event: string }).event} event (each at most ${unitText(bound(each.hi).amount!, pot, an.a.program.currency)}), and a partner's ${(scope as { event: string }).event} events are not bounded in number`;
    out.fix = spec.awards.length === 1 ? `${capFix}, or \`once per partner\`` : capFix;
    return out;
  }
  const inputs = amounts.flatMap((x) => an.unbounded(x, where));
  const fields = inputs.filter((u) => u.field);
  const what = inputs.length ? inputs.map((u) => `${u.what} (${u.why})`).join(', ') : 'its amount';
  out.why = `${one ? 'its award' : 'each award'} \`${clip(amounts.map((x) => x.src ?? '…').join(' + '))}\` is not bounded: ${what}${one ? '' : `; and a partner's ${(scope as { event: string }).event} events are not bounded in number`}`;
  if (one && fields.length > 0 && fields.length === inputs.length) {
    const f = fields[0]!.field!;
    out.fix = `declare a range for ${fields.map((u) => u.what).join(' and ')} (\`${f.name}: ${f.type} in …\`), or ${capFix}`;
  } else out.fix = capFix;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

const BY_WORDS: Record<string, string> = {
  'pot cap': "the pot's cap",
  'yearly pot cap': "the pot's yearly cap",
  budget: 'the budget',
  'rule cap': "the rule's cap",
  rules: 'the rules that award to it',
  ranking: 'the rankings that award to it',
  awards: 'its awards',
};

/** What sets a bound, as people read it: `the pot's cap`, `the budget`; undefined when nothing is named. */
export function boundSource(b: ExposureBound): string | undefined {
  return b.bounded && b.by ? (BY_WORDS[b.by] ?? b.by) : undefined;
}

/** An amount in a pot's unit, as people read it: `1,250.00 EUR`, `500 points`, `1 item`. */
export function unitText(amount: string, pot: Pick<PotExposure, 'unit'>, currency: string): string {
  const g = readable(amount);
  if (pot.unit === 'money') return `${g} ${currency}`;
  return `${g} ${pot.unit === 'points' ? 'point' : 'item'}${amount === '1' ? '' : 's'}`;
}

function amountText(r: ExposureReport, pot: Pick<PotExposure, 'unit'>, amount: string): string {
  return unitText(amount, pot, r.currency);
}

/** A long expression cut in the middle, for a message. */
function clip(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length <= 80 ? t : `${t.slice(0, 38)} … ${t.slice(-38)}`;
}

function boundText(r: ExposureReport, pot: Pick<PotExposure, 'unit'>, b: ExposureBound): string {
  if (!b.bounded) return 'unbounded';
  const source = boundSource(b);
  return `at most ${amountText(r, pot, b.amount!)}${source ? ` (${source})` : ''}`;
}

/** The report for people: per pot, one partner and all partners in one period, over the program; each rule's share; what makes it unbounded and the change that bounds it. */
export function renderExposureText(r: ExposureReport): string {
  const out: string[] = [`Exposure of ${r.program}: the most each pot can pay for any data (within the fields' ranges)${r.periods !== undefined ? `, over ${r.periods} period${r.periods === 1 ? '' : 's'} from start to end` : ''}`];
  for (const p of r.pots) {
    out.push('', `payout ${p.pot} (${p.kind}${p.line !== undefined ? `, line ${p.line}` : ''})`);
    out.push(`  one partner, one period: ${boundText(r, p, p.perPartner)}`);
    if (p.carried !== undefined && p.paidPerPartner.bounded) out.push(`    paid: at most ${amountText(r, p, p.paidPerPartner.amount!)}, with up to ${amountText(r, p, p.carried)} carried in from earlier periods`);
    else if (p.carried !== undefined) out.push(`    paid: also what is carried in from earlier periods (up to ${amountText(r, p, p.carried)})`);
    out.push(`  all partners, one period: ${boundText(r, p, p.perPeriod)}${!p.perPeriod.bounded && p.perPartner.bounded ? ': partners are not bounded in number' : ''}`);
    if (p.program) out.push(`  all partners, over the program: ${boundText(r, p, { ...p.program, by: '' })}`);
    for (const rule of p.rules) {
      const where = rule.line !== undefined ? `line ${rule.line}: ` : '';
      const share = rule.perPartner.bounded ? `at most ${amountText(r, p, rule.perPartner.amount!)} a partner per period${rule.perPartner.by === 'rule cap' ? " (the rule's cap)" : ''}` : 'unbounded';
      out.push(`  ${where}rule ${JSON.stringify(rule.rule)}: ${share}`);
      if (rule.why) out.push(`    ${rule.why}`);
    }
    if (p.fix?.perPartner) out.push(`  to bound it for one partner: ${p.fix.perPartner}`);
    if (p.fix?.perPeriod) out.push(`  to bound it for all partners: ${p.fix.perPeriod}`);
  }
  const cost = (b: ExposureBound) => (b.bounded ? `at most ${readable(b.amount!)} ${r.currency}` : 'unbounded');
  out.push('', `Cost (money and items × value; points cost nothing): what one period earns ${cost(r.cost.perPeriod)}${r.cost.program ? `; paid over the program ${cost(r.cost.program)}` : ''}`);
  return out.join('\n') + '\n';
}

/** How many values the key of a keyed `once` can take: an enumeration's members, a condition's two; else unbounded (Infinity). */
function keyCount(a: Artifact, event: string | undefined, key: IR): number {
  if (key.k !== 'efield' || event === undefined) return Infinity;
  const f = a.events.find((e) => e.name === event)?.fields.find((x) => x.name === key.f);
  if (!f) return Infinity;
  if (typeof f.type === 'object' && 'enum' in f.type) return Math.max(1, f.type.enum.length);
  return f.type === 'boolean' ? 2 : Infinity;
}
