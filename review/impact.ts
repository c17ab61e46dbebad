/**
 * What a change does to payouts: two runs of the same data (one per version of the program)
 * compared period by period — the program's cost old → new, each pot's earned and paid, the
 * partners affected, tier moves, the partners who move most and the rules that explain it, budgets
 * and caps that newly bind or stop binding, approvals newly flagged, rules that now fire for
 * partners they gave nothing before.
 *
 * Every amount is exact (the runtime's `Num`) and written as a decimal string, money with the
 * currency's minor digits; a percentage is computed exactly and rounded (half-even, one decimal)
 * for display only. Browser-safe: no Node module.
 */
import type { Artifact, PotSpec } from '../runtime/artifact.js';
import * as N from '../runtime/num.js';
import type { Num } from '../runtime/num.js';
import { Plan } from '../runtime/plan.js';
import type { PartnerResult, PeriodResult, PotResult } from '../runtime/results.js';

/** An amount before and after: exact decimal strings; `percent` (of `old`, one decimal) absent when old is zero. */
export interface Delta {
  old: string;
  new: string;
  delta: string;
  percent?: string;
}

export interface PotImpact {
  pot: string;
  unit: 'money' | 'points' | 'items';
  /** Whether the pot exists in both versions or in one only. */
  in: 'both' | 'old' | 'new';
  earned: Delta;
  paid: Delta;
}

export interface TierMove {
  tier: string;
  from: string;
  to: string;
  partners: string[];
}

export interface PartnerImpact {
  partner: string;
  /** What the partner costs the program (money paid, items × value). */
  cost: Delta;
  /** Pots whose earned or paid amount changed. */
  pots: { pot: string; earned: Delta; paid: Delta }[];
  /** Tiers whose level changed. */
  tiers: { tier: string; old: string; new: string }[];
  /** Rule totals that changed (per rule and pot): what explains the move. */
  rules: { rule: string; pot: string; old: string; new: string }[];
}

/** A budget or cap whose binding changed: a budget binds or not; caps bind for a number of partners. */
export interface Binding {
  what: 'budget' | 'pot cap' | 'rule cap';
  /** The pot (budget, pot cap) or the rule (rule cap). */
  name: string;
  /** Partners reduced by it, each side (a budget that binds reduces at least one). */
  old: number;
  new: number;
}

export interface ApprovalChange {
  pot: string;
  partner: string;
  /** Paid this period, each side. */
  old: string;
  new: string;
  flagged: 'newly' | 'no longer';
}

export interface RuleReach {
  rule: string;
  partners: string[];
}

export interface PeriodImpact {
  period: string;
  /** Which versions' runs have this period. */
  in: 'both' | 'old' | 'new';
  cost: Delta;
  /** Partners in either version's statements. */
  partners: number;
  /** Partners whose statement changed (a pot's earned, paid or carried amount, or a tier). */
  affected: number;
  pots: PotImpact[];
  tierMoves: TierMove[];
  /** Every affected partner, the largest cost change first (then the largest pot change, then id). */
  movers: PartnerImpact[];
  bindings: Binding[];
  approvals: ApprovalChange[];
  /** Rules that award something to partners they gave nothing in the old version. */
  newlyFiring: RuleReach[];
  /** Rules that no longer award anything to partners they gave something. */
  stoppedFiring: RuleReach[];
}

export interface Impact {
  currency: string;
  periods: PeriodImpact[];
  total: { cost: Delta; partners: number; affected: number };
}

export interface ImpactInput {
  old: { artifact: Artifact; results: readonly PeriodResult[] };
  new: { artifact: Artifact; results: readonly PeriodResult[] };
  /** Only this period (one of either run's), else every period of either run. */
  period?: string;
}

/** The periods of either run, in order (the old run's, then any only the new one has). */
export function periodsOf(input: ImpactInput): string[] {
  return [...new Set([...input.old.results.map((r) => r.period), ...input.new.results.map((r) => r.period)])];
}

export function impact(input: ImpactInput): Impact {
  const { old, new: neu } = input;
  const currency = neu.artifact.program.currency;
  const digits = neu.artifact.program.minorDigits;
  const chosen = periodsOf(input).filter((p) => input.period === undefined || p === input.period);
  const oValues = itemValues(old.artifact);
  const nValues = itemValues(neu.artifact);
  const periods = chosen.map((p) => periodImpact(p, old.artifact, old.results.find((r) => r.period === p), neu.artifact, neu.results.find((r) => r.period === p), oValues, nValues));
  const sum = (side: 'old' | 'new') => periods.reduce((t, p) => N.add(t, N.parseNum(p.cost[side])), N.ZERO as Num);
  const all = new Set<string>();
  const affected = new Set<string>();
  for (const p of periods) p.movers.forEach((m) => affected.add(m.partner));
  for (const p of chosen) for (const r of [old.results.find((x) => x.period === p), neu.results.find((x) => x.period === p)]) r?.partners.forEach((x) => all.add(x.id));
  return { currency, periods, total: { cost: delta(sum('old'), sum('new'), digits), partners: all.size, affected: affected.size } };
}

/** old → new with the difference and the percentage of old. */
export function delta(o: Num, n: Num, digits: number): Delta {
  const d = N.sub(n, o);
  const out: Delta = { old: N.toFixedText(o, digits), new: N.toFixedText(n, digits), delta: N.toFixedText(d, digits) };
  if (!N.isZero(o)) out.percent = N.toFixedText(N.round(N.div(N.mul(d, N.int(100)), N.abs(o)), 1, 'half-even'), 1);
  return out;
}

const potDigits = (a: Artifact, pot: PotSpec) => (pot.unit === 'money' ? a.program.minorDigits : 0);

/** Each item pot's value per unit (a program-level constant), for a partner's cost. */
type ItemValues = Map<string, Num | undefined>;
function itemValues(a: Artifact): ItemValues {
  return new Map(new Plan(a).pots.map((p) => [p.spec.name, p.value]));
}

/** What a partner's payments cost the program, as the period's cost counts it. */
function partnerCost(a: Artifact, p: PartnerResult | undefined, values: ItemValues): Num {
  if (!p) return N.ZERO;
  let cost: Num = N.ZERO;
  for (const pot of a.pots) {
    const r = p.pots[pot.name];
    if (!r) continue;
    if (pot.unit === 'money') cost = N.add(cost, r.paid);
    else if (pot.unit === 'items') {
      const v = values.get(pot.name);
      if (v) cost = N.add(cost, N.mul(r.paid, v));
    }
  }
  return cost;
}

const EMPTY_POT: PotResult = { earned: N.ZERO, adjustments: [], carriedIn: N.ZERO, paid: N.ZERO, carried: N.ZERO, approval: false, notes: [] };

function periodImpact(period: string, oa: Artifact, or: PeriodResult | undefined, na: Artifact, nr: PeriodResult | undefined, oValues: ItemValues, nValues: ItemValues): PeriodImpact {
  const digits = na.program.minorDigits;
  const potNames = [...new Set([...oa.pots.map((p) => p.name), ...na.pots.map((p) => p.name)])];
  const spec = (name: string) => (na.pots.find((p) => p.name === name) ?? oa.pots.find((p) => p.name === name))!;
  const digitsOf = (name: string) => potDigits(na.pots.some((p) => p.name === name) ? na : oa, spec(name));
  const side = (name: string): PotImpact['in'] => (oa.pots.some((p) => p.name === name) ? (na.pots.some((p) => p.name === name) ? 'both' : 'old') : 'new');
  const oById = new Map((or?.partners ?? []).map((p) => [p.id, p]));
  const nById = new Map((nr?.partners ?? []).map((p) => [p.id, p]));
  const ids = [...new Set([...oById.keys(), ...nById.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  const pots: PotImpact[] = potNames.map((name) => {
    const d = digitsOf(name);
    const t = (r: PeriodResult | undefined) => r?.totals[name];
    return {
      pot: name,
      unit: spec(name).unit,
      in: side(name),
      earned: delta(t(or)?.earned ?? N.ZERO, t(nr)?.earned ?? N.ZERO, d),
      paid: delta(t(or)?.paid ?? N.ZERO, t(nr)?.paid ?? N.ZERO, d),
    };
  });

  const movers: PartnerImpact[] = [];
  const moves = new Map<string, TierMove>();
  const approvals: ApprovalChange[] = [];
  const newly = new Map<string, string[]>();
  const stopped = new Map<string, string[]>();
  const tierNames = oa.tiers.map((t) => t.name).filter((t) => na.tiers.some((x) => x.name === t));
  for (const id of ids) {
    const o = oById.get(id);
    const n = nById.get(id);
    const changedPots: PartnerImpact['pots'] = [];
    let changed = false;
    for (const name of potNames) {
      const d = digitsOf(name);
      const po = o?.pots[name] ?? EMPTY_POT;
      const pn = n?.pots[name] ?? EMPTY_POT;
      const moved = N.cmp(po.earned, pn.earned) !== 0 || N.cmp(po.paid, pn.paid) !== 0;
      if (moved) changedPots.push({ pot: name, earned: delta(po.earned, pn.earned, d), paid: delta(po.paid, pn.paid, d) });
      if (moved || N.cmp(po.carried, pn.carried) !== 0) changed = true;
      if (po.approval !== pn.approval) approvals.push({ pot: name, partner: id, old: N.toFixedText(po.paid, d), new: N.toFixedText(pn.paid, d), flagged: pn.approval ? 'newly' : 'no longer' });
    }
    const tiers: PartnerImpact['tiers'] = [];
    for (const t of tierNames) {
      const lo = o?.tiers[t];
      const ln = n?.tiers[t];
      if (lo === undefined || ln === undefined || lo === ln) continue;
      tiers.push({ tier: t, old: lo, new: ln });
      const key = `${t}\u0000${lo}\u0000${ln}`;
      const m = moves.get(key) ?? { tier: t, from: lo, to: ln, partners: [] };
      m.partners.push(id);
      moves.set(key, m);
    }
    if (tiers.length) changed = true;
    // Rule totals per rule and pot, each side.
    const totals = (p: PartnerResult | undefined) => {
      const m = new Map<string, Num>();
      for (const aw of p?.awards ?? []) m.set(`${aw.rule}\u0000${aw.pot}`, N.add(m.get(`${aw.rule}\u0000${aw.pot}`) ?? N.ZERO, aw.amount));
      return m;
    };
    const ro = totals(o);
    const rn = totals(n);
    const rules: PartnerImpact['rules'] = [];
    for (const key of new Set([...ro.keys(), ...rn.keys()])) {
      const [rule, pot] = key.split('\u0000') as [string, string];
      const a = ro.get(key) ?? N.ZERO;
      const b = rn.get(key) ?? N.ZERO;
      if (N.cmp(a, b) === 0) continue;
      const d = digitsOf(pot);
      rules.push({ rule, pot, old: N.toFixedText(a, d), new: N.toFixedText(b, d) });
    }
    const fired = (m: Map<string, Num>) => new Set([...m].filter(([, v]) => !N.isZero(v)).map(([k]) => k.split('\u0000')[0]!));
    const fo = fired(ro);
    const fn = fired(rn);
    for (const r of fn) if (!fo.has(r)) newly.set(r, [...(newly.get(r) ?? []), id]);
    for (const r of fo) if (!fn.has(r)) stopped.set(r, [...(stopped.get(r) ?? []), id]);
    if (!changed) continue;
    movers.push({ partner: id, cost: delta(partnerCost(oa, o, oValues), partnerCost(na, n, nValues), digits), pots: changedPots, tiers, rules });
  }
  const magnitude = (m: PartnerImpact) => m.pots.reduce((t, p) => N.add(t, N.abs(N.parseNum(p.paid.delta))), N.ZERO as Num);
  movers.sort((x, y) => N.cmp(N.abs(N.parseNum(y.cost.delta)), N.abs(N.parseNum(x.cost.delta))) || N.cmp(magnitude(y), magnitude(x)) || (x.partner < y.partner ? -1 : x.partner > y.partner ? 1 : 0));

  // Budgets and caps: how many partners each reduced, each side.
  const bindings: Binding[] = [];
  const count = (r: PeriodResult | undefined, pot: string, kinds: readonly string[]) => (r?.partners ?? []).filter((p) => p.pots[pot]?.adjustments.some((x) => kinds.includes(x.kind) && !N.isZero(x.amount))).length;
  for (const name of potNames) {
    const b = { what: 'budget' as const, name, old: count(or, name, ['budget']), new: count(nr, name, ['budget']) };
    if ((b.old > 0) !== (b.new > 0)) bindings.push(b);
    const c = { what: 'pot cap' as const, name, old: count(or, name, ['cap', 'yearly cap']), new: count(nr, name, ['cap', 'yearly cap']) };
    if (c.old !== c.new) bindings.push(c);
  }
  const ruleCaps = (r: PeriodResult | undefined) => {
    const m = new Map<string, number>();
    for (const p of r?.partners ?? []) for (const aw of p.awards) if (aw.trace.includes('→ rule cap ')) m.set(aw.rule, (m.get(aw.rule) ?? 0) + 1);
    return m;
  };
  const co = ruleCaps(or);
  const cn = ruleCaps(nr);
  for (const rule of new Set([...co.keys(), ...cn.keys()])) if ((co.get(rule) ?? 0) !== (cn.get(rule) ?? 0)) bindings.push({ what: 'rule cap', name: rule, old: co.get(rule) ?? 0, new: cn.get(rule) ?? 0 });

  const reach = (m: Map<string, string[]>) => [...m].map(([rule, partners]) => ({ rule, partners })).sort((x, y) => y.partners.length - x.partners.length || (x.rule < y.rule ? -1 : 1));
  return {
    period,
    in: or ? (nr ? 'both' : 'old') : 'new',
    cost: delta(or?.cost ?? N.ZERO, nr?.cost ?? N.ZERO, digits),
    partners: ids.length,
    affected: movers.length,
    pots,
    tierMoves: [...moves.values()].sort((x, y) => y.partners.length - x.partners.length || (x.tier < y.tier ? -1 : x.tier > y.tier ? 1 : 0)),
    movers,
    bindings,
    approvals,
    newlyFiring: reach(newly),
    stoppedFiring: reach(stopped),
  };
}
