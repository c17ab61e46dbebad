/**
 * The evaluation plan, made once per program (not per run): every expression compiled to a
 * closure, the pots' constant options evaluated, and what can be done in the first pass over the
 * events — the measures aggregated by partner and month as events stream by (those whose
 * condition and value use only the event, the partner's attributes and constants), with their
 * integer fast path where it applies, and the `for each EVENT` rules evaluated there too.
 */
import type { Artifact, IR, PotSpec, RuleSpec, Step, ValueKind } from './artifact.js';
import { compileIR, probed, type CompileEnv, type CoverageProbe, type Ctx, type Fn, type Value } from './compile-ir.js';
import { compileInt, type IntFn } from './compile-int.js';
import { wrapEvalError } from './errors.js';
import * as N from './num.js';
import { monthsPer } from '../core/periods.js';
import type { Num } from './num.js';
import type { CompiledRunning } from './running.js';

export interface CompiledStep {
  step: Step;
  fns: { arg?: Fn; where?: Fn; otherwise?: Fn; by?: Fn; thresholds?: Fn[]; value?: Fn };
}

export interface CompiledRule {
  spec: RuleSpec;
  /** Its index in the program's rules (source order). */
  index: number;
  where?: Fn;
  keys?: Fn[];
  awards: { pot: string; amount: Fn; ir: IR }[];
  cap?: Fn;
  potIndex: number[];
  /** Its pots in the order of their first award, each with the awards to it (a partner's awards of the rule are summed per pot, and listed in this order). */
  potGroups: { pot: number; awards: number[] }[];
  /** `once per partner and FIELD` (§12.2): the field's value. */
  onceKey?: Fn;
  /** It awards to a pot whose budget is served first come first served (§12.5), or that holds its awards (§13.2): its accumulators keep every event's award. */
  keepAll?: boolean;
  /** §13.2: it awards to a pot that holds, over an event kind with `ref` fields: each event's award keeps the records they name (`kind\0id`). */
  refFields?: { field: string; kind: string }[];
  /** Coverage's hook: told when the rule's cap bound (set only when the plan has a probe). */
  capped?: (ctx: Ctx) => void;
}

export interface CompiledPot {
  spec: PotSpec;
  digits: number;
  cap?: Num;
  budget?: Num;
  minimum?: Num;
  denominations?: Num[];
  approval?: Num;
  value?: Num;
}

/** A measure aggregated as events stream by: its condition and value use only the event, the partner's attributes and constants. */
export interface LocalMeasure {
  step: Step & { kind: 'measure' };
  /** Its position in a month's bucket array. */
  index: number;
  where?: Fn;
  arg?: Fn;
  otherwise?: Fn;
  /** The value on the integer fast path, when it can be compiled there (sum and average). */
  intArg?: IntFn;
  /** Its place in the typed month store (sum, count and average on the fast path), if it has one. */
  slot?: number;
  cmp: 'num' | 'str' | 'level' | 'bool';
}

export class Plan {
  readonly levels: Map<string, string[]>;
  /** The program-level constants, evaluated. */
  readonly constants: Record<string, Value> = {};
  /** The kind of every named value (constants, measures, tiers, lets). */
  readonly kinds = new Map<string, ValueKind>();
  readonly steps: CompiledStep[];
  readonly rules: CompiledRule[];
  readonly pots: CompiledPot[];
  /** The partner-level `let`s, by name, for traces that say what a let was made of. */
  readonly letFns = new Map<string, Fn>();
  /** `for each EVENT` rules that use no partner-level value: evaluated in pass 1. */
  readonly earlyRules: CompiledRule[];
  /** The other `for each EVENT` rules: evaluated in pass 2, once every period's partner values are known. */
  readonly lateRules: CompiledRule[];
  /** The measures aggregated in pass 1, by name and by event kind. */
  readonly local = new Map<string, LocalMeasure>();
  readonly localByKind = new Map<string, LocalMeasure[]>();
  /** Event kinds whose events pass 1 keeps: a measure over them is not local. */
  readonly keptKinds = new Set<string>();
  /** Measures in the typed month store: [sum, count] per month each. */
  readonly slots: number;
  /** The earliest month (a month number) any window can reach from the first period, and how many months a run's store holds at first. */
  readonly monthBase: number;
  readonly monthCap: number;
  /** How expressions compile (levels, event-level lets): for traces, which compile parts of the program again. */
  readonly compileEnv: CompileEnv;
  /** Running totals (§12.2), all and by the event kind they count. */
  readonly running: CompiledRunning[];
  readonly runningByKind = new Map<string, CompiledRunning[]>();
  /** Event kinds read through `ref` fields (§12.3): the first pass keeps their records by id. */
  readonly derefKinds = new Set<string>();
  /** Whether an expression reads `previous NAME` (§12.3): the values before the program are then computed. */
  readonly usesPrevious: boolean;
  /**
   * The value of each measure, tier and let's kind where nothing is known (what `previous` reads
   * inside the values before the program); a constant is the same in every period.
   */
  readonly defaults: Record<string, Value>;

  /**
   * `probe`: compile for a run that records coverage (`CoverageProbe`): lookups, bands and each
   * rule's first award tell it what they reach, rule caps when they bind, and no measure takes the
   * integer fast path (whose lookups could not tell it). Without one, nothing of this exists.
   */
  constructor(
    readonly artifact: Artifact,
    readonly probe?: CoverageProbe,
  ) {
    const a = artifact;
    this.levels = new Map(a.tiers.map((t) => [t.name, t.levels]));
    const eventLets = new Map((a.eventLets ?? []).map((l) => [l.name, l.value]));
    const env: CompileEnv = { levels: this.levels, eventLets, ...(probe ? { probe } : {}) };
    this.compileEnv = env;
    const c = (ir: IR) => compileIR(ir, env);
    const constCtx: Ctx = { p: { id: '', attrs: {}, vals: this.constants } };
    for (const k of a.constants) {
      try {
        this.constants[k.name] = c(k.value)(constCtx);
      } catch (e) {
        // A constant the checker could not fold (`abs(1 / 0)`) fails here, before any partner: name it.
        throw wrapEvalError(e, `let ${k.name}`, 'a constant of the program', '');
      }
      this.kinds.set(k.name, k.valueKind);
    }
    const evalConst = (ir: IR | undefined) => (ir ? (c(ir)(constCtx) as Num) : undefined);
    this.steps = a.steps.map((step) => {
      if (step.kind === 'measure') {
        this.kinds.set(step.name, step.value);
        return {
          step,
          fns: {
            ...(step.arg ? { arg: c(step.arg) } : {}),
            ...(step.where ? { where: c(step.where) } : {}),
            ...(step.otherwise ? { otherwise: c(step.otherwise) } : {}),
          },
        };
      }
      if (step.kind === 'tier') {
        this.kinds.set(step.name, 'level');
        return { step, fns: { by: c(step.by), thresholds: step.thresholds.map(c) } };
      }
      this.kinds.set(step.name, step.valueKind);
      const value = c(step.value);
      this.letFns.set(step.name, value);
      return { step, fns: { value } };
    });
    const digits = a.program.minorDigits;
    this.pots = a.pots.map((spec) => {
      const d = spec.unit === 'money' ? digits : 0;
      const cap = evalConst(spec.cap?.amount);
      const budget = evalConst(spec.budget);
      const minimum = evalConst(spec.minimum);
      const approval = evalConst(spec.approval);
      const value = evalConst(spec.value);
      return {
        spec,
        digits: d,
        // Caps and budgets are paid in whole units (cents, points): a fraction of a unit cannot be
        // paid, so an amount like `cap 100.005 EUR` allows 100.00 — never more than written.
        ...(cap ? { cap: N.round(cap, d, 'down') } : {}),
        ...(budget ? { budget: N.round(budget, d, 'down') } : {}),
        ...(minimum ? { minimum } : {}),
        ...(spec.denominations ? { denominations: spec.denominations.map((x) => evalConst(x)!).sort((x, y) => N.cmp(y, x)) } : {}),
        ...(approval ? { approval } : {}),
        ...(value ? { value } : {}),
      };
    });
    const potIdx = new Map(a.pots.map((p, i) => [p.name, i]));
    this.rules = a.rules.map((spec, index) => ({
      spec,
      index,
      ...(spec.scope.where ? { where: c(spec.scope.where) } : {}),
      ...(spec.scope.kind === 'top' ? { keys: spec.scope.keys.map(c) } : {}),
      // With a probe, the first award tells it that the rule awarded (an award is computed for every event or partner the rule awards).
      awards: spec.awards.map((aw, ai) => ({ pot: aw.pot, amount: probe && ai === 0 ? probed(c(aw.amount), probe, spec, 0) : c(aw.amount), ir: aw.amount })),
      ...(spec.cap ? { cap: c(spec.cap.amount) } : {}),
      potIndex: spec.awards.map((aw) => potIdx.get(aw.pot) ?? -1),
      potGroups: potGroups(spec.awards.map((aw) => potIdx.get(aw.pot) ?? -1)),
      ...(spec.once?.key ? { onceKey: c(spec.once.key) } : {}),
      ...(spec.awards.some((aw) => a.pots.find((p) => p.name === aw.pot)?.budgetOrder || a.pots.find((p) => p.name === aw.pot)?.hold) ? { keepAll: true } : {}),
      ...heldRefs(a, spec),
      ...(probe && spec.cap ? { capped: (ctx: Ctx) => probe.reach(spec, 1, ctx) } : {}),
    }));
    this.running = (a.running ?? []).map((spec, index) => ({ index, spec, ...(spec.arg ? { arg: c(spec.arg) } : {}), ...(spec.where ? { where: c(spec.where) } : {}) }));
    for (const r of this.running) this.runningByKind.set(r.spec.event, [...(this.runningByKind.get(r.spec.event) ?? []), r]);
    let usesPrevious = false;
    walkIR(a, (x) => {
      if (x.k === 'deref') this.derefKinds.add(x.kind);
      if (x.k === 'prev') usesPrevious = true;
    });
    this.usesPrevious = usesPrevious;
    this.defaults = Object.create(this.constants) as Record<string, Value>;
    for (const st of a.steps) {
      const kind = st.kind === 'measure' ? st.value : st.kind === 'tier' ? 'level' : st.valueKind;
      this.defaults[st.name] = kind === 'num' || kind === 'money' ? N.ZERO : kind === 'bool' ? false : kind === 'level' ? 0 : kind === 'date' ? a.program.start : '';
    }

    // What pass 1 can do: what uses only the event, the partner's attributes and constants.
    const constantNames = new Set(a.constants.map((k) => k.name));
    const local = (ir: IR | undefined) => !ir || irLocal(ir, constantNames, eventLets);
    const eventRules = this.rules.filter((r) => r.spec.scope.kind === 'each-event');
    this.earlyRules = eventRules.filter(
      (r) => local(r.spec.scope.where) && r.spec.awards.every((aw) => local(aw.amount)) && local(r.spec.cap?.amount) && local(r.spec.once?.key),
    );
    this.lateRules = eventRules.filter((r) => !this.earlyRules.includes(r));
    const fieldScales = new Map(
      a.events.map((ev) => [ev.name, new Map(ev.fields.flatMap((f) => (f.type === 'money' ? [[f.name, digits] as const] : f.type === 'integer' ? [[f.name, 0] as const] : [])))]),
    );
    for (const cs of this.steps) {
      const st = cs.step;
      if (st.kind !== 'measure') continue;
      if (!local(st.where) || !local(st.arg)) {
        this.keptKinds.add(st.event);
        continue;
      }
      const m: LocalMeasure = {
        step: st,
        index: this.local.size,
        ...(cs.fns.where ? { where: cs.fns.where } : {}),
        ...(cs.fns.arg ? { arg: cs.fns.arg } : {}),
        ...(cs.fns.otherwise ? { otherwise: cs.fns.otherwise } : {}),
        cmp: st.value === 'level' ? 'level' : st.value === 'str' || st.value === 'date' ? 'str' : st.value === 'bool' ? 'bool' : 'num',
      };
      if (st.arg && (st.op === 'sum' || st.op === 'average') && !probe) {
        const scales = fieldScales.get(st.event);
        const intArg = compileInt(st.arg, { fieldScale: (f) => scales?.get(f), general: (x) => compileIR(x, env), eventLet: (n) => eventLets.get(n) });
        if (intArg) m.intArg = intArg;
      }
      this.local.set(st.name, m);
      const list = this.localByKind.get(st.event) ?? [];
      list.push(m);
      this.localByKind.set(st.event, list);
    }
    let slots = 0;
    for (const m of this.local.values()) if ((m.intArg && (m.step.op === 'sum' || m.step.op === 'average')) || m.step.op === 'count') m.slot = slots++;
    this.slots = slots;
    // The earliest month any window can reach from the first period, and the months a run spans.
    const periodMonths = monthsPer(a.program.period);
    let lookback = 12;
    for (const m of this.local.values()) {
      const w = m.step.window;
      const unit = w.form === 'last' ? (w.unit === 'periods' ? periodMonths : w.unit === 'months' ? 1 : w.unit === 'quarters' ? 3 : 12) : 0;
      lookback = Math.max(lookback, w.form === 'last' ? w.count * unit + 12 : w.form === 'previous year' ? 24 : w.form === 'previous period' ? periodMonths + 12 : 12);
    }
    lookback = Math.min(lookback, 132); // months before go to the buckets: a window of up to 100 years must not size every partner's store
    this.monthBase = monthNumber(a.program.start) - lookback;
    this.monthCap = (a.program.end ? monthNumber(a.program.end) - this.monthBase : lookback + 24) + 1;
  }
}

/** A month as a number (year × 12 + month − 1), from `YYYY-MM…` without allocating. */
export function monthNumber(date: string): number {
  const y = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  return y * 12 + (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48) - 1;
}

/** Every IR node of a value (the artifact, a step, an expression), parents first. */
export function walkIR(root: unknown, visit: (ir: IR) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o['k'] === 'string') visit(o as unknown as IR);
      for (const v of Object.values(o)) if (v && typeof v === 'object') stack.push(v);
    }
  }
}

/**
 * Whether an expression uses only the event, the partner's attributes and constants (pass 1 can
 * evaluate it): no partner-level value, no previous value or value at a date, no running total
 * (known after pass 1), no record read through a `ref` (its index is complete after pass 1), no
 * bound of the period (`period.start`, §12.4: different in every period). An event-level let is looked into.
 */
export function irLocal(ir: IR, constants: ReadonlySet<string>, eventLets: ReadonlyMap<string, IR>, seen = new Set<string>()): boolean {
  let local = true;
  walkIR(ir, (x) => {
    if (!local) return;
    if (x.k === 'ref') local = constants.has(x.name);
    else if (x.k === 'prev' || x.k === 'at' || x.k === 'running' || x.k === 'deref' || x.k === 'period') local = false;
    else if (x.k === 'elet' && !seen.has(x.name)) {
      seen.add(x.name);
      const v = eventLets.get(x.name);
      local = v !== undefined && irLocal(v, constants, eventLets, seen);
    }
  });
  return local;
}

/** The names a lowered expression refers to (measures, tiers, lets, constants). */
export function irRefs(ir: IR): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o['k'] === 'ref') out.push(o['name'] as string);
      if (o['k'] === 'period') out.push(`period.${o['bound'] as string}`); // different in every period: never a constant
      for (const v of Object.values(o)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(ir);
  return out;
}

/** §13.2: the `ref` fields of a rule's event kind, when the rule awards to a pot that holds (a clawback through one cancels what is pending). */
function heldRefs(a: Artifact, spec: RuleSpec): { refFields?: { field: string; kind: string }[] } {
  if (spec.scope.kind !== 'each-event' || !spec.awards.some((aw) => a.pots.find((p) => p.name === aw.pot)?.hold)) return {};
  const kind = spec.scope.event;
  const fields = (a.events.find((e) => e.name === kind)?.fields ?? []).flatMap((f) => (typeof f.type === 'object' && 'ref' in f.type ? [{ field: f.name, kind: f.type.ref }] : []));
  return fields.length ? { refFields: fields } : {};
}

/** The pots awarded to, in the order of their first award, each with the awards to it (`CompiledRule.potGroups`). */
function potGroups(potIndex: readonly number[]): { pot: number; awards: number[] }[] {
  const groups: { pot: number; awards: number[] }[] = [];
  potIndex.forEach((pot, ai) => {
    const g = groups.find((x) => x.pot === pot);
    if (g) g.awards.push(ai);
    else groups.push({ pot, awards: [ai] });
  });
  return groups;
}
