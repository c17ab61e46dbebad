/**
 * Turns lowered expressions (IR) into JavaScript closures, once per run, so that evaluation never
 * walks a tree per record. A closure takes the evaluation context and, when explaining, a list
 * to which it adds what it used (named values, bands reached) for traces.
 */
import type { CmpKind, IR, ValueKind } from './artifact.js';
import { inRange as withinRange, magnitudeText, rangeRule } from '../core/limits.js';
import { EvalError } from './eval-error.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { addDays, addMonths, daysBetween, formatDate, toDay } from '../core/periods.js';

export { EvalError } from './eval-error.js';

/** A runtime value: numbers and money are `Num`; text, enums and dates strings; tier levels their index. */
export type Value = Num | string | boolean | number;

export interface EventRow {
  id: string;
  partner: string;
  date: string;
  [field: string]: Value;
}

export interface PartnerEnv {
  id: string;
  attrs: Record<string, Value>;
  /** Measures, tiers and lets computed for this partner and period, and the program's constants. */
  vals: Record<string, Value>;
  /** `previous NAME` (§12.3): the values of the previous period (in the first, the values before the program). */
  prev?: Record<string, Value>;
  /** What a period's values may reach beyond the partner and the event (§12.2, §12.3): absent in the first pass. */
  run?: RunLinks;
  /** `down at most N … per year` (§12.3): each such tier's level at the end of the previous year, while the year lasts. */
  anchors?: Record<string, number>;
  /** The tiers held up by `down at most N`: the level the partner reached, and the level it falls from. */
  held?: Record<string, { computed: number; anchor: number }>;
}

/**
 * The run's indexes that v0.2's expressions read (`runtime/links.ts`): the records that `ref`
 * fields name, the running totals of each event, and a partner's values in other periods.
 */
export interface RunLinks {
  /** The record of `kind` with this id (named by a `ref` field; the data was validated, so there is one). */
  deref(kind: string, id: string): EventRow;
  /** Running total `i` (the artifact's `running`) for this event. */
  running(i: number, ev: EventRow): Value;
  /** The partner's value of a measure, tier or let in the period that contains `date`. */
  valueAt(env: PartnerEnv, name: string, date: string): Value;
}

export interface Ctx {
  p: PartnerEnv;
  ev?: EventRow;
}

/** Something a trace can say about an evaluation: a named value, or a band reached. */
export type Note =
  | { kind: 'value'; label: string; value: Value; u: ValueKind }
  /** `interpolate`: the value of `subject` fell between two points (`lo`, `hi` as written) and gave `value`. */
  | { kind: 'interp'; subject: string; x: Value; xu: ValueKind; lo: string; hi: string; value: Value; u: ValueKind }
  | {
      kind: 'band';
      label: string;
      subject: string;
      /** `bands`: the subject's value; `marginal`: the part of it inside this band (a slice). */
      value: Value;
      u: ValueKind;
      rate: Value;
      rateU: ValueKind;
      /** the rate as written, when a literal (`4%`) */
      rateSrc?: string;
      /** A slice of a `marginal` subject, rather than the band a `bands` subject reached. */
      slice?: true;
    };

export type Fn = (ctx: Ctx, notes?: Note[]) => Value;

export interface Formatter {
  (v: Value, u: ValueKind | undefined): string;
}

function compareBy(t: CmpKind, a: Value, b: Value): number {
  switch (t) {
    case 'num':
      return N.cmp(a as Num, b as Num);
    case 'level':
      return (a as number) - (b as number);
    case 'bool':
      return Number(a) - Number(b);
    default:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  }
}

export function compareValues(t: CmpKind, a: Value, b: Value): number {
  return compareBy(t, a, b);
}

export interface CompileEnv {
  /** Level names by tier, for lookups keyed by level and for notes. */
  levels: Map<string, string[]>;
  /** Event-level lets by name (§12.2): their value, compiled once per environment. */
  eventLets?: Map<string, IR>;
  /** The compiled event-level lets (filled as they are first met). */
  compiledLets?: Map<string, Fn>;
  /** Coverage's probe: given only to a run that records coverage (see `CoverageProbe`). */
  probe?: CoverageProbe;
}

/**
 * What a run that records coverage (`review/coverage.ts`) is told: which lookup entry or band an
 * evaluation reached, which rule awarded, which rule cap bound. Only the closures of such a run are
 * compiled with it: an entry's or band's value closure is wrapped to say that it was chosen before
 * it computes (the closures of an ordinary run are the plain ones, and never test for a probe).
 * Evaluations made for traces (with a `notes` list) are not counted.
 */
export interface CoverageProbe {
  /**
   * `site` reached `branch` for the partner (and the event) of `ctx`: a `lookup` IR node and its
   * entry's index (`else`: the number of keys), a `bands` node and its band's index (0 the `below`
   * band), or a rule's spec (branch 0: it awarded; 1: its cap bound).
   */
  reach(site: object, branch: number, ctx: Ctx): void;
  /** The run reads its events again (a source that found an invalid row late): what pass 1 recorded is recorded again. */
  restart?(): void;
}

/** A value closure that tells the probe its site and branch were reached, then computes (not when evaluated for a trace). */
export function probed(f: Fn, probe: CoverageProbe, site: object, branch: number): Fn {
  return (ctx, n) => {
    if (!n) probe.reach(site, branch, ctx);
    return f(ctx, n);
  };
}

/** A source text for a message: long ones (a chain of thousands of operands) are cut in the middle. */
function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 38)} … ${text.slice(-38)}`;
}

/**
 * Checks that a result is within the size of numbers (`core/limits.ts`). A Fixed always is (a safe
 * integer at a scale of at most 15), so only a decimal is looked at: the check costs nothing on
 * the fast path. `what` is the source of the operation, for the message.
 */
function inRange(v: Num, what: string, step?: string): Num {
  if (v instanceof N.Fixed || withinRange(v)) return v;
  const where = step ? `\`${clip(what)}\` reaches ${magnitudeText(v)} at \`${step}\`` : `\`${clip(what)}\` is ${magnitudeText(v)}`;
  throw new EvalError('R0002', `${where}, but ${rangeRule(v)}`);
}

/** Whether an IR is a literal one (`1`, `1 EUR`): dividing by it changes the unit, not the value. */
function isOne(ir: IR): boolean {
  return (ir.k === 'num' || ir.k === 'money') && /^1(\.0*)?$/.test(ir.v);
}

/**
 * A chain of arithmetic, `a op₁ b₁ op₂ b₂ …`, combined from the left like the binary operations
 * it stands for. Operands are evaluated in the order those nested operations would evaluate them
 * (a divisor before the dividend, so that a division by zero is found first), which keeps the
 * order of trace notes. Every result is checked against the size of numbers.
 */
function arith(ir: Extract<IR, { k: 'arith' }>, c: (x: IR) => Fn): Fn {
  const a = c(ir.a);
  const rest = ir.rest.filter((st) => !(st.op === '/' && isOne(st.b)));
  const src = ir.src ?? 'this computation';
  if (rest.length === 0) return a;
  if (rest.length === 1) {
    const { op } = rest[0]!;
    const b = c(rest[0]!.b);
    const divisor = clip(rest[0]!.b.src ?? 'the divisor');
    switch (op) {
      case '+':
        return (ctx, n) => inRange(N.add(a(ctx, n) as Num, b(ctx, n) as Num), src);
      case '-':
        return (ctx, n) => inRange(N.sub(a(ctx, n) as Num, b(ctx, n) as Num), src);
      case '*':
        return (ctx, n) => inRange(N.mul(a(ctx, n) as Num, b(ctx, n) as Num), src);
      case '/':
        return (ctx, n) => {
          const d = b(ctx, n) as Num;
          if (N.isZero(d)) throw new EvalError('R0001', `division by zero in \`${clip(src)}\`: \`${divisor}\` is zero`);
          return inRange(N.div(a(ctx, n) as Num, d), src);
        };
    }
  }
  const ops = rest.map((st) => st.op);
  const bs = rest.map((st) => c(st.b));
  const steps = rest.map((st) => `${st.op} ${st.b.k === 'arith' || st.b.k === 'if' ? `(${clip(st.b.src ?? '…')})` : clip(st.b.src ?? '…')}`);
  // Divisors from the outermost step in, then the first operand, then the other operands from the innermost step out.
  const divisors = ops.flatMap((op, i) => (op === '/' ? [i] : [])).reverse();
  const others = ops.flatMap((op, i) => (op === '/' ? [] : [i]));
  const vals: Num[] = new Array<Num>(rest.length);
  return (ctx, n) => {
    for (const i of divisors) {
      const d = bs[i]!(ctx, n) as Num;
      if (N.isZero(d)) throw new EvalError('R0001', `division by zero in \`${clip(src)}\`: \`${clip(rest[i]!.b.src ?? 'the divisor')}\` is zero`);
      vals[i] = d;
    }
    let v = a(ctx, n) as Num;
    for (const i of others) vals[i] = bs[i]!(ctx, n) as Num;
    for (let i = 0; i < ops.length; i++) {
      const x = vals[i]!;
      switch (ops[i]) {
        case '+':
          v = N.add(v, x);
          break;
        case '-':
          v = N.sub(v, x);
          break;
        case '*':
          v = N.mul(v, x);
          break;
        case '/':
          v = N.div(v, x);
          break;
      }
      v = inRange(v, src, steps[i]);
    }
    return v;
  };
}

/**
 * An event-level let (§12.2), on the event in scope: compiled once per environment. For a trace it
 * says its value (`reward 25.00 USD`), or, when it reached a band, what the band was made of.
 */
function eventLet(ir: Extract<IR, { k: 'elet' }>, env: CompileEnv): Fn {
  const { name } = ir;
  const label = ir.src ?? name;
  const u = ir.u ?? 'num';
  const compiled = (env.compiledLets ??= new Map());
  let f: Fn | undefined;
  const get = (): Fn => {
    if (f) return f;
    f = compiled.get(name);
    if (!f) {
      const value = env.eventLets?.get(name);
      if (!value) throw new Error(`internal: no event-level let \`${name}\``);
      f = compileIR(value, env); // lets never use themselves (the checker finds cycles)
      compiled.set(name, f);
    }
    return f;
  };
  return (ctx, notes) => {
    if (!notes) return get()(ctx);
    const sub: Note[] = [];
    const v = get()(ctx, sub);
    if (sub.some((x) => x.kind === 'band' || x.kind === 'interp')) notes.push(...sub);
    else notes.push({ kind: 'value', label, value: v, u });
    return v;
  };
}

/**
 * `interpolate X { P1: V1, … }` (§12.3): below P1 the first value, above the last point the last;
 * between Pi and Pi+1, Vi + (X − Pi) × (Vi+1 − Vi) ÷ (Pi+1 − Pi), computed in that order (only the
 * division can round, to 34 digits). The points are constants that increase (checked).
 */
function interpolate(ir: Extract<IR, { k: 'interp' }>, c: (x: IR) => Fn): Fn {
  const x = c(ir.x);
  const points = ir.points.map(c);
  const values = ir.values.map(c);
  const labels = ir.labels;
  const what = ir.src ?? 'interpolate';
  const subject = ir.x.src ?? 'value';
  const xu = ir.x.u ?? 'num';
  const u = ir.u ?? 'num';
  const last = points.length - 1;
  return (ctx, n) => {
    const v = x(ctx, n) as Num;
    let i = 0;
    while (i <= last && N.cmp(v, points[i]!(ctx) as Num) >= 0) i++;
    // i: the number of points at or below v
    let r: Num;
    let lo: string;
    let hi: string;
    if (i === 0 || i > last) {
      const k = i === 0 ? 0 : last;
      r = values[k]!(ctx, n) as Num;
      lo = hi = labels[k] ?? '';
    } else {
      const p0 = points[i - 1]!(ctx) as Num;
      const p1 = points[i]!(ctx) as Num;
      const v0 = values[i - 1]!(ctx, n) as Num;
      const v1 = values[i]!(ctx, n) as Num;
      const span = N.sub(p1, p0);
      if (N.isZero(span)) throw new EvalError('R0001', `division by zero in \`${clip(what)}\`: two points are equal`);
      r = inRange(N.add(v0, inRange(N.div(inRange(N.mul(N.sub(v, p0), N.sub(v1, v0)), what), span), what)), what);
      lo = labels[i - 1] ?? '';
      hi = labels[i] ?? '';
    }
    if (n) n.push({ kind: 'interp', subject, x: v, xu, lo, hi, value: r, u });
    return r;
  };
}

/** Where the evaluator keeps the evaluated period's first and last day among a partner's values (`period.start`, `period.end`). */
export const PERIOD_START = 'period.start';
export const PERIOD_END = 'period.end';

/**
 * `d ± n days|months` (§12.4). A date outside 0001-01-01..9999-12-31 is an evaluation error
 * (R0004) naming the computation and the values; so is a number of days that is not whole.
 */
function dateAdd(ir: Extract<IR, { k: 'dateadd' }>, c: (x: IR) => Fn): Fn {
  const d = c(ir.d);
  const n = c(ir.n);
  const src = clip(ir.src ?? 'this date');
  const shift = ir.unit === 'days' ? addDays : addMonths;
  const sign = ir.neg ? -1 : 1;
  return (ctx, notes) => {
    const date = d(ctx, notes) as string;
    const count = n(ctx, notes) as Num;
    const k = count instanceof N.Fixed && count.s === 0 ? count.n : /^-?\d+$/.test(N.toText(count)) ? Number(N.toText(count)) : NaN;
    if (!Number.isSafeInteger(k)) throw new EvalError('R0004', `\`${src}\`: ${N.toText(count)} is not a whole number of ${ir.unit}`);
    const day = shift(toDay(date), sign * k);
    if (day === undefined) throw new EvalError('R0004', `\`${src}\`: ${date} ${ir.neg ? '-' : '+'} ${N.toText(count)} ${ir.unit} is outside 0001-01-01..9999-12-31`);
    return formatDate(day);
  };
}

export function compileIR(ir: IR, env: CompileEnv): Fn {
  const c = (x: IR) => compileIR(x, env);
  switch (ir.k) {
    case 'num':
    case 'money': {
      const v = N.parseNum(ir.v);
      return () => v;
    }
    case 'str': {
      const v = ir.v;
      return () => v;
    }
    case 'bool': {
      const v = ir.v;
      return () => v;
    }
    case 'level': {
      const v = ir.i;
      return () => v;
    }
    case 'efield': {
      const f = ir.f;
      const label = ir.src ?? f;
      const u = ir.u ?? 'str';
      return (ctx, notes) => {
        const ev = ctx.ev;
        if (!ev) throw new Error(`internal: event field \`${f}\` used where no event is in scope`);
        const v = ev[f]!;
        if (notes) notes.push({ kind: 'value', label, value: v, u });
        return v;
      };
    }
    case 'pfield': {
      const f = ir.f;
      const label = ir.src ?? `partner.${f}`;
      const u = ir.u ?? 'str';
      return (ctx, notes) => {
        const v = f === 'id' ? ctx.p.id : ctx.p.attrs[f]!;
        if (notes) notes.push({ kind: 'value', label, value: v, u });
        return v;
      };
    }
    case 'ref': {
      const name = ir.name;
      const u = ir.u ?? 'num';
      return (ctx, notes) => {
        const v = ctx.p.vals[name]!;
        if (notes) notes.push({ kind: 'value', label: name, value: v, u });
        return v;
      };
    }
    case 'period': {
      // The evaluator puts the period's first and last day among the partner's values (PERIOD_START, PERIOD_END).
      const key = ir.bound === 'start' ? PERIOD_START : PERIOD_END;
      const label = ir.src ?? `period.${ir.bound}`;
      return (ctx, notes) => {
        const v = ctx.p.vals[key]!;
        if (notes) notes.push({ kind: 'value', label, value: v, u: 'date' });
        return v;
      };
    }
    case 'dateadd':
      return dateAdd(ir, c);
    case 'days': {
      const a = c(ir.a);
      const b = c(ir.b);
      return (ctx, n) => {
        const from = a(ctx, n) as string;
        return N.int(daysBetween(toDay(from), toDay(b(ctx, n) as string)));
      };
    }
    case 'arith':
      return arith(ir, c);
    case 'neg': {
      const a = c(ir.a);
      return (ctx, n) => N.neg(a(ctx, n) as Num);
    }
    case 'cmp': {
      const a = c(ir.a);
      const b = c(ir.b);
      const t = ir.t;
      if (t === 'str' || t === 'bool' || t === 'level') {
        switch (ir.op) {
          case '=':
            return (ctx, n) => a(ctx, n) === b(ctx, n);
          case '!=':
            return (ctx, n) => a(ctx, n) !== b(ctx, n);
        }
      }
      switch (ir.op) {
        case '=':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) === 0;
        case '!=':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) !== 0;
        case '<':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) < 0;
        case '<=':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) <= 0;
        case '>':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) > 0;
        case '>=':
          return (ctx, n) => compareBy(t, a(ctx, n), b(ctx, n)) >= 0;
      }
      break;
    }
    case 'and':
    case 'or': {
      const args = ir.args.map(c);
      if (args.length === 2) {
        const [a, b] = args as [Fn, Fn];
        return ir.k === 'and' ? (ctx, n) => (a(ctx, n) as boolean) && (b(ctx, n) as boolean) : (ctx, n) => (a(ctx, n) as boolean) || (b(ctx, n) as boolean);
      }
      // From the left until one operand decides, like the chain of binary operations it stands for.
      const decides = ir.k === 'or';
      return (ctx, n) => {
        for (const f of args) if ((f(ctx, n) as boolean) === decides) return decides;
        return !decides;
      };
    }
    case 'not': {
      const a = c(ir.a);
      return (ctx, n) => !(a(ctx, n) as boolean);
    }
    case 'range': {
      const x = c(ir.x);
      const lo = c(ir.lo);
      const hi = c(ir.hi);
      const t = ir.t;
      return (ctx, n) => {
        const v = x(ctx, n);
        return compareBy(t, v, lo(ctx, n)) >= 0 && compareBy(t, v, hi(ctx, n)) <= 0;
      };
    }
    case 'set': {
      const x = c(ir.x);
      const items = ir.items.map(c);
      const t = ir.t;
      return (ctx, n) => {
        const v = x(ctx, n);
        return items.some((it) => compareBy(t, v, it(ctx, n)) === 0);
      };
    }
    case 'if': {
      const cond = c(ir.c);
      const a = c(ir.a);
      const b = c(ir.b);
      return (ctx, n) => (cond(ctx, n) ? a(ctx, n) : b(ctx, n));
    }
    case 'floor': {
      const a = c(ir.a);
      return (ctx, n) => N.floor(a(ctx, n) as Num);
    }
    case 'ceil': {
      const a = c(ir.a);
      return (ctx, n) => N.ceil(a(ctx, n) as Num);
    }
    case 'abs': {
      const a = c(ir.a);
      return (ctx, n) => N.abs(a(ctx, n) as Num);
    }
    case 'round': {
      const a = c(ir.a);
      const { digits, mode } = ir;
      return (ctx, n) => N.round(a(ctx, n) as Num, digits, mode);
    }
    case 'min':
    case 'max': {
      const args = ir.args.map(c);
      const t = ir.t;
      const sign = ir.k === 'min' ? -1 : 1;
      return (ctx, n) => {
        let best = args[0]!(ctx, n);
        for (let i = 1; i < args.length; i++) {
          const v = args[i]!(ctx, n);
          if (compareBy(t, v, best) * sign > 0) best = v;
        }
        return best;
      };
    }
    case 'lookup': {
      const key = c(ir.key);
      const table = new Map<string | number, Fn>();
      const probe = env.probe;
      const entry = (f: Fn, i: number) => (probe ? probed(f, probe, ir, i) : f);
      ir.keys.forEach((k, i) => table.set(k, entry(c(ir.values[i]!), i)));
      const otherwise = ir.otherwise ? entry(c(ir.otherwise), ir.keys.length) : undefined;
      const src = ir.src ?? 'lookup';
      return (ctx, n) => {
        const k = key(ctx, n) as string | number;
        const f = table.get(k) ?? otherwise;
        if (!f) throw new EvalError('R0003', `\`${src}\` has no entry for ${JSON.stringify(k)}`);
        return f(ctx, n);
      };
    }
    case 'elet':
      return eventLet(ir, env);
    case 'deref': {
      const a = c(ir.a);
      const { f, kind } = ir;
      return (ctx, n) => {
        const ev = ctx.ev;
        if (!ev || !ctx.p.run) throw new Error(`internal: \`${ir.src ?? f}\` read where no event or no run is in scope`);
        return a({ p: ctx.p, ev: ctx.p.run.deref(kind, ev[f] as string) }, n);
      };
    }
    case 'prev': {
      const { name } = ir;
      const label = ir.src ?? `previous ${name}`;
      const u = ir.u ?? 'num';
      return (ctx, notes) => {
        const prev = ctx.p.prev;
        if (!prev) throw new Error(`internal: \`${label}\` read where no previous period is known`);
        const v = prev[name]!;
        if (notes) notes.push({ kind: 'value', label, value: v, u });
        return v;
      };
    }
    case 'at': {
      const { name } = ir;
      const date = c(ir.date);
      const label = ir.src ?? name;
      const u = ir.u ?? 'num';
      return (ctx, notes) => {
        if (!ctx.p.run) throw new Error(`internal: \`${label}\` read in the first pass`);
        const v = ctx.p.run.valueAt(ctx.p, name, date(ctx, notes) as string);
        if (notes) notes.push({ kind: 'value', label, value: v, u });
        return v;
      };
    }
    case 'running': {
      const { i } = ir;
      const label = ir.src ?? 'running total';
      const u = ir.u ?? 'num';
      return (ctx, notes) => {
        if (!ctx.ev || !ctx.p.run) throw new Error(`internal: \`${label}\` read where no event or no run is in scope`);
        const v = ctx.p.run.running(i, ctx.ev);
        if (notes) notes.push({ kind: 'value', label, value: v, u });
        return v;
      };
    }
    case 'interp':
      return interpolate(ir, c);
    case 'bands': {
      const x = c(ir.x);
      const thresholds = ir.thresholds.map(c);
      const probe = env.probe;
      // A band's value closure runs only for the band chosen (`bands`), or for every band the subject reaches (`marginal`).
      const values = ir.values.map((v, i) => (probe ? probed(c(v), probe, ir, i) : c(v)));
      const labels = ir.labels;
      const subject = ir.x.src ?? 'value';
      const xu = ir.x.u ?? 'num';
      const vu = ir.values[0]?.u ?? 'num';
      // each band's rate as written, when a literal (`4%`): found once, not per note
      const rateSrcs = ir.values.map((v) => (v && (v.k === 'num' || v.k === 'money') && v.src ? v.src : undefined));
      type BandNote = Note & { kind: 'band' };
      if (ir.mode === 'bands') {
        return (ctx, n) => {
          const v = x(ctx, n);
          let i = 0;
          while (i < thresholds.length && N.cmp(v as Num, thresholds[i]!(ctx) as Num) >= 0) i++;
          const r = values[i]!(ctx, n);
          if (n) {
            const note: BandNote = { kind: 'band', label: labels[i] ?? '', subject, value: v, u: xu, rate: r, rateU: vu };
            const src = rateSrcs[i];
            if (src !== undefined) note.rateSrc = src;
            n.push(note);
          }
          return r;
        };
      }
      // marginal: Σ over bands of (the part of X inside the band) × its rate.
      const what = ir.src ?? 'marginal';
      return (ctx, n) => {
        const v = x(ctx, n) as Num;
        let total: Num = N.ZERO;
        let lower: Num | undefined;
        for (let i = 0; i <= thresholds.length; i++) {
          const upper = i < thresholds.length ? (thresholds[i]!(ctx) as Num) : undefined;
          const hi = upper === undefined || N.cmp(v, upper) < 0 ? v : upper;
          const lo = lower;
          const part = lo === undefined ? hi : N.cmp(hi, lo) > 0 ? N.sub(hi, lo) : N.ZERO;
          if (lo === undefined || N.cmp(hi, lo) > 0) {
            const rate = values[i]!(ctx, n) as Num;
            if (!N.isZero(part)) {
              total = inRange(N.add(total, inRange(N.mul(part, rate), what)), what);
              if (n) {
                const note: BandNote = { kind: 'band', label: labels[i] ?? '', subject, value: part, u: xu, rate, rateU: ir.values[i]?.u ?? vu };
                const src = rateSrcs[i];
                if (src !== undefined) note.rateSrc = src;
                note.slice = true;
                n.push(note);
              }
            }
          }
          if (upper === undefined || N.cmp(v, upper) < 0) break;
          lower = upper;
        }
        return total;
      };
    }
  }
  throw new Error(`internal: unknown expression ${(ir as { k: string }).k}`);
}
