/**
 * The awards of a pot whose budget is served first come first served (§12.5), in the form
 * `applyFirstCome` (settle.ts) orders and serves: each event's award (a rule that awards to such a
 * pot keeps every event's amounts: this is what a first-come budget keeps per event award), and
 * each partner-level award, dated the period's last day.
 */
import * as N from './num.js';
import type { Num } from './num.js';
import type { RuleAcc } from './pass1.js';
import type { CompiledRule } from './plan.js';
import type { OrderedAward } from './settle.js';

/** A rule's awards in a period, as `finish.ts` keeps them: the partners awarded (by place, in order), each one's accumulator and award sums. */
export interface RuleAwards {
  order: readonly number[];
  acc(i: number): RuleAcc | undefined;
  sum(i: number, ai: number): Num;
}

/** One award to a pot: an event's (`event` set), or a rule's for a partner over the period. */
export interface PotAward {
  partner: string;
  rule: CompiledRule;
  amount: Num;
  event?: { kind: string; id: string; date: string; refs?: string[] };
}

/**
 * Every award of the period to pot `pot`, rule by rule in the order given, partner by partner in
 * each rule's order: an event-level rule's each event (the sum of its awards to the pot), a
 * partner-level rule's sum. What first-come budgets (§12.5) and holds (§13.2) both walk.
 */
export function forEachAwardToPot(rules: readonly CompiledRule[], awarded: readonly RuleAwards[], partnerId: (i: number) => string, pot: number, visit: (a: PotAward) => void): void {
  for (const rule of rules) {
    const ais = rule.potIndex.flatMap((p, ai) => (p === pot ? [ai] : []));
    if (ais.length === 0) continue;
    const scope = rule.spec.scope;
    const r = awarded[rule.index]!;
    for (const i of r.order) {
      const partner = partnerId(i);
      if (scope.kind === 'each-event') {
        for (const e of r.acc(i)?.all ?? [])
          visit({ partner, rule, amount: ais.reduce((s, ai) => N.add(s, e.amounts[ai]!), N.ZERO as Num), event: { kind: scope.event, id: e.id, date: e.date, ...(e.refs ? { refs: e.refs } : {}) } });
      } else visit({ partner, rule, amount: ais.reduce((s, ai) => N.add(s, r.sum(i, ai)), N.ZERO as Num) });
    }
  }
}

export function awardsToPot(rules: readonly CompiledRule[], awarded: readonly RuleAwards[], partnerId: (i: number) => string, pot: number, lastDay: string): OrderedAward[] {
  const out: OrderedAward[] = [];
  forEachAwardToPot(rules, awarded, partnerId, pot, ({ partner, rule, amount, event: e }) =>
    out.push(
      e
        ? { partner, group: 0, date: e.date, id: e.id, kind: e.kind, rule: rule.index, amount, label: `${e.kind} ${e.id} (${e.date})` }
        : { partner, group: 1, date: lastDay, id: '', kind: '', rule: rule.index, amount, label: `rule ${JSON.stringify(rule.spec.name)}` },
    ),
  );
  return out;
}
