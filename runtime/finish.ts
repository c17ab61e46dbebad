/**
 * Finishing one period (spec §9 steps 2–7), partner by partner: the rules' awards, their totals
 * (cap, then one rounding), the pots (caps, budgets, balances, payments) and each partner's
 * statement, given to a consumer as soon as it is made — so that a run never holds every
 * partner's statement (the command line writes each and drops it).
 *
 * The order of evaluation is the spec's, and the one of any evaluation error: the rules' awards
 * (step 2) and totals (step 3) rule by rule over every partner, then the pots and statements
 * partner by partner (a pot's budget, which needs every partner's earnings, first). What it keeps
 * between those is compact: per rule and pot, each partner's total and rounded amount (`Num`s in
 * arrays by partner); a statement's traces are made when read (`AwardResult.trace` is a getter),
 * from the values they show, captured when the award is made.
 */
import { compareValues, type Ctx, type PartnerEnv, type Value } from './compile-ir.js';
import type { Artifact, ValueKind } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatDate, formatPeriod, windowRange, type Period } from '../core/periods.js';
import { wrapEvalError } from './errors.js';
import { newRuleAcc, type RuleAcc, type RunIndex } from './pass1.js';
import type { CompiledPot, CompiledRule, Plan } from './plan.js';
import type { Adjustment, AwardResult, PartnerResult, PartnerRow, PeriodResult, PotResult } from './results.js';
import type { RunState } from './run-state.js';
import { applyBudget, applyFirstCome, applyPotCap } from './settle.js';
import { settlePartner } from './ledger/ledger.js';
import { randomAwards } from './ledger/random-rule.js';
import { awardsToPot } from './first-come.js';
import { heldNotes } from './memory.js';
import type { Tracer } from './traces.js';
import type { PartnerEnvs } from './partner-envs.js';

export interface FinishContext {
  artifact: Artifact;
  plan: Plan;
  tracer: Tracer;
}

/** One rule's totals in one pot, by partner (its index in the period's partner list): the sum of its awards, the rule cap applied (if it was), the rounded amount. */
interface PotTotals {
  pot: number;
  total: (Num | undefined)[];
  capped: (Num | undefined)[];
  rounded: (Num | undefined)[];
}

/**
 * Finishes a period over `partners` (sorted by id): `each` gets every partner's statement in
 * order (and may drop it); returns the period's totals and cost. `eventAccs`: the `for each EVENT`
 * rules' awards of the period, by rule. Updates `state` (balances, yearly caps, `once`, ranks).
 */
export function finishPeriod(
  ctx: FinishContext,
  period: Period,
  partners: readonly PartnerRow[],
  envs: PartnerEnvs,
  eventAccs: Map<string, RuleAcc>[],
  idx: RunIndex,
  state: RunState,
  explain: boolean | ReadonlySet<string>,
  each: (p: PartnerResult) => void,
): Pick<PeriodResult, 'totals' | 'cost'> {
  const a = ctx.artifact;
  const { rules, pots, steps } = ctx.plan;
  const currency = a.program.currency;
  const tracer = ctx.tracer;
  const periodText = formatPeriod(period);
  const range = windowRange({ kind: 'this period' }, period, a.program.start);
  const pFrom = formatDate(range.from);
  const pTo = formatDate(range.to);
  const n = partners.length;
  // The partners' environments in the partners' order (`envs` was made in it).
  const envList = envs.list;
  if (envList.length !== n || envList.some((e, i) => e.id !== partners[i]!.id)) throw new Error('internal: the period\'s values are not in the partners\' order');
  const positionOf = (pid: string): number => {
    // partners are sorted by id (code units, as `<` compares): a binary search
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = partners[mid]!.id;
      if (id === pid) return mid;
      if (id < pid) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new Error(`internal: ${JSON.stringify(pid)} is not a partner of the period`);
  };

  // 2. Awards of partner rules (`for each EVENT` rules were evaluated in the pass over events), rule by rule.
  const awarded = rules.map((rule) => {
    if (rule.spec.scope.kind === 'each-partner') return eachPartner(rule, envList, state, periodText);
    const accs =
      rule.spec.scope.kind === 'each-event' ? eventAccs[rule.index]! : rule.spec.scope.kind === 'random' ? randomAwards(ctx.plan, rule, envList, state, periodText) : topPartners(rule, envList, state);
    // in the order the rule's partners were awarded (for the order of evaluation errors, as before)
    const order: number[] = [];
    const at = new Array<RuleAcc | undefined>(n);
    for (const [pid, acc] of accs) {
      const i = positionOf(pid);
      order.push(i);
      at[i] = acc;
    }
    return { order, acc: (i: number) => at[i], sum: (i: number, ai: number) => at[i]!.sums[ai]!.value() };
  });

  // 3. Rule totals: cap, then one rounding to the pot's unit, rule by rule (in the order each rule's partners were awarded).
  // A partner's awards of one rule are summed per pot, listed in the order of its pots' first awards (`potGroups`).
  const totals: PotTotals[][] = rules.map(() => []);
  for (const rule of rules) {
    const { order, sum } = awarded[rule.index]!;
    if (order.length === 0) continue;
    const groups = rule.potGroups;
    const byRule = groups.map(({ pot }): PotTotals => ({ pot, total: new Array<Num | undefined>(n), capped: new Array<Num | undefined>(n), rounded: new Array<Num | undefined>(n) }));
    totals[rule.index] = byRule;
    const capped = rule.cap && !rule.spec.cap!.perEvent ? rule.cap : undefined;
    for (let oi = 0; oi < order.length; oi++) {
      const i = order[oi]!;
      for (let gi = 0; gi < groups.length; gi++) {
        const { pot: pi, awards: ais } = groups[gi]!;
        let total = sum(i, ais[0]!);
        for (let j = 1; j < ais.length; j++) total = N.add(total, sum(i, ais[j]!));
        const slot = byRule[gi]!;
        const pot = pots[pi]!;
        let t = total;
        if (capped) {
          const env = envList[i]!;
          const cap = capped({ p: env }) as Num;
          if (N.cmp(t, cap) > 0) {
            t = cap;
            rule.capped?.({ p: env });
            slot.capped[i] = cap;
          }
        }
        slot.total[i] = total;
        slot.rounded[i] = N.round(t, pot.digits, pot.spec.rounding);
      }
    }
  }

  // 4–5. Pot caps, then budgets (over every partner's earnings: computed first for those pots).
  const earnedOf = (i: number): (Num | undefined)[] => {
    const earned = new Array<Num | undefined>(pots.length);
    for (let ri = 0; ri < rules.length; ri++) {
      const slots = totals[rules[ri]!.index]!;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[k]!;
        const r = slot.rounded[i];
        if (r === undefined) continue;
        const e = earned[slot.pot];
        earned[slot.pot] = e === undefined ? r : N.add(e, r);
      }
    }
    return earned;
  };
  const budgeted = pots.map((pot) => (pot.budget ? { after: new Map<string, Num>(), adjustments: new Map<string, Adjustment[]>(), used: N.ZERO as Num } : undefined));
  if (budgeted.some((b) => b)) {
    for (let i = 0; i < n; i++) {
      const pid = partners[i]!.id;
      const earned = earnedOf(i);
      pots.forEach((pot, pi) => {
        const b = budgeted[pi];
        if (!b) return;
        const capped = applyPotCap(pot, earned[pi] ?? N.ZERO, period.year, () => state.yearUsed(pi, pid, period.year), currency);
        b.after.set(pid, capped.after);
        b.adjustments.set(pid, capped.adjustment ? [capped.adjustment] : []);
      });
    }
    pots.forEach((pot, pi) => {
      const b = budgeted[pi];
      if (!b) return;
      // §12.5: a budget served first come first served orders the pot's awards by date.
      b.used = pot.spec.budgetOrder
        ? applyFirstCome(pot, b.after, b.adjustments, awardsToPot(rules, awarded, (i) => partners[i]!.id, pi, pTo), currency)
        : applyBudget(pot, b.after, b.adjustments, currency);
    });
  }

  // §13.2: the period's awards to each pot that holds them.
  pots.forEach((_, pi) => state.ledger?.startPot(pi, rules, awarded, (i) => partners[i]!.id, pTo));

  // 6. Balances and payments, and the statements, partner by partner.
  const tEarned = pots.map(() => new N.Sum());
  const tPaid = pots.map(() => new N.Sum());
  const tCarried = pots.map(() => new N.Sum());
  // each step's name, and its levels (a tier) or the kind of its values, looked up once
  const tierSteps: { name: string; levels: readonly string[] }[] = [];
  const valueSteps: ValueStep[] = [];
  for (const { step } of steps) {
    if (step.kind === 'tier') tierSteps.push({ name: step.name, levels: step.levels });
    else valueSteps.push({ name: step.name, u: ctx.plan.kinds.get(step.name) ?? 'num' });
  }
  for (let i = 0; i < n; i++) {
    const partner = partners[i]!;
    const pid = partner.id;
    const env = envList[i]!;
    const tiers: Record<string, string> = {};
    const vals = env.vals;
    for (let k = 0; k < tierSteps.length; k++) {
      const { name, levels } = tierSteps[k]!;
      tiers[name] = levels[vals[name] as number] ?? '';
    }
    const res = new Statement(pid, tiers, vals, valueSteps);
    const held = heldNotes(a.steps, env);
    if (held) res.held = held;
    for (let ri = 0; ri < rules.length; ri++) {
      const rule = rules[ri]!;
      const acc = awarded[rule.index]!.acc(i);
      if (!acc) continue;
      const tie = state.ties[rule.index]?.get(pid);
      const slots = totals[rule.index]!;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[k]!;
        const rounded = slot.rounded[i];
        if (rounded === undefined) continue;
        res.awards.push(award(tracer, rule, acc, env, pots[slot.pot]!, slot.total[i]!, slot.capped[i], rounded, tie));
      }
    }
    // Why the rules that gave a partner nothing did not fire (only when asked: it costs a little per partner and rule).
    if (explain === true || (explain !== false && explain.has(pid))) {
      for (const rule of rules) {
        if (awarded[rule.index]!.acc(i)) continue;
        res.unfired.push({ rule: rule.spec.name, why: tracer.whyNot(rule, env, idx, state, periodText, pFrom, pTo) });
      }
    }
    const earned = earnedOf(i);
    // (loops, not callbacks: the first partners of a run are finished by V8's interpreter, before
    // this code is compiled, and a callback made and called per partner and pot costs it most)
    for (let pi = 0; pi < pots.length; pi++) {
      const pot = pots[pi]!;
      const b = budgeted[pi];
      let after: Num;
      let adjustments: Adjustment[];
      if (b) {
        after = b.after.get(pid)!;
        adjustments = b.adjustments.get(pid)!;
      } else {
        const capped = applyPotCap(pot, earned[pi] ?? N.ZERO, period.year, pot.cap && pot.spec.cap!.per === 'year' ? () => state.yearUsed(pi, pid, period.year) : NOTHING_USED, currency);
        after = capped.after;
        adjustments = capped.adjustment ? [capped.adjustment] : [];
      }
      const e = earned[pi] ?? N.ZERO;
      if (pot.cap && pot.spec.cap!.per === 'year') state.addYearUsed(pi, pid, period.year, after);
      const carriedIn = state.carried(pi, pid);
      // §9 step 6, with the ledger's holds, draws and lots (§13) when the program has them.
      const { pay, figures } = settlePartner(state.ledger, pi, pot, env, period, pTo, carriedIn, after, currency);
      state.setCarried(pi, pid, pay.carried);
      // (keys set one by one, in the order of `PotResult`: spreads of optional parts cost a copy each)
      const r: PotResult = pay.cards
        ? { earned: e, adjustments, carriedIn, paid: pay.paid, carried: pay.carried, approval: pay.approval, cards: pay.cards, notes: pay.notes }
        : { earned: e, adjustments, carriedIn, paid: pay.paid, carried: pay.carried, approval: pay.approval, notes: pay.notes };
      if (figures.ledger) r.ledger = figures.ledger;
      if (figures.hold) r.hold = figures.hold;
      if (figures.draw) r.draw = figures.draw;
      res.pots[pot.spec.name] = r;
      tEarned[pi]!.add(e);
      tPaid[pi]!.add(pay.paid);
      tCarried[pi]!.add(pay.carried);
    }
    each(res);
  }

  // 7. Totals and cost.
  const out: PeriodResult['totals'] = {};
  let cost: Num = N.ZERO;
  pots.forEach((pot, pi) => {
    const paid = tPaid[pi]!.value();
    out[pot.spec.name] = { earned: tEarned[pi]!.value(), paid, carried: tCarried[pi]!.value(), ...(pot.budget ? { budget: pot.budget, budgetUsed: budgeted[pi]!.used } : {}) };
    if (pot.spec.unit === 'money') cost = N.add(cost, paid);
    else if (pot.spec.unit === 'items' && pot.value) cost = N.add(cost, N.mul(paid, pot.value));
  });
  return { totals: out, cost };
}

/** What a partner earned in a pot before this period, for a cap that is not yearly (never read). */
const NOTHING_USED = (): Num => N.ZERO;

/** A value a statement shows (a measure's or a let's), and its kind. */
interface ValueStep {
  name: string;
  u: ValueKind;
}

/**
 * A partner's statement for a period. A class, with `values` a getter of its prototype, made when
 * first read (and kept): the writers do not show them (`incent explain` and `expect` do), so a run
 * no longer makes an object per value and partner that no one reads. The period's values of a
 * partner (`vals`) are not changed once it is finished. `toJSON` writes `values`, as a plain
 * object's would be.
 */
class Statement implements PartnerResult {
  readonly pots: Record<string, PotResult> = {};
  readonly awards: AwardResult[] = [];
  readonly unfired: { rule: string; why: string }[] = [];
  declare held?: Record<string, string>;
  #values: Record<string, { value: Value; u: ValueKind }> | undefined;
  #vals: Record<string, Value> | undefined;
  #shown: readonly ValueStep[] | undefined;

  constructor(
    readonly id: string,
    readonly tiers: Record<string, string>,
    vals: Record<string, Value>,
    shown: readonly ValueStep[],
  ) {
    this.#vals = vals;
    this.#shown = shown;
  }

  get values(): Record<string, { value: Value; u: ValueKind }> {
    if (this.#values === undefined) {
      const values: Record<string, { value: Value; u: ValueKind }> = {};
      for (const { name, u } of this.#shown!) values[name] = { value: this.#vals![name]!, u };
      this.#values = values;
      this.#vals = undefined;
      this.#shown = undefined;
    }
    return this.#values;
  }

  toJSON(): PartnerResult {
    const { id, tiers, values, pots, awards, unfired, held } = this;
    return { id, tiers, values, pots, awards, unfired, ...(held ? { held } : {}) };
  }
}

/** An award with its trace made when first read (and kept): the values it shows are those of the period it was made in. */
function award(tracer: Tracer, rule: CompiledRule, acc: RuleAcc, env: PartnerEnv, pot: CompiledPot, total: Num, capped: Num | undefined, rounded: Num, tie: readonly string[] | undefined): AwardResult {
  return new Award(rule.spec.name, pot.spec.name, rounded, { tracer, rule, acc, env, pot, total, capped, rounded, tie });
}

/** What an award's trace is made of, kept until it is read. */
interface TraceInputs {
  tracer: Tracer;
  rule: CompiledRule;
  acc: RuleAcc;
  env: PartnerEnv;
  pot: CompiledPot;
  total: Num;
  capped: Num | undefined;
  rounded: Num;
  tie: readonly string[] | undefined;
}

/**
 * An award of a statement. A class, with `trace` a getter of its prototype: an object literal with
 * an accessor is made by a runtime call, about ten times slower (a run makes one per award, a
 * million for a million partners). `toJSON` writes the trace, as a plain object's would be.
 */
class Award implements AwardResult {
  #trace: string | undefined;
  #inputs: TraceInputs | undefined;

  constructor(
    readonly rule: string,
    readonly pot: string,
    readonly amount: Num,
    inputs: TraceInputs,
  ) {
    this.#inputs = inputs;
  }

  get trace(): string {
    if (this.#trace === undefined) {
      const { tracer, rule, acc, env, pot, total, capped, rounded, tie } = this.#inputs!;
      const traceSteps: string[] = [];
      if (capped !== undefined) traceSteps.push(`rule cap ${tracer.potText(capped, pot)}`);
      if (N.cmp(rounded, capped ?? total) !== 0) traceSteps.push(`rounded ${pot.spec.rounding} to ${tracer.potText(rounded, pot)}`);
      this.#trace = tracer.award(rule, acc, env, pot, total, traceSteps, tie);
      this.#inputs = undefined;
    }
    return this.#trace;
  }

  toJSON(): { rule: string; pot: string; amount: Num; trace: string } {
    return { rule: this.rule, pot: this.pot, amount: this.amount, trace: this.trace };
  }
}

/** A `for each partner` rule's award, in a statement's trace (it shows the partner's values, not events). */
const EACH_PARTNER: RuleAcc = { sums: [], events: [], eventCount: 1 };

/** The total of one award (an `Accumulator` of one amount, as a rule's awards are summed), without making one for the usual amounts. */
function oneAmount(v: Num): Num {
  if (v instanceof N.Fixed) return v;
  const acc = new N.Accumulator();
  acc.add(v);
  return acc.value();
}

/**
 * `for each partner` in one period: the partners awarded (by place, in order) and each award's
 * amount — kept as arrays, not an accumulator per partner.
 */
function eachPartner(rule: CompiledRule, envs: readonly PartnerEnv[], state: RunState, periodText: string) {
  const spec = rule.spec;
  const once = spec.once && !spec.once.perPeriod ? state.onceWhen[rule.index]! : undefined;
  const order: number[] = [];
  const fired = new Uint8Array(envs.length);
  const sums = rule.awards.map(() => new Array<Num | undefined>(envs.length));
  for (let i = 0; i < envs.length; i++) {
    const env = envs[i]!;
    const ctx: Ctx = { p: env };
    try {
      if (rule.where && !rule.where(ctx)) continue;
      if (once) {
        if (once.has(env.id)) continue;
        once.set(env.id, periodText);
      }
      for (let ai = 0; ai < rule.awards.length; ai++) sums[ai]![i] = oneAmount(rule.awards[ai]!.amount(ctx) as Num);
      order.push(i);
      fired[i] = 1;
    } catch (e) {
      throw wrapEvalError(e, spec.name, `partner ${JSON.stringify(env.id)}`);
    }
  }
  return { order, acc: (i: number) => (fired[i] === 1 ? EACH_PARTNER : undefined), sum: (i: number, ai: number) => sums[ai]![i]! };
}

/** `for top N partners` in one period: the N partners' awards (in order of rank); the ranks, their count and the ties go to `state`. */
function topPartners(rule: CompiledRule, envs: readonly PartnerEnv[], state: RunState): Map<string, RuleAcc> {
  const spec = rule.spec;
  const ri = rule.index;
  const scope = spec.scope as Extract<typeof spec.scope, { kind: 'top' }>;
  const accs = new Map<string, RuleAcc>();
  // top N partners by keys, then partner id.
  const ranked: { env: PartnerEnv; keys: Value[] }[] = [];
  for (const env of envs) {
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
  return accs;
}
