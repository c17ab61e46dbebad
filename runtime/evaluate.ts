/**
 * The evaluator: runs an artifact over a dataset, period after period, in the order of the spec's
 * §9 — measures, tiers and lets per partner; awards per rule; rule totals (cap, then one rounding);
 * pot caps; pot budgets (exact largest-remainder pro-rata); balances and payments — carrying state
 * (balances, yearly caps, `once per partner`) from one period to the next.
 */
import type { Artifact, IR, PotSpec, RuleSpec, Step, ValueKind, WindowSpec } from './artifact.js';
import { compileIR, compareValues, EvalError, type Ctx, type EventRow, type Fn, type Note, type PartnerEnv, type Value } from './compile-ir.js';
import { compileInt, type IntFn } from './compile-int.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatDate, formatPeriod, periodOf, runPeriods, windowRange, type Period, type Window } from '../core/periods.js';

export interface PartnerRow {
  id: string;
  attrs: Record<string, Value>;
}

/** Validated input: partners and events by kind, values already typed (numbers and money as `Num`). */
export interface Dataset {
  partners: PartnerRow[];
  events: Record<string, EventRow[]>;
  /** How many input records were rejected (reported in statements). */
  rejected?: number;
}

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

export interface Adjustment {
  kind: 'cap' | 'yearly cap' | 'budget';
  amount: Num;
  note: string;
}

export interface PotResult {
  earned: Num;
  adjustments: Adjustment[];
  carriedIn: Num;
  paid: Num;
  carried: Num;
  approval: boolean;
  /** Giftcard: the cards paid, largest first. */
  cards?: { denomination: Num; count: number }[];
  notes: string[];
}

export interface AwardResult {
  rule: string;
  pot: string;
  amount: Num;
  trace: string;
}

export interface PartnerResult {
  id: string;
  tiers: Record<string, string>;
  values: Record<string, { value: Value; u: ValueKind }>;
  pots: Record<string, PotResult>;
  awards: AwardResult[];
  /** Why each rule that gave this partner nothing did not fire (filled when the run was asked to explain). */
  unfired: { rule: string; why: string }[];
}

export interface PeriodResult {
  period: string;
  partners: PartnerResult[];
  totals: Record<string, { earned: Num; paid: Num; carried: Num; budget?: Num; budgetUsed?: Num }>;
  cost: Num;
  rejected: number;
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

interface CompiledStep {
  step: Step;
  fns: { arg?: Fn; where?: Fn; otherwise?: Fn; by?: Fn; thresholds?: Fn[]; value?: Fn };
}

interface CompiledRule {
  spec: RuleSpec;
  where?: Fn;
  keys?: Fn[];
  awards: { pot: string; amount: Fn; ir: IR }[];
  cap?: Fn;
  potIndex: number[];
}

interface CompiledPot {
  spec: PotSpec;
  digits: number;
  cap?: Num;
  budget?: Num;
  minimum?: Num;
  denominations?: Num[];
  approval?: Num;
  value?: Num;
}

/** Accumulated awards of one rule for one partner in one period. */
interface RuleAcc {
  /** Per award: the exact sum of its amounts (an Accumulator, so that order never matters). */
  sums: N.Accumulator[];
  /** The first events (by date, then id) that made the award, for its trace. */
  events: { row: EventRow; amounts: Num[] }[];
  eventCount: number;
  rank?: number;
  qualifying?: number;
  notes?: Note[];
}

const EMPTY: EventRow[] = [];

export class Evaluator {
  readonly artifact: Artifact;
  private readonly levels: Map<string, string[]>;
  private readonly steps: CompiledStep[];
  private readonly rules: CompiledRule[];
  /** The compiled rules, in source order (for the pass that evaluates event rules). */
  get rulesList(): readonly CompiledRule[] {
    return this.rules;
  }
  private readonly pots: CompiledPot[];
  private readonly constants: Record<string, Value> = {};
  private readonly kinds: Map<string, ValueKind> = new Map();
  /** The partner-level `let`s, by name, for traces that say what a let was made of. */
  private readonly letFns = new Map<string, Fn>();
  readonly format: (v: Value, u: ValueKind | undefined, name?: string) => string;
  /** `for each EVENT` rules that use no partner-level value: evaluated in pass 1. */
  private readonly earlyRules: CompiledRule[];

  constructor(artifact: Artifact) {
    this.artifact = artifact;
    this.levels = new Map(artifact.tiers.map((t) => [t.name, t.levels]));
    const env = { levels: this.levels };
    const c = (ir: IR) => compileIR(ir, env);
    const constCtx: Ctx = { p: { id: '', attrs: {}, vals: this.constants } };
    for (const k of artifact.constants) {
      this.constants[k.name] = c(k.value)(constCtx);
      this.kinds.set(k.name, k.valueKind);
    }
    const evalConst = (ir: IR | undefined) => (ir ? (c(ir)(constCtx) as Num) : undefined);
    this.steps = artifact.steps.map((step) => {
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
    const digits = artifact.program.minorDigits;
    this.pots = artifact.pots.map((spec) => {
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
        ...(spec.denominations ? { denominations: spec.denominations.map((x) => evalConst(x)!).sort((a, b) => N.cmp(b, a)) } : {}),
        ...(approval ? { approval } : {}),
        ...(value ? { value } : {}),
      };
    });
    const potIdx = new Map(artifact.pots.map((p, i) => [p.name, i]));
    this.rules = artifact.rules.map((spec) => ({
      spec,
      ...(spec.scope.where ? { where: c(spec.scope.where) } : {}),
      ...(spec.scope.kind === 'top' ? { keys: spec.scope.keys.map(c) } : {}),
      awards: spec.awards.map((a) => ({ pot: a.pot, amount: c(a.amount), ir: a.amount })),
      ...(spec.cap ? { cap: c(spec.cap.amount) } : {}),
      potIndex: spec.awards.map((a) => potIdx.get(a.pot) ?? -1),
    }));
    const constantNames = new Set(artifact.constants.map((k) => k.name));
    const local = (ir: IR | undefined) => !ir || irRefs(ir).every((n) => constantNames.has(n));
    this.earlyRules = this.rules.filter(
      (r) => r.spec.scope.kind === 'each-event' && local(r.spec.scope.where) && r.spec.awards.every((aw) => local(aw.amount)) && local(r.spec.cap?.amount),
    );
    const currency = artifact.program.currency;
    const tierOfName = new Map<string, string>();
    for (const t of artifact.tiers) tierOfName.set(t.name, t.name);
    for (const st of artifact.steps) if (st.kind === 'let' && st.tier) tierOfName.set(st.name, st.tier);
    this.format = (v, u, name) => formatValue(v, u, currency, digits, u === 'level' ? this.levels.get(tierOfName.get(name ?? '') ?? '') : undefined);
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
    const a = this.artifact;
    const explain = opts.explain ?? false;
    const progress = opts.progress;
    // Pass 1 (again, with a fresh index, if the source says a row it gave was not valid after all).
    let idx: RunIndex;
    let early: EventAwards;
    for (let attempt = 0; ; attempt++) {
      idx = new RunIndex(a, this.steps, partners, explain, this.constants);
      // `for each EVENT` rules that use only the event, the partner's attributes and constants are
      // evaluated in pass 1 too, so that their kind need not be read a second time.
      early = new EventAwards(this, this.earlyRules);
      let read = 0;
      for (const ev of a.events) {
        const rules = early.rulesFor(ev.name);
        src.scan(ev.name, (r) => {
          const env = idx.add(ev.name, r);
          if (rules) early.feed(rules, r, env);
          if (progress && ++read % 100_000 === 0) progress(`${read.toLocaleString('en-US')} events read`);
        });
      }
      if (!src.invalidated?.()) break;
      if (attempt > 0) throw new Error('internal: the event source invalidated pass 1 twice');
    }
    const rejected = opts.rejected ?? src.rejected?.() ?? 0;
    const periods = runPeriods(a.program.period, a.program.start, a.program.end, idx.latest);
    const last = opts.through === undefined ? periods.length : periods.findIndex((p) => formatPeriod(p) === opts.through) + 1 || periods.length;
    const run = periods.slice(0, last);
    const partnerList = idx.partnerList(partners, a.partner.declared);
    const envs = run.map((p) => this.evaluateEnvs(p, partnerList, idx));
    // Pass 2.
    const state = new RunState(this.rules.length, this.pots.length);
    progress?.(`measures evaluated for ${run.length} period${run.length === 1 ? '' : 's'}`);
    const eventAccs = this.evaluateEventRules(src, run, envs, state, early);
    return run.map((p, i) => {
      const r = this.evaluatePeriod(p, partnerList, envs[i]!, eventAccs[i]!, idx, state, rejected, explain);
      progress?.(`period ${r.period} evaluated (${i + 1} of ${run.length})`);
      return r;
    });
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
      const env: PartnerEnv = { id: partner.id, attrs: partner.attrs, vals: Object.create(this.constants) as Record<string, Value> };
      for (const cs of this.steps) {
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

  /**
   * 2. `for each EVENT` rules: those evaluated in pass 1 (`early`) are taken as they are; the others
   * in one more pass over their kind's events, now that every period's partner values are known.
   * Sums do not depend on the order events come in; `once per partner` keeps the first qualifying
   * event by (date, id), and traces list the first events by (date, id), whatever the input order.
   */
  private evaluateEventRules(src: EventSource, periods: readonly Period[], envs: readonly Map<string, PartnerEnv>[], state: RunState, early: EventAwards): Map<string, RuleAcc>[][] {
    const late = new EventAwards(this, this.rules.filter((r) => r.spec.scope.kind === 'each-event' && !this.earlyRules.includes(r)));
    const index = new Map(periods.map((p, i) => [formatPeriod(p), i]));
    for (const ev of this.artifact.events) {
      const rules = late.rulesFor(ev.name);
      if (!rules) continue;
      src.scan(ev.name, (r) => {
        const pi = index.get(late.periodOf(r.date) ?? '');
        if (pi === undefined) return; // before the start or outside the run: never earns
        const env = envs[pi]!.get(r.partner);
        if (env) late.feed(rules, r, env);
      });
    }
    const accs = periods.map(() => this.rules.map(() => new Map<string, RuleAcc>()));
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
        const rule = this.rules[ri]!;
        for (const { row, period } of byKey.values()) {
          const pi = index.get(period);
          if (pi === undefined) continue;
          const env = envs[pi]!.get(row.partner);
          if (!env) continue;
          try {
            this.addEventAward(rule, accs[pi]![ri]!, { p: env, ev: row });
          } catch (e) {
            throw wrapEvalError(e, rule.spec.name, `${(rule.spec.scope as { event: string }).event} ${JSON.stringify(row.id)} of partner ${JSON.stringify(row.partner)}`);
          }
          if (!rule.spec.once!.perPeriod) {
            state.once[ri]!.add(row.partner);
            state.onceWhen[ri]!.set(row.partner, period);
          }
        }
      });
    }
    return accs;
  }

  /** Adds one event's awards (each limited by `cap … per event`) to a partner's accumulator. */
  addEventAward(rule: CompiledRule, accs: Map<string, RuleAcc>, ctx: Ctx): void {
    const r = ctx.ev!;
    let acc = accs.get(r.partner);
    if (!acc) accs.set(r.partner, (acc = { sums: rule.awards.map(() => new N.Accumulator()), events: [], eventCount: 0 }));
    const perEventCap = rule.spec.cap?.perEvent ? rule.cap : undefined;
    const amounts: Num[] = [];
    for (let ai = 0; ai < rule.awards.length; ai++) {
      let v = rule.awards[ai]!.amount(ctx) as Num;
      if (perEventCap) {
        const cap = perEventCap(ctx) as Num;
        if (N.cmp(v, cap) > 0) v = cap;
      }
      amounts.push(v);
      acc.sums[ai]!.add(v);
    }
    acc.eventCount++;
    keepFirst(acc.events, { row: r, amounts });
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
    const periodText = formatPeriod(period);
    const pFrom = formatDate(windowRange({ kind: 'this period' }, period, a.program.start).from);
    const pTo = formatDate(windowRange({ kind: 'this period' }, period, a.program.start).to);

    // 2. Awards of partner rules (`for each EVENT` rules were evaluated in the pass over events).
    this.rules.forEach((rule, ri) => {
      if (rule.spec.scope.kind !== 'each-event') this.evaluatePartnerRule(rule, ri, envs, state, periodText, accs[ri]!);
    });

    // 3. Rule totals: cap, then one rounding to the pot's unit.
    const results = new Map<string, PartnerResult>();
    const earnedBy = this.pots.map(() => new Map<string, Num>());
    for (const partner of partners) {
      const env = envs.get(partner.id)!;
      const tiers: Record<string, string> = {};
      const values: Record<string, { value: Value; u: ValueKind }> = {};
      for (const cs of this.steps) {
        const v = env.vals[cs.step.name]!;
        if (cs.step.kind === 'tier') tiers[cs.step.name] = cs.step.levels[v as number] ?? '';
        else values[cs.step.name] = { value: v, u: this.kinds.get(cs.step.name) ?? 'num' };
      }
      results.set(partner.id, { id: partner.id, tiers, values, pots: {}, awards: [], unfired: [] });
    }
    this.rules.forEach((rule, ri) => {
      for (const [pid, acc] of accs[ri]!) {
        const res = results.get(pid)!;
        const env = envs.get(pid)!;
        // Sum per pot (a rule may award to several pots).
        const byPot = new Map<number, { total: Num }>();
        rule.awards.forEach((aw, ai) => {
          const pi = rule.potIndex[ai]!;
          const cur = byPot.get(pi);
          if (cur) cur.total = N.add(cur.total, acc.sums[ai]!.value());
          else byPot.set(pi, { total: acc.sums[ai]!.value() });
        });
        for (const [pi, { total }] of byPot) {
          const pot = this.pots[pi]!;
          const steps: string[] = [];
          let t = total;
          if (rule.cap && !rule.spec.cap!.perEvent) {
            const cap = rule.cap({ p: env }) as Num;
            if (N.cmp(t, cap) > 0) {
              t = cap;
              steps.push(`rule cap ${this.fmtPot(cap, pot)}`);
            }
          }
          const rounded = N.round(t, pot.digits, pot.spec.rounding);
          if (N.cmp(rounded, t) !== 0) steps.push(`rounded ${pot.spec.rounding} to ${this.fmtPot(rounded, pot)}`);
          const trace = this.traceAward(rule, acc, env, pot, total, steps, state.ties[ri]?.get(env.id));
          res.awards.push({ rule: rule.spec.name, pot: pot.spec.name, amount: rounded, trace });
          const m = earnedBy[pi]!;
          m.set(pid, N.add(m.get(pid) ?? N.ZERO, rounded));
        }
      }
    });

    // Why the rules that gave a partner nothing did not fire (only when asked: it costs a little per partner and rule).
    if (explain) this.rules.forEach((rule, ri) => {
      for (const partner of partners) {
        if (accs[ri]!.has(partner.id) || (explain !== true && !explain.has(partner.id))) continue;
        const why = this.whyNot(rule, ri, envs.get(partner.id)!, idx, state, periodText, pFrom, pTo);
        results.get(partner.id)!.unfired.push({ rule: rule.spec.name, why });
      }
    });

    // 4–6. Pots: caps, budgets, balances and payments.
    const totals: PeriodResult['totals'] = {};
    let cost: Num = N.ZERO;
    this.pots.forEach((pot, pi) => {
      const name = pot.spec.name;
      const earnedMap = earnedBy[pi]!;
      const after = new Map<string, Num>();
      const adjustments = new Map<string, Adjustment[]>();
      for (const partner of partners) {
        const pid = partner.id;
        const earned = earnedMap.get(pid) ?? N.ZERO;
        const adj: Adjustment[] = [];
        let e = earned;
        if (pot.cap && N.sign(e) > 0) {
          if (pot.spec.cap!.per === 'year') {
            const used = state.yearUsed(pi, pid, period.year);
            const left = N.sub(pot.cap, used);
            const room = N.sign(left) > 0 ? left : N.ZERO;
            if (N.cmp(e, room) > 0) {
              adj.push({ kind: 'yearly cap', amount: N.sub(room, e), note: `yearly cap ${this.fmtPot(pot.cap, pot)}: ${this.fmtPot(used, pot)} already earned in ${period.year}, ${this.fmtPot(room, pot)} left` });
              e = room;
            }
          } else if (N.cmp(e, pot.cap) > 0) {
            adj.push({ kind: 'cap', amount: N.sub(pot.cap, e), note: `pot cap ${this.fmtPot(pot.cap, pot)} per partner per period` });
            e = pot.cap;
          }
        }
        after.set(pid, e);
        adjustments.set(pid, adj);
      }
      // 5. Budget: exact largest-remainder pro-rata in whole units.
      let budgetUsed: Num | undefined;
      if (pot.budget) {
        const units = new Map<string, bigint>();
        let sum = 0n;
        for (const [pid, e] of after) {
          if (N.sign(e) > 0) {
            const u = N.toUnits(e, pot.digits);
            units.set(pid, u);
            sum += u;
          }
        }
        const B = N.toUnits(pot.budget, pot.digits);
        if (sum > B) {
          const shares: { pid: string; share: bigint; rem: bigint }[] = [];
          let given = 0n;
          for (const [pid, u] of units) {
            const share = (u * B) / sum;
            shares.push({ pid, share, rem: (u * B) % sum });
            given += share;
          }
          let left = B - given;
          shares.sort((x, y) => (x.rem > y.rem ? -1 : x.rem < y.rem ? 1 : x.pid < y.pid ? -1 : x.pid > y.pid ? 1 : 0));
          for (const s of shares) {
            if (left <= 0n) break;
            s.share += 1n;
            left -= 1n;
          }
          for (const s of shares) {
            const before = after.get(s.pid)!;
            const now = N.fromUnits(s.share, pot.digits);
            const reduction = N.sub(now, before);
            if (!N.isZero(reduction)) {
              adjustments.get(s.pid)!.push({
                kind: 'budget',
                amount: reduction,
                note: `budget ${this.fmtPot(pot.budget, pot)} shared pro rata: ${this.fmtPot(before, pot)} × ${this.fmtPot(pot.budget, pot)} ÷ ${this.fmtPot(N.fromUnits(sum, pot.digits), pot)} → ${this.fmtPot(now, pot)}`,
              });
            }
            after.set(s.pid, now);
          }
        }
        let used: Num = N.ZERO;
        for (const e of after.values()) if (N.sign(e) > 0) used = N.add(used, e);
        budgetUsed = used;
      }
      // 6. Balance and payment.
      let tEarned: Num = N.ZERO;
      let tPaid: Num = N.ZERO;
      let tCarried: Num = N.ZERO;
      for (const partner of partners) {
        const pid = partner.id;
        const earned = earnedMap.get(pid) ?? N.ZERO;
        const e = after.get(pid)!;
        if (pot.cap && pot.spec.cap!.per === 'year') state.addYearUsed(pi, pid, period.year, e);
        const carriedIn = state.carried(pi, pid);
        const balance = N.add(carriedIn, e);
        const notes: string[] = [];
        let paid: Num = N.ZERO;
        let carried: Num = balance;
        let cards: { denomination: Num; count: number }[] | undefined;
        if (N.sign(balance) < 0) {
          notes.push(`balance ${this.fmtPot(balance, pot)} is negative: nothing is paid and the debt is carried`);
        } else if (pot.minimum && N.cmp(balance, pot.minimum) < 0) {
          if (N.sign(balance) > 0) notes.push(`balance ${this.fmtPot(balance, pot)} is below the minimum ${this.fmtPot(pot.minimum, pot)}: carried to the next period`);
        } else if (pot.denominations) {
          let rest = balance;
          cards = [];
          for (const d of pot.denominations) {
            if (N.sign(d) <= 0) continue;
            const count = N.floor(N.div(rest, d)) as N.Fixed | Num;
            const k = Number(N.toText(count)); // allow-number: a card count, an exact small integer
            if (k > 0) {
              cards.push({ denomination: d, count: k });
              rest = N.sub(rest, N.mul(d, count));
            }
          }
          paid = N.sub(balance, rest);
          carried = rest;
          if (cards.length) notes.push(`paid as ${cards.map((c) => `${c.count} × ${this.fmtPot(c.denomination, pot)}`).join(' + ')}`);
          if (N.sign(rest) > 0) notes.push(`${this.fmtPot(rest, pot)} is less than the smallest card that fits: carried`);
        } else {
          paid = balance;
          carried = N.ZERO;
        }
        const approval = pot.approval !== undefined && N.cmp(paid, pot.approval) > 0;
        if (approval) notes.push(`payment above ${this.fmtPot(pot.approval!, pot)}: needs approval`);
        state.setCarried(pi, pid, carried);
        results.get(pid)!.pots[name] = {
          earned,
          adjustments: adjustments.get(pid)!,
          carriedIn,
          paid,
          carried,
          approval,
          ...(cards ? { cards } : {}),
          notes,
        };
        tEarned = N.add(tEarned, earned);
        tPaid = N.add(tPaid, paid);
        tCarried = N.add(tCarried, carried);
      }
      totals[name] = { earned: tEarned, paid: tPaid, carried: tCarried, ...(pot.budget ? { budget: pot.budget, budgetUsed: budgetUsed ?? N.ZERO } : {}) };
      if (pot.spec.unit === 'money') cost = N.add(cost, tPaid);
      else if (pot.spec.unit === 'items' && pot.value) cost = N.add(cost, N.mul(tPaid, pot.value));
    });

    const statements = [...results.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return { period: periodText, partners: statements, totals, cost, rejected };
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

  /** `for each partner` and `for top N partners` in one period. */
  private evaluatePartnerRule(rule: CompiledRule, ri: number, envs: Map<string, PartnerEnv>, state: RunState, periodText: string, accs: Map<string, RuleAcc>): void {
    const spec = rule.spec;
    const newAcc = (): RuleAcc => ({ sums: rule.awards.map(() => new N.Accumulator()), events: [], eventCount: 0 });
    const scope = spec.scope;
    if (scope.kind === 'each-partner') {
      const onceSet = spec.once ? (spec.once.perPeriod ? undefined : state.once[ri]!) : undefined;
      for (const env of envs.values()) {
        const ctx: Ctx = { p: env };
        try {
          if (rule.where && !rule.where(ctx)) continue;
          if (onceSet) {
            if (onceSet.has(env.id)) continue;
            onceSet.add(env.id);
            state.onceWhen[ri]!.set(env.id, periodText);
          }
          const acc = newAcc();
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
      const acc = newAcc();
      rule.awards.forEach((aw, ai) => acc.sums[ai]!.add(aw.amount(ctx) as Num));
      acc.rank = i + 1;
      acc.qualifying = ranked.length;
      acc.eventCount = 1;
      accs.set(r.env.id, acc);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Traces

  private fmtPot(v: Num, pot: CompiledPot): string {
    if (pot.spec.unit === 'money') return `${N.groupDigits(N.toFixedText(N.round(v, Math.max(pot.digits, scaleOf(v)), 'half-even'), Math.max(pot.digits, scaleOf(v))))} ${this.artifact.program.currency}`;
    const t = N.groupDigits(N.toText(v));
    return pot.spec.unit === 'points' ? `${t} points` : `${t} × ${pot.spec.name}`;
  }

  /**
   * Notes with each `let` that reached a band replaced by what it used, so that a trace says
   * `hardware_revenue … reaches band "from 500,000 EUR" → 4%` rather than `rebate_rate 0.04`.
   */
  private expandLets(notes: Note[], env: PartnerEnv): Note[] {
    const out: Note[] = [];
    for (const n of notes) {
      const fn = n.kind === 'value' ? this.letFns.get(n.label) : undefined;
      if (fn) {
        const sub: Note[] = [];
        try {
          fn({ p: env }, sub);
        } catch {
          /* traces never fail a run */
        }
        if (sub.some((x) => x.kind === 'band')) {
          out.push(...this.expandLets(sub, env));
          continue;
        }
      }
      out.push(n);
    }
    return out;
  }

  private describeNotes(notes: Note[]): string {
    const seen = new Set<string>();
    const parts: string[] = [];
    // A value that a band note already shows (`x 1,500.00 EUR reaches band …`) is not repeated.
    const banded = new Set(notes.flatMap((n) => (n.kind === 'band' ? [n.subject] : [])));
    for (const n of notes) {
      if (n.kind === 'value' && banded.has(n.label)) continue;
      const text =
        n.kind === 'value'
          ? `${n.label} ${this.format(n.value, n.u, n.label)}`
          : `${n.subject} ${this.format(n.value, n.u)} reaches band "${readableNumbers(n.label)}" → ${n.rateSrc ?? this.format(n.rate, n.rateU)}`;
      if (!seen.has(text)) {
        seen.add(text);
        parts.push(text);
      }
    }
    return parts.join(', ');
  }

  private traceAward(rule: CompiledRule, acc: RuleAcc, env: PartnerEnv, pot: CompiledPot, total: Num, steps: string[], tie: Parameters<typeof tieText>[0]): string {
    const spec = rule.spec;
    const parts: string[] = [];
    const aws = rule.awards.map((a, ai) => ({ a, ai })).filter(({ ai }) => rule.potIndex[ai] === this.pots.indexOf(pot));
    if (spec.scope.kind === 'each-event') {
      const ev = spec.scope.event;
      const items = acc.events.map((e) => {
        const amount = aws.reduce((s, { ai }) => N.add(s, e.amounts[ai]!), N.ZERO as Num);
        return `${e.row.id} (${e.row.date}) → ${this.fmtPot(amount, pot)}`;
      });
      const more = acc.eventCount - acc.events.length;
      parts.push(`${acc.eventCount} ${ev} event${acc.eventCount === 1 ? '' : 's'}: ${items.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
      // What one award is made of, from the first event.
      const first = acc.events[0];
      if (first) {
        const row = first.row;
        {
          const notes: Note[] = [];
          try {
            for (const { a } of aws) a.amount({ p: env, ev: row }, notes);
          } catch {
            /* traces never fail a run */
          }
          const d = this.describeNotes(this.expandLets(notes, env));
          if (d) parts.push(`first: ${d}`);
        }
      }
      if (spec.cap?.perEvent) parts.push(`each capped at ${this.fmtPot(rule.cap!({ p: env, ev: first?.row }) as Num, pot)}`);
    } else {
      if (spec.scope.kind === 'top') parts.push(`ranked ${ordinal(acc.rank!)} of ${acc.qualifying} (top ${spec.scope.n})${tieText(tie)}`);
      const notes: Note[] = [];
      try {
        if (spec.scope.kind === 'top') rule.keys!.forEach((k) => k({ p: env }, notes));
        for (const { a } of aws) a.amount({ p: env }, notes);
      } catch {
        /* traces never fail a run */
      }
      const d = this.describeNotes(this.expandLets(notes, env));
      if (d) parts.push(d);
    }
    parts.push(this.fmtPot(total, pot));
    return `${spec.name}: ${parts.join(' → ')}${steps.length ? ' → ' + steps.join(' → ') : ''}`;
  }

  private whyNot(rule: CompiledRule, ri: number, env: PartnerEnv, idx: RunIndex, state: RunState, periodText: string, pFrom: string, pTo: string): string {
    const spec = rule.spec;
    const scope = spec.scope;
    try {
      if (scope.kind === 'each-event') {
        const rows = idx.eventsOf(scope.event, env.id, pFrom, pTo);
        if (rows.length === 0) return `no ${scope.event} event in ${periodText}`;
        if (spec.once && !spec.once.perPeriod && state.once[ri]!.has(env.id)) {
          const when = state.onceWhen[ri]!.get(env.id);
          return `once per partner: already awarded${when ? ` in ${when}` : ''}`;
        }
        if (rule.where) {
          const first = rows.reduce((a, b) => (byDateId(b, a) < 0 ? b : a));
          return `${rows.length} ${scope.event} event${rows.length === 1 ? '' : 's'} in ${periodText}, none where ${scope.where?.src ?? 'the condition holds'}; e.g. ${first.id}: ${this.explainFalse(scope.where!, rule.where, { p: env, ev: first })}`;
        }
        return `no award`;
      }
      const ctx: Ctx = { p: env };
      if (rule.where && !rule.where(ctx)) return this.explainFalse(scope.where!, rule.where, ctx);
      if (spec.once && !spec.once.perPeriod && state.once[ri]!.has(env.id)) {
        const when = state.onceWhen[ri]!.get(env.id);
        return `once per partner: already awarded${when ? ` in ${when}` : ''}`;
      }
      if (scope.kind === 'top') {
        const rank = state.ranks[ri]?.get(env.id);
        return rank ? `ranked ${ordinal(rank)} of ${state.rankCount[ri]}${tieText(state.ties[ri]?.get(env.id))}; only the top ${scope.n} are awarded` : 'not ranked';
      }
      return 'no award';
    } catch (e) {
      return `could not be evaluated: ${(e as Error).message}`;
    }
  }

  /** Why a condition is false, with the values that made it so. */
  private explainFalse(ir: IR, fn: Fn | undefined, ctx: Ctx): string {
    const env = { levels: this.levels };
    const f = fn ?? compileIR(ir, env);
    const val = (x: IR): Value => compileIR(x, env)(ctx);
    const desc = (x: IR): string => {
      const v = val(x);
      const shown = this.format(v, x.u, x.k === 'ref' ? x.name : undefined);
      if (x.k === 'num' || x.k === 'money') return x.src ? readableNumbers(x.src) : shown;
      if (x.k === 'str' || x.k === 'bool' || x.k === 'level') return x.src ?? shown;
      return `${x.src ?? ''} ${shown}`.trim();
    };
    if (f(ctx)) return `${ir.src ?? 'the condition'} holds`;
    switch (ir.k) {
      case 'and': {
        const i = ir.args.findIndex((x) => !compileIR(x, env)(ctx)); // the first operand that is false
        return i < 0 ? `${ir.src ?? 'the condition'} holds` : this.explainFalse(ir.args[i]!, undefined, ctx);
      }
      case 'or':
        return ir.args.map((x) => this.explainFalse(x, undefined, ctx)).join(', and ');
      case 'not':
        return `${ir.a.src ?? 'the condition'} holds`;
      case 'cmp': {
        const c = compareValues(ir.t, val(ir.a), val(ir.b));
        const rel = ir.t === 'num' || ir.t === 'level' || (ir.t === 'str' && ir.a.u === 'date') ? (c < 0 ? '<' : c > 0 ? '>' : '=') : c === 0 ? '=' : '≠';
        return `${desc(ir.a)} ${rel} ${desc(ir.b)}`;
      }
      case 'range':
        return `${desc(ir.x)} is outside ${desc(ir.lo)}..${desc(ir.hi)}`;
      case 'set':
        return `${desc(ir.x)} is not in [${ir.items.map((i) => i.src ?? this.format(val(i), i.u)).join(', ')}]`;
      default:
        return `${desc(ir)} is false`;
    }
  }
}

const TRACE_EVENTS = 10;

/** Events in the order the spec gives them: by date, then by id. */
function byDateId(x: EventRow, y: EventRow): number {
  return x.date < y.date ? -1 : x.date > y.date ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/** Keeps the TRACE_EVENTS first events by (date, id), whatever order they come in. */
function keepFirst(list: { row: EventRow; amounts: Num[] }[], item: { row: EventRow; amounts: Num[] }): void {
  if (list.length === TRACE_EVENTS && byDateId(item.row, list[TRACE_EVENTS - 1]!.row) >= 0) return;
  let i = list.length;
  while (i > 0 && byDateId(item.row, list[i - 1]!.row) < 0) i--;
  list.splice(i, 0, item);
  if (list.length > TRACE_EVENTS) list.pop();
}

/** Numbers in source text as people read them: `from 500_000 EUR` → `from 500,000 EUR`. */
function readableNumbers(text: string): string {
  return text.replace(/\b\d[\d_]*(\.\d[\d_]*)?/g, (m) => N.groupDigits(m.replace(/_/g, '')));
}

function tieText(tiedWith: string[] | undefined): string {
  return tiedWith?.length ? `, tied with ${tiedWith.join(', ')} (ties are settled by partner id)` : '';
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

function scaleOf(v: Num): number {
  return v instanceof N.Fixed ? v.s : Math.max(0, v.decimalPlaces());
}

function toWindow(w: WindowSpec): Window {
  return w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
}

function wrapEvalError(e: unknown, rule: string, where: string, kind = 'rule '): Error {
  if (e instanceof N.DivisionByZero || e instanceof EvalError) return new EvalError(`${kind}${kind ? JSON.stringify(rule) : rule}, ${where}: ${e.message}`);
  return e as Error;
}

/** Prints a value for people: money with grouping and its currency, levels by name, text quoted. */
export function formatValue(v: Value, u: ValueKind | undefined, currency: string, digits: number, levelNames?: readonly string[]): string {
  switch (u) {
    case 'money': {
      const n = v as Num;
      const d = Math.max(digits, scaleOf(n));
      return `${N.groupDigits(N.toFixedText(n, d))} ${currency}`;
    }
    case 'num':
      return N.groupDigits(N.toText(v as Num));
    case 'str':
      return JSON.stringify(v);
    case 'date':
      return String(v);
    case 'bool':
      return String(v);
    case 'level':
      return typeof v === 'number' && levelNames?.[v] !== undefined ? levelNames[v]! : `level ${String(v)}`;
    default:
      return typeof v === 'object' ? N.toText(v) : String(v);
  }
}

/** The awards of `for each EVENT` rules as events stream by, per period (by its text) and rule. */
class EventAwards {
  /** period → rule index → partner → accumulated awards. */
  readonly awards = new Map<string, Map<string, RuleAcc>[]>();
  /** Per rule index, for `once` rules: the best candidate event per partner (or per period and partner). */
  readonly candidates = new Map<number, Map<string, { row: EventRow; period: string }>>();
  private readonly byKind = new Map<string, { rule: CompiledRule; ri: number }[]>();
  private readonly periodByMonth = new Map<number, string>();
  private readonly ctx: Ctx = { p: undefined as unknown as PartnerEnv };

  constructor(
    private readonly ev: Evaluator,
    rules: readonly CompiledRule[],
  ) {
    const all = ev.rulesList;
    for (const rule of rules) {
      const kind = (rule.spec.scope as { event: string }).event;
      const list = this.byKind.get(kind) ?? [];
      list.push({ rule, ri: all.indexOf(rule) });
      this.byKind.set(kind, list);
    }
  }

  rulesFor(kind: string): { rule: CompiledRule; ri: number }[] | undefined {
    return this.byKind.get(kind);
  }

  /** The period (text) an event earns in, or undefined before the start or after the end. */
  periodOf(date: string): string | undefined {
    const a = this.ev.artifact;
    if (date < a.program.start || (a.program.end !== undefined && date > a.program.end)) return undefined;
    const m = monthNumber(date);
    let p = this.periodByMonth.get(m);
    if (p === undefined) this.periodByMonth.set(m, (p = formatPeriod(periodOf(a.program.period, date))));
    return p;
  }

  feed(rules: readonly { rule: CompiledRule; ri: number }[], r: EventRow, env: PartnerEnv): void {
    const period = this.periodOf(r.date);
    if (period === undefined) return; // events before the start count in windows, never earn
    const ctx = this.ctx;
    ctx.p = env;
    ctx.ev = r;
    for (let k = 0; k < rules.length; k++) {
      const { rule, ri } = rules[k]!;
      const spec = rule.spec;
      try {
        if (rule.where && !rule.where(ctx)) continue;
        if (spec.once) {
          const key = spec.once.perPeriod ? `${period}\u0000${r.partner}` : r.partner;
          let byKey = this.candidates.get(ri);
          if (!byKey) this.candidates.set(ri, (byKey = new Map()));
          const best = byKey.get(key);
          if (!best || byDateId(r, best.row) < 0) byKey.set(key, { row: r, period });
          continue;
        }
        let perRule = this.awards.get(period);
        if (!perRule) this.awards.set(period, (perRule = this.ev.rulesList.map(() => new Map())));
        this.ev.addEventAward(rule, perRule[ri]!, ctx);
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

/** A measure that can be aggregated as events stream by: its condition and value use only the event, the partner's attributes and constants. */
interface LocalMeasure {
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

/** A month as a number (year × 12 + month − 1), from `YYYY-MM…` without allocating. */
function monthNumber(date: string): number {
  const y = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  return y * 12 + (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48) - 1;
}

/** What pass 1 keeps: month buckets of the measures that allow it, and events only where needed. */
class RunIndex {
  latest: string | undefined;
  private readonly localByKind = new Map<string, LocalMeasure[]>();
  private readonly local = new Map<string, LocalMeasure>();
  /** Per partner: per month number, one bucket per local measure. */
  private readonly buckets = new Map<string, Map<number, (Bucket | undefined)[]>>();
  /** Kinds whose events are kept in memory: a measure over them is not local, or explanations need them. */
  private readonly keep = new Set<string>();
  private readonly rows = new Map<string, Map<string, EventRow[]>>();
  private readonly attrs: Map<string, Record<string, Value>>;
  private readonly ctx: Ctx = { p: { id: '', attrs: {}, vals: {} } };
  private readonly noAttrs: Record<string, Value> = {};
  /**
   * The typed month store: per partner, a Float64Array of [sum, count] per month (from
   * `monthBase`) and per fast-path measure. Sums are integers at the measure's scale, kept below
   * 2^53 (a value that would overflow goes to the object buckets instead), so they stay exact.
   */
  /** Per partner seen in the events: its environment for pass 1 and its typed month store. */
  private readonly partnerSlots = new Map<string, { env: PartnerEnv; store?: Float64Array }>();
  private readonly slots: number;
  private readonly monthBase: number;
  private readonly monthCap: number;

  constructor(
    a: Artifact,
    steps: readonly CompiledStep[],
    partners: readonly PartnerRow[],
    private readonly explain: boolean | ReadonlySet<string>,
    private readonly constants: Record<string, Value>,
  ) {
    this.attrs = new Map(partners.map((p) => [p.id, p.attrs]));
    const constantNames = new Set(a.constants.map((c) => c.name));
    const isLocal = (ir: IR | undefined) => !ir || !irRefs(ir).some((n) => !constantNames.has(n));
    const levels = new Map(a.tiers.map((t) => [t.name, t.levels]));
    const fieldScales = new Map(
      a.events.map((ev) => [ev.name, new Map(ev.fields.flatMap((f) => (f.type === 'money' ? [[f.name, a.program.minorDigits] as const] : f.type === 'integer' ? [[f.name, 0] as const] : [])))]),
    );
    for (const cs of steps) {
      const st = cs.step;
      if (st.kind !== 'measure') continue;
      if (isLocal(st.where) && isLocal(st.arg)) {
        const m: LocalMeasure = {
          step: st,
          index: this.local.size,
          ...(cs.fns.where ? { where: cs.fns.where } : {}),
          ...(cs.fns.arg ? { arg: cs.fns.arg } : {}),
          ...(cs.fns.otherwise ? { otherwise: cs.fns.otherwise } : {}),
          cmp: st.value === 'level' ? 'level' : st.value === 'str' || st.value === 'date' ? 'str' : st.value === 'bool' ? 'bool' : 'num',
        };
        if (st.arg && (st.op === 'sum' || st.op === 'average')) {
          const scales = fieldScales.get(st.event);
          const intArg = compileInt(st.arg, { fieldScale: (f) => scales?.get(f), general: (x) => compileIR(x, { levels }) });
          if (intArg) m.intArg = intArg;
        }
        this.local.set(st.name, m);
        const list = this.localByKind.get(st.event) ?? [];
        list.push(m);
        this.localByKind.set(st.event, list);
      } else this.keep.add(st.event);
    }
    if (explain === true) for (const ev of a.events) this.keep.add(ev.name);
    let slots = 0;
    for (const m of this.local.values()) if ((m.intArg && (m.step.op === 'sum' || m.step.op === 'average')) || m.step.op === 'count') m.slot = slots++;
    this.slots = slots;
    // The earliest month any window can reach from the first period, and the months a run spans.
    const periodMonths = a.program.period === 'month' ? 1 : a.program.period === 'quarter' ? 3 : 12;
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

  /** The partner's typed array, grown to hold month slot `slot`. */
  private storeFor(ps: { store?: Float64Array }, slot: number): Float64Array {
    const width = this.slots * 2;
    let arr = ps.store;
    if (!arr || arr.length < (slot + 1) * width) {
      const grown = new Float64Array(Math.max(this.monthCap, slot + 12) * width);
      if (arr) grown.set(arr);
      ps.store = arr = grown;
    }
    return arr;
  }

  /**
   * Pass 1: one valid event. Returns the partner's environment for pass 1 (its attributes and the
   * program's constants: all that rules evaluated in pass 1 may use).
   */
  add(kind: string, r: EventRow): PartnerEnv {
    if (this.latest === undefined || r.date > this.latest) this.latest = r.date;
    let ps = this.partnerSlots.get(r.partner);
    if (!ps) this.partnerSlots.set(r.partner, (ps = { env: { id: r.partner, attrs: this.attrs.get(r.partner) ?? this.noAttrs, vals: this.constants } }));
    if (this.keep.has(kind) || (this.explain !== true && this.explain !== false && this.explain.has(r.partner))) {
      let per = this.rows.get(kind);
      if (!per) this.rows.set(kind, (per = new Map()));
      let list = per.get(r.partner);
      if (!list) per.set(r.partner, (list = []));
      list.push(r);
    }
    const measures = this.localByKind.get(kind);
    if (!measures) return ps.env;
    const month = monthNumber(r.date);
    const slot = month - this.monthBase;
    const arr = slot >= 0 && this.slots > 0 ? this.storeFor(ps, slot) : undefined;
    const base = slot * this.slots * 2;
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
          if (!row) months.set(month, (row = new Array<Bucket | undefined>(this.local.size)));
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

  /** Every partner of the run: the declared ones, or (without a partner declaration) every id events name. */
  partnerList(partners: readonly PartnerRow[], declared: boolean): PartnerRow[] {
    if (declared) return [...partners].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return [...new Set([...partners.map((p) => p.id), ...this.partnerSlots.keys()])].sort().map((id) => ({ id, attrs: {} }));
  }

  /** Whether a measure is aggregated by month (else its events are kept). */
  isLocal(name: string): boolean {
    return this.local.has(name);
  }

  /** A local measure's value over the dates [from, to] (whole months). */
  aggregated(name: string, partner: string, from: string, to: string, ctx: Ctx): Value {
    const m = this.local.get(name)!;
    const lo = monthNumber(from);
    const hi = monthNumber(to);
    const months = this.buckets.get(partner);
    let n = 0;
    let sum: N.Accumulator | undefined;
    let distinct: Set<string> | undefined;
    let best: Value | undefined;
    const arr = m.slot !== undefined ? this.partnerSlots.get(partner)?.store : undefined;
    if (arr) {
      const width = this.slots * 2;
      const first = Math.max(0, lo - this.monthBase);
      const last = Math.min(arr.length / width - 1, hi - this.monthBase);
      for (let slot = first; slot <= last; slot++) {
        const at = slot * width + m.slot! * 2;
        if (arr[at + 1] === 0) continue;
        n += arr[at + 1]!;
        if (m.step.op !== 'count') (sum ??= new N.Accumulator()).addScaled(arr[at]!, m.intArg!.scale);
      }
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

/** The names a lowered expression refers to (measures, tiers, lets, constants). */
function irRefs(ir: IR): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o['k'] === 'ref') out.push(o['name'] as string);
      for (const v of Object.values(o)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(ir);
  return out;
}

/** What a run carries from one period to the next. */
class RunState {
  readonly once: Set<string>[];
  readonly onceWhen: Map<string, string>[];
  readonly ranks: (Map<string, number> | undefined)[];
  readonly rankCount: number[];
  /** For `for top` rules: the partners each partner is tied with in the current period. */
  readonly ties: (Map<string, string[]> | undefined)[];
  private readonly carriedBy: Map<string, Num>[];
  private readonly yearly: Map<string, Num>[];

  constructor(rules: number, pots: number) {
    this.once = Array.from({ length: rules }, () => new Set());
    this.onceWhen = Array.from({ length: rules }, () => new Map());
    this.ranks = Array.from({ length: rules }, () => undefined);
    this.rankCount = Array.from({ length: rules }, () => 0);
    this.ties = Array.from({ length: rules }, () => undefined);
    this.carriedBy = Array.from({ length: pots }, () => new Map());
    this.yearly = Array.from({ length: pots }, () => new Map());
  }

  carried(pot: number, partner: string): Num {
    return this.carriedBy[pot]!.get(partner) ?? N.ZERO;
  }

  setCarried(pot: number, partner: string, v: Num): void {
    this.carriedBy[pot]!.set(partner, v);
  }

  yearUsed(pot: number, partner: string, year: number): Num {
    return this.yearly[pot]!.get(`${year}\u0000${partner}`) ?? N.ZERO;
  }

  addYearUsed(pot: number, partner: string, year: number, v: Num): void {
    const k = `${year}\u0000${partner}`;
    this.yearly[pot]!.set(k, N.add(this.yearly[pot]!.get(k) ?? N.ZERO, v));
  }
}
