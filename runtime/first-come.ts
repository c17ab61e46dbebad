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

export function awardsToPot(rules: readonly CompiledRule[], awarded: readonly RuleAwards[], partnerId: (i: number) => string, pot: number, lastDay: string): OrderedAward[] {
  const out: OrderedAward[] = [];
  for (const rule of rules) {
    const ais = rule.potIndex.flatMap((p, ai) => (p === pot ? [ai] : []));
    if (ais.length === 0) continue;
    const scope = rule.spec.scope;
    const r = awarded[rule.index]!;
    for (const i of r.order) {
      const pid = partnerId(i);
      if (scope.kind === 'each-event') {
        for (const e of r.acc(i)?.all ?? []) {
          const amount = ais.reduce((s, ai) => N.add(s, e.amounts[ai]!), N.ZERO as Num);
          out.push({ partner: pid, group: 0, date: e.date, id: e.id, kind: scope.event, rule: rule.index, amount, label: `${scope.event} ${e.id} (${e.date})` });
        }
      } else {
        const amount = ais.reduce((s, ai) => N.add(s, r.sum(i, ai)), N.ZERO as Num);
        out.push({ partner: pid, group: 1, date: lastDay, id: '', kind: '', rule: rule.index, amount, label: `rule ${JSON.stringify(rule.spec.name)}` });
      }
    }
  }
  return out;
}
