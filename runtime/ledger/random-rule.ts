/**
 * A rule `for random N partners …` (§13.5) in one period: its entrants and their weights, the
 * winners (`sweepstakes.ts`), and each winner's award — like `for top`, a partner-level rule whose
 * winners are awarded once per period.
 */
import { compileIR, EvalError, type Ctx, type Fn, type PartnerEnv } from '../compile-ir.js';
import { wrapEvalError } from '../errors.js';
import * as N from '../num.js';
import type { Num } from '../num.js';
import { newRuleAcc, type RuleAcc } from '../pass1.js';
import type { CompiledRule, Plan } from '../plan.js';
import { drawWinners, type Entrant, type Winner } from './sweepstakes.js';
import type { RunState } from '../run-state.js';

/** What a draw did in a period: for statements (`draws`), traces and "why not". */
export interface DrawOutcome {
  rule: string;
  period: string;
  seed: string;
  /** How many winners the rule draws (N). */
  n: number;
  /** The entrants (weight above zero), in id order. */
  entrants: Entrant[];
  /** The partners whose `where` held, with a weight of zero. */
  zero: Set<string>;
  winners: Winner[];
}

const weights = new WeakMap<CompiledRule, Fn>();

/** The winners' awards (`accs`, by partner), and what the draw did. */
export function randomPartners(plan: Plan, rule: CompiledRule, envs: Iterable<PartnerEnv>, period: string, accs: Map<string, RuleAcc>): DrawOutcome {
  const spec = rule.spec;
  const scope = spec.scope as Extract<typeof spec.scope, { kind: 'random' }>;
  let weight = weights.get(rule);
  if (!weight && scope.weight) weights.set(rule, (weight = compileIR(scope.weight, plan.compileEnv)));
  const entrants: Entrant[] = [];
  const zero = new Set<string>();
  const byId = new Map<string, PartnerEnv>();
  for (const env of envs) {
    const ctx: Ctx = { p: env };
    try {
      if (rule.where && !rule.where(ctx)) continue;
      let w = 1n;
      if (weight) {
        const v = weight(ctx) as Num;
        const text = N.toText(v);
        if (!/^\d+$/.test(text)) throw new EvalError('R0006', `the weight \`${scope.weight!.src ?? 'of the draw'}\` is ${text}, but a draw's weight is a whole number of entries, at least zero`);
        w = BigInt(text);
      }
      if (w === 0n) zero.add(env.id);
      else {
        entrants.push({ id: env.id, weight: w });
        byId.set(env.id, env);
      }
    } catch (e) {
      throw wrapEvalError(e, spec.name, `partner ${JSON.stringify(env.id)}`);
    }
  }
  entrants.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const winners = drawWinners(entrants, scope.n, scope.seed, period, spec.name);
  winners.forEach((w, k) => {
    const env = byId.get(w.id)!;
    const acc = newRuleAcc(rule);
    try {
      rule.awards.forEach((aw, ai) => acc.sums[ai]!.add(aw.amount({ p: env }) as Num));
    } catch (e) {
      throw wrapEvalError(e, spec.name, `partner ${JSON.stringify(env.id)}`);
    }
    acc.rank = k + 1;
    acc.qualifying = entrants.length;
    acc.eventCount = 1;
    accs.set(w.id, acc);
  });
  return { rule: spec.name, period, seed: scope.seed, n: scope.n, entrants, zero, winners };
}

/** Why a partner whose `where` held was not drawn. */
export function notDrawnText(o: DrawOutcome | undefined, partner: string): string {
  if (!o) return 'not drawn';
  if (o.zero.has(partner)) return 'no entries: its weight is 0';
  const mine = o.entrants.find((e) => e.id === partner);
  const tickets = o.entrants.reduce((s, e) => s + e.weight, 0n);
  return `not drawn: ${o.winners.length} winner${o.winners.length === 1 ? '' : 's'} drawn from ${tickets} tickets of ${o.entrants.length} entrants; it held ${mine?.weight ?? 0n} (seed ${JSON.stringify(o.seed)})`;
}

/** A `for random` rule's awards in a period, as `finish.ts` asks them: the winners' accumulators; what it drew goes to `state.drawn`. */
export function randomAwards(plan: Plan, rule: CompiledRule, envs: readonly PartnerEnv[], state: RunState, period: string): Map<string, RuleAcc> {
  const accs = new Map<string, RuleAcc>();
  state.drawn[rule.index] = randomPartners(plan, rule, envs, period, accs);
  return accs;
}
