/**
 * The evaluator: runs an artifact over a dataset, period after period, in the order of the spec's
 * §9 — measures, tiers and lets per partner; awards per rule; rule totals (cap, then one rounding);
 * pot caps; pot budgets; balances and payments — carrying state (balances, yearly caps, `once per
 * partner`) from one period to the next.
 *
 * Its parts: the plan made once per program (`plan.ts`), the first pass over the events
 * (`pass1.ts`), the settlement of pots (`settle.ts`), traces and explanations (`traces.ts`), and
 * what a run carries between periods (`run-state.ts`).
 */
import { compareValues, type CoverageProbe, type Ctx, type EventRow, type PartnerEnv, type Value } from './compile-ir.js';
import type { Artifact, ValueKind, WindowSpec } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatDate, formatPeriod, runPeriods, windowRange, type Period, type Window } from '../core/periods.js';
import { wrapEvalError } from './errors.js';
import { addEventAward, EventAwards, newRuleAcc, RunIndex, type RuleAcc } from './pass1.js';
import { Plan, type CompiledRule, type CompiledStep } from './plan.js';
import type { Adjustment, Dataset, PartnerResult, PartnerRow, PeriodResult } from './results.js';
import { RunState } from './run-state.js';
import { applyBudget, applyPotCap, settleBalance } from './settle.js';
import { Tracer } from './traces.js';
import type { ValueFormatter } from './text.js';

export type { Adjustment, AwardResult, Dataset, PartnerResult, PartnerRow, PeriodResult, PotResult } from './results.js';

/**
 * Where a run reads its events from: in-memory rows, or a file read again for each pass. `scan`
 * calls `each` with every valid event of a kind, in any order; a run scans each kind at most twice.
 */
export interface EventSource {
  scan(kind: string, each: (row: EventRow) => void): void;
  /**
   * Asked once pass 1 has scanned every kind: whether a row it was given turned out invalid, or a
   * valid one was held back (a source that validates while it reads, and finds a duplicate id
   * later in the file). Then pass 1 is run again, with a fresh index; by then the source must
   * know its valid rows (it returns false). May throw, to stop the run (data that must not run).
   */
  invalidated?(): boolean;
  /** How many input records were rejected, when known only once the events are read (after pass 1). */
  rejected?(): number;
}

export interface RunOptions {
  /** Evaluate only through this period (periods before it are still evaluated, for carried state). */
  through?: string;
  /**
   * Also say why each rule that gave a partner nothing did not fire (`PartnerResult.unfired`): for
   * every partner (`true`) or for some. Off by default: statements do not need it.
   */
  explain?: boolean | ReadonlySet<string>;
  /** Told how far the run has got (events read per pass, periods evaluated), for a progress display. */
  progress?: (what: string) => void;
}

const EMPTY: EventRow[] = [];

/** One evaluator's pass 1: its index of the events, its early rules, and what it does with a row of a kind (nothing: undefined). */
interface Pass1 {
  idx: RunIndex;
  early: EventAwards;
  feed(kind: string): ((row: EventRow) => void) | undefined;
}

/** One evaluator's run after pass 1: its periods, partners, their values per period, state, late rules, and its pass 2 per kind. */
interface Pass2 {
  run: Period[];
  partnerList: PartnerRow[];
  envs: Map<string, PartnerEnv>[];
  state: RunState;
  late: EventAwards;
  feed(kind: string): ((row: EventRow) => void) | undefined;
}

export class Evaluator {
  readonly artifact: Artifact;
  private readonly plan: Plan;
  private readonly tracer: Tracer;
  /** How the program's values print (`format(value, kind, name)`): money with its currency, levels by name. */
  readonly format: ValueFormatter;

  /** `probe`: a run that records coverage (`CoverageProbe`, used by `review/coverage.ts`); an ordinary run has none. */
  constructor(artifact: Artifact, opts: { probe?: CoverageProbe } = {}) {
    this.artifact = artifact;
    this.plan = new Plan(artifact, opts.probe);
    this.tracer = new Tracer(this.plan);
    this.format = this.tracer.format;
  }

  /** Runs every period of the program over in-memory data and returns one result per period. */
  run(data: Dataset, opts: RunOptions = {}): PeriodResult[] {
    const src: EventSource = { scan: (kind, each) => (data.events[kind] ?? EMPTY).forEach(each) };
    return this.runSource(data.partners, src, { ...opts, rejected: data.rejected ?? 0 });
  }

  /**
   * Runs every period over an event source, in two passes over the events, so that memory grows
   * with the number of partners (and months), not with the number of events:
   * 1. measures are aggregated per partner and month (a window is a run of whole months); a measure
   *    whose condition or value uses a partner-level value (a tier, another measure) cannot be, and
   *    keeps its kind's events in memory instead;
   * 2. after measures, tiers and lets are known for every period, `for each EVENT` rules are
   *    evaluated event by event;
   * then each period is finished in order (partner rules, rule totals, pots), carrying state.
   */
  runSource(partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number } = {}): PeriodResult[] {
    return Evaluator.runTogether([this], partners, src, opts)[0]!;
  }

  /**
   * Runs several evaluators (several versions of a program, as `incent diff` compares) over one
   * event source, reading it as one run would: pass 1 scans each kind once and gives every row to
   * each evaluator's pass 1; pass 2 scans once each kind that any evaluator's late rules need.
   * The evaluators must read the same records (equal record schemas: `recordSchemas` of their
   * artifacts), since each is given the rows the source makes. One result list per evaluator, in
   * order, each equal to what `runSource` gives it alone.
   */
  static runTogether(evaluators: readonly Evaluator[], partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number } = {}): PeriodResult[][] {
    const explain = opts.explain ?? false;
    const progress = opts.progress;
    const kinds = [...new Set(evaluators.flatMap((ev) => ev.artifact.events.map((e) => e.name)))];
    // Pass 1 (again, with a fresh index, if the source says a row it gave was not valid after all).
    let firsts: Pass1[];
    for (let attempt = 0; ; attempt++) {
      firsts = evaluators.map((ev) => ev.startPass1(partners, explain));
      let read = 0;
      for (const kind of kinds) {
        const feeds = firsts.flatMap((f) => f.feed(kind) ?? []);
        src.scan(kind, (r) => {
          for (const feed of feeds) feed(r);
          if (progress && ++read % 100_000 === 0) progress(`${read.toLocaleString('en-US')} events read`);
        });
      }
      if (!src.invalidated?.()) break;
      if (attempt > 0) throw new Error('internal: the event source invalidated pass 1 twice');
      for (const ev of evaluators) ev.plan.probe?.restart?.();
    }
    const rejected = opts.rejected ?? src.rejected?.() ?? 0;
    const seconds = evaluators.map((ev, i) => ev.startPass2(partners, firsts[i]!, opts.through));
    const periods = Math.max(...seconds.map((s) => s.run.length));
    progress?.(`measures evaluated for ${periods} period${periods === 1 ? '' : 's'}`);
    // Pass 2: the `for each EVENT` rules that need every period's partner values.
    for (const kind of kinds) {
      const feeds = seconds.flatMap((s) => s.feed(kind) ?? []);
      if (feeds.length) src.scan(kind, (r) => feeds.forEach((feed) => feed(r)));
    }
    return evaluators.map((ev, i) => {
      const { run, partnerList, envs, state, late } = seconds[i]!;
      const eventAccs = ev.collectEventRules(run, envs, state, firsts[i]!.early, late);
      return run.map((p, j) => {
        const r = ev.evaluatePeriod(p, partnerList, envs[j]!, eventAccs[j]!, firsts[i]!.idx, state, rejected, explain);
        progress?.(`period ${r.period} evaluated (${j + 1} of ${run.length})`);
        return r;
      });
    });
  }

  /**
   * Pass 1 over the events: measures aggregated per partner and month (a window is a run of whole
   * months); a measure whose condition or value uses a partner-level value (a tier, another
   * measure) cannot be, and keeps its kind's events in memory instead.
   */
  private startPass1(partners: readonly PartnerRow[], explain: boolean | ReadonlySet<string>): Pass1 {
    const plan = this.plan;
    const idx = new RunIndex(plan, partners, explain);
    // `for each EVENT` rules that use only the event, the partner's attributes and constants are
    // evaluated in pass 1 too, so that their kind need not be read a second time.
    const early = new EventAwards(plan, plan.earlyRules);
    const feed = (kind: string) => {
      if (!this.artifact.events.some((e) => e.name === kind)) return undefined;
      const rules = early.rulesFor(kind);
      return (r: EventRow) => {
        const env = idx.add(kind, r);
        if (rules) early.feed(rules, r, env);
      };
    };
    return { idx, early, feed };
  }

  /** Measures, tiers and lets for every period of the run; then pass 2 over the kinds whose rules need them. */
  private startPass2(partners: readonly PartnerRow[], first: Pass1, through: string | undefined): Pass2 {
    const a = this.artifact;
    const { idx } = first;
    const periods = runPeriods(a.program.period, a.program.start, a.program.end, idx.latest);
    const last = through === undefined ? periods.length : periods.findIndex((p) => formatPeriod(p) === through) + 1 || periods.length;
    const run = periods.slice(0, last);
    const partnerList = idx.partnerList(partners, a.partner.declared);
    const envs = run.map((p) => this.evaluateEnvs(p, partnerList, idx));
    const state = new RunState(this.plan.rules.length, this.plan.pots.length);
    const late = new EventAwards(this.plan, this.plan.lateRules);
    const index = new Map(run.map((p, i) => [formatPeriod(p), i]));
    const feed = (kind: string) => {
      const kindRules = late.rulesFor(kind);
      if (!kindRules) return undefined;
      return (r: EventRow) => {
        const pi = index.get(late.periodOf(r.date) ?? '');
        if (pi === undefined) return; // before the start or outside the run: never earns
        const env = envs[pi]!.get(r.partner);
        if (env) late.feed(kindRules, r, env);
      };
    };
    return { run, partnerList, envs, state, late, feed };
  }

  /** The periods a run covers, as text (`2026-Q1` …). */
  periods(data: Dataset): string[] {
    let latest: string | undefined;
    for (const rows of Object.values(data.events)) for (const r of rows) if (latest === undefined || r.date > latest) latest = r.date;
    const a = this.artifact;
    return runPeriods(a.program.period, a.program.start, a.program.end, latest).map(formatPeriod);
  }

  /** 1. Measures, tiers and lets for every partner in one period. */
  private evaluateEnvs(period: Period, partners: readonly PartnerRow[], idx: RunIndex): Map<string, PartnerEnv> {
    const envs = new Map<string, PartnerEnv>();
    for (const partner of partners) {
      const env: PartnerEnv = { id: partner.id, attrs: partner.attrs, vals: Object.create(this.plan.constants) as Record<string, Value> };
      for (const cs of this.plan.steps) {
        const at: { ev?: EventRow } = {};
        try {
          env.vals[cs.step.name] = this.evaluateStep(cs, env, period, idx, at);
        } catch (e) {
          // Like a rule's errors, a measure's, tier's or let's name what it was evaluating.
          const what = `${cs.step.kind} ${cs.step.name}`;
          const ev = cs.step.kind === 'measure' ? cs.step.event : undefined;
          throw wrapEvalError(e, what, `${at.ev && ev ? `${ev} ${JSON.stringify(at.ev.id)} of ` : ''}partner ${JSON.stringify(partner.id)}`, '');
        }
      }
      envs.set(partner.id, env);
    }
    return envs;
  }

  private evaluateStep(cs: CompiledStep, env: PartnerEnv, period: Period, idx: RunIndex, at: { ev?: EventRow } = {}): Value {
    const step = cs.step;
    const ctx: Ctx = { p: env };
    if (step.kind === 'let') return cs.fns.value!(ctx);
    if (step.kind === 'tier') {
      const v = cs.fns.by!(ctx);
      let level = 0;
      const th = cs.fns.thresholds!;
      for (let i = 0; i < th.length; i++) if (compareValues(step.byKind === 'level' ? 'level' : step.byKind === 'date' || step.byKind === 'str' ? 'str' : 'num', v, th[i]!(ctx)) >= 0) level = i + 1;
      return level;
    }
    const range = windowRange(toWindow(step.window), period, this.artifact.program.start);
    const from = formatDate(range.from);
    const to = formatDate(range.to);
    if (idx.isLocal(step.name)) return idx.aggregated(step.name, env.id, from, to, ctx);
    const rows = idx.eventsOf(step.event, env.id, from, to);
    const { arg, where, otherwise } = cs.fns;
    const ectx: Ctx = { p: env };
    // The event being aggregated, for an error message (ectx.ev is set before each use).
    Object.defineProperty(at, 'ev', { get: () => ectx.ev, configurable: true });
    switch (step.op) {
      case 'sum': {
        const total = new N.Accumulator();
        const a = arg!;
        for (const r of rows) {
          if (r.date < from || r.date > to) continue;
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          total.add(a(ectx) as Num);
        }
        return total.value();
      }
      case 'count': {
        let n = 0;
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          n++;
        }
        return N.int(n);
      }
      case 'count distinct': {
        const seen = new Set<string>();
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          const v = arg!(ectx);
          seen.add(typeof v === 'object' ? N.toText(v) : String(v));
        }
        return N.int(seen.size);
      }
      case 'average': {
        let total: Num = N.ZERO;
        let n = 0;
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          total = N.add(total, arg!(ectx) as Num);
          n++;
        }
        return n === 0 ? otherwise!(ctx) : N.div(total, N.int(n));
      }
      case 'min':
      case 'max': {
        let best: Value | undefined;
        const t = step.value === 'level' ? 'level' : step.value === 'str' || step.value === 'date' ? 'str' : 'num';
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          const v = arg!(ectx);
          if (best === undefined || compareValues(t, v, best) * (step.op === 'min' ? -1 : 1) > 0) best = v;
        }
        return best === undefined ? otherwise!(ctx) : best;
      }
    }
  }

  /**
   * 2. `for each EVENT` rules: those evaluated in pass 1 (`early`) and in pass 2 (`late`), now that
   * every period's partner values are known, gathered per period and rule.
   * Sums do not depend on the order events come in; `once per partner` keeps the first qualifying
   * event by (date, id), and traces list the first events by (date, id), whatever the input order.
   */
  private collectEventRules(periods: readonly Period[], envs: readonly Map<string, PartnerEnv>[], state: RunState, early: EventAwards, late: EventAwards): Map<string, RuleAcc>[][] {
    const rules = this.plan.rules;
    const index = new Map(periods.map((p, i) => [formatPeriod(p), i]));
    const accs = periods.map(() => rules.map(() => new Map<string, RuleAcc>()));
    for (const part of [early, late]) {
      for (const [period, perRule] of part.awards) {
        const pi = index.get(period);
        if (pi === undefined) continue;
        perRule.forEach((m, ri) => {
          for (const [pid, acc] of m) accs[pi]![ri]!.set(pid, acc);
        });
      }
      // `once`: the winning event of each partner (and period), now that all are known.
      part.candidates.forEach((byKey, ri) => {
        const rule = rules[ri]!;
        for (const { row, period } of byKey.values()) {
          const pi = index.get(period);
          if (pi === undefined) continue;
          const env = envs[pi]!.get(row.partner);
          if (!env) continue;
          try {
            addEventAward(rule, accs[pi]![ri]!, { p: env, ev: row });
          } catch (e) {
            throw wrapEvalError(e, rule.spec.name, `${(rule.spec.scope as { event: string }).event} ${JSON.stringify(row.id)} of partner ${JSON.stringify(row.partner)}`);
          }
          if (!rule.spec.once!.perPeriod) state.onceWhen[ri]!.set(row.partner, period);
        }
      });
    }
    return accs;
  }

  /** `for each partner` and `for top N partners` in one period. */
  private evaluatePartnerRule(rule: CompiledRule, envs: Map<string, PartnerEnv>, state: RunState, periodText: string, accs: Map<string, RuleAcc>): void {
    const spec = rule.spec;
    const ri = rule.index;
    const scope = spec.scope;
    if (scope.kind === 'each-partner') {
      const once = spec.once && !spec.once.perPeriod ? state.onceWhen[ri]! : undefined;
      for (const env of envs.values()) {
        const ctx: Ctx = { p: env };
        try {
          if (rule.where && !rule.where(ctx)) continue;
          if (once) {
            if (once.has(env.id)) continue;
            once.set(env.id, periodText);
          }
          const acc = newRuleAcc(rule);
          rule.awards.forEach((aw, ai) => acc.sums[ai]!.add(aw.amount(ctx) as Num));
          acc.eventCount = 1;
          accs.set(env.id, acc);
        } catch (e) {
          throw wrapEvalError(e, spec.name, `partner ${JSON.stringify(env.id)}`);
        }
      }
      return;
    }
    if (scope.kind !== 'top') return;
    // top N partners by keys, then partner id.
    const ranked: { env: PartnerEnv; keys: Value[] }[] = [];
    for (const env of envs.values()) {
      const ctx: Ctx = { p: env };
      try {
        if (rule.where && !rule.where(ctx)) continue;
        ranked.push({ env, keys: rule.keys!.map((k) => k(ctx)) });
      } catch (e) {
        throw wrapEvalError(e, spec.name, `partner ${JSON.stringify(env.id)}`);
      }
    }
    const kinds = scope.keyKinds.map((u) => (u === 'level' ? 'level' : u === 'str' || u === 'date' ? 'str' : u === 'bool' ? 'bool' : 'num') as 'num' | 'str' | 'bool' | 'level');
    ranked.sort((x, y) => {
      for (let i = 0; i < x.keys.length; i++) {
        const c = compareValues(kinds[i]!, y.keys[i]!, x.keys[i]!);
        if (c !== 0) return c;
      }
      return x.env.id < y.env.id ? -1 : x.env.id > y.env.id ? 1 : 0;
    });
    state.ranks[ri] = new Map(ranked.map((r, i) => [r.env.id, i + 1]));
    state.rankCount[ri] = ranked.length;
    // Partners whose keys are all equal are tied: the statement says the tie was settled by partner id.
    const ties = new Map<string, string[]>();
    const same = (x: Value[], y: Value[]) => x.every((v, i) => compareValues(kinds[i]!, v, y[i]!) === 0);
    for (let i = 0; i < ranked.length; ) {
      let j = i + 1;
      while (j < ranked.length && same(ranked[i]!.keys, ranked[j]!.keys)) j++;
      if (j - i > 1) {
        const ids = ranked.slice(i, j).map((r) => r.env.id);
        for (const id of ids) ties.set(id, ids.filter((x) => x !== id));
      }
      i = j;
    }
    state.ties[ri] = ties;
    ranked.slice(0, scope.n).forEach((r, i) => {
      const ctx: Ctx = { p: r.env };
      const acc = newRuleAcc(rule);
      rule.awards.forEach((aw, ai) => acc.sums[ai]!.add(aw.amount(ctx) as Num));
      acc.rank = i + 1;
      acc.qualifying = ranked.length;
      acc.eventCount = 1;
      accs.set(r.env.id, acc);
    });
  }

  private evaluatePeriod(
    period: Period,
    partners: readonly PartnerRow[],
    envs: Map<string, PartnerEnv>,
    accs: Map<string, RuleAcc>[],
    idx: RunIndex,
    state: RunState,
    rejected: number,
    explain: boolean | ReadonlySet<string>,
  ): PeriodResult {
    const a = this.artifact;
    const { rules, pots, steps } = this.plan;
    const currency = a.program.currency;
    const tracer = this.tracer;
    const periodText = formatPeriod(period);
    const range = windowRange({ kind: 'this period' }, period, a.program.start);
    const pFrom = formatDate(range.from);
    const pTo = formatDate(range.to);

    // 2. Awards of partner rules (`for each EVENT` rules were evaluated in the pass over events).
    for (const rule of rules) if (rule.spec.scope.kind !== 'each-event') this.evaluatePartnerRule(rule, envs, state, periodText, accs[rule.index]!);

    // 3. Rule totals: cap, then one rounding to the pot's unit.
    const results = new Map<string, PartnerResult>();
    const earnedBy = pots.map(() => new Map<string, Num>());
    for (const partner of partners) {
      const env = envs.get(partner.id)!;
      const tiers: Record<string, string> = {};
      const values: Record<string, { value: Value; u: ValueKind }> = {};
      for (const cs of steps) {
        const v = env.vals[cs.step.name]!;
        if (cs.step.kind === 'tier') tiers[cs.step.name] = cs.step.levels[v as number] ?? '';
        else values[cs.step.name] = { value: v, u: this.plan.kinds.get(cs.step.name) ?? 'num' };
      }
      results.set(partner.id, { id: partner.id, tiers, values, pots: {}, awards: [], unfired: [] });
    }
    for (const rule of rules) {
      for (const [pid, acc] of accs[rule.index]!) {
        const res = results.get(pid)!;
        const env = envs.get(pid)!;
        // Sum per pot (a rule may award to several pots).
        const byPot = new Map<number, Num>();
        rule.awards.forEach((_, ai) => {
          const pi = rule.potIndex[ai]!;
          const cur = byPot.get(pi);
          byPot.set(pi, cur ? N.add(cur, acc.sums[ai]!.value()) : acc.sums[ai]!.value());
        });
        for (const [pi, total] of byPot) {
          const pot = pots[pi]!;
          const traceSteps: string[] = [];
          let t = total;
          if (rule.cap && !rule.spec.cap!.perEvent) {
            const cap = rule.cap({ p: env }) as Num;
            if (N.cmp(t, cap) > 0) {
              t = cap;
              rule.capped?.({ p: env });
              traceSteps.push(`rule cap ${tracer.potText(cap, pot)}`);
            }
          }
          const rounded = N.round(t, pot.digits, pot.spec.rounding);
          if (N.cmp(rounded, t) !== 0) traceSteps.push(`rounded ${pot.spec.rounding} to ${tracer.potText(rounded, pot)}`);
          const trace = tracer.award(rule, acc, env, pot, total, traceSteps, state.ties[rule.index]?.get(env.id));
          res.awards.push({ rule: rule.spec.name, pot: pot.spec.name, amount: rounded, trace });
          const m = earnedBy[pi]!;
          m.set(pid, N.add(m.get(pid) ?? N.ZERO, rounded));
        }
      }
    }

    // Why the rules that gave a partner nothing did not fire (only when asked: it costs a little per partner and rule).
    if (explain) {
      for (const rule of rules) {
        for (const partner of partners) {
          if (accs[rule.index]!.has(partner.id) || (explain !== true && !explain.has(partner.id))) continue;
          const why = tracer.whyNot(rule, envs.get(partner.id)!, idx, state, periodText, pFrom, pTo);
          results.get(partner.id)!.unfired.push({ rule: rule.spec.name, why });
        }
      }
    }

    // 4–6. Pots: caps, budgets, balances and payments.
    const totals: PeriodResult['totals'] = {};
    let cost: Num = N.ZERO;
    pots.forEach((pot, pi) => {
      const name = pot.spec.name;
      const earnedMap = earnedBy[pi]!;
      const after = new Map<string, Num>();
      const adjustments = new Map<string, Adjustment[]>();
      for (const partner of partners) {
        const pid = partner.id;
        const capped = applyPotCap(pot, earnedMap.get(pid) ?? N.ZERO, period.year, () => state.yearUsed(pi, pid, period.year), currency);
        after.set(pid, capped.after);
        adjustments.set(pid, capped.adjustment ? [capped.adjustment] : []);
      }
      const budgetUsed = pot.budget ? applyBudget(pot, after, adjustments, currency) : undefined;
      let tEarned: Num = N.ZERO;
      let tPaid: Num = N.ZERO;
      let tCarried: Num = N.ZERO;
      for (const partner of partners) {
        const pid = partner.id;
        const earned = earnedMap.get(pid) ?? N.ZERO;
        const e = after.get(pid)!;
        if (pot.cap && pot.spec.cap!.per === 'year') state.addYearUsed(pi, pid, period.year, e);
        const carriedIn = state.carried(pi, pid);
        const pay = settleBalance(pot, N.add(carriedIn, e), currency);
        state.setCarried(pi, pid, pay.carried);
        results.get(pid)!.pots[name] = {
          earned,
          adjustments: adjustments.get(pid)!,
          carriedIn,
          paid: pay.paid,
          carried: pay.carried,
          approval: pay.approval,
          ...(pay.cards ? { cards: pay.cards } : {}),
          notes: pay.notes,
        };
        tEarned = N.add(tEarned, earned);
        tPaid = N.add(tPaid, pay.paid);
        tCarried = N.add(tCarried, pay.carried);
      }
      totals[name] = { earned: tEarned, paid: tPaid, carried: tCarried, ...(pot.budget ? { budget: pot.budget, budgetUsed: budgetUsed ?? N.ZERO } : {}) };
      if (pot.spec.unit === 'money') cost = N.add(cost, tPaid);
      else if (pot.spec.unit === 'items' && pot.value) cost = N.add(cost, N.mul(tPaid, pot.value));
    });

    const statements = [...results.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return { period: periodText, partners: statements, totals, cost, rejected };
  }
}

function toWindow(w: WindowSpec): Window {
  return w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
}
