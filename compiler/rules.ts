/** Checks rules (§9): one scope, awards to known pots in the pot's unit, caps, `once`, rankings. */
import { error } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import type { Award, NameRef, Once, Redeem, RuleCap, RuleDecl, Scope } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import type { RuleInfo } from './checked.js';
import type { ExprScope } from './exprs.js';
import { checkPotAmount, LEDGER_KINDS } from './payouts.js';
import { describe, isOrdered, tickList } from './types.js';
import { ruleNeverHolds } from './warnings.js';

export function checkRule(ck: CheckContext, d: RuleDecl): void {
  const name = d.name?.value ?? '';
  const nameSpan = d.name?.span ?? d.span;
  const clauses = (d.clauses ?? []).filter((c) => !!c);
  const scopes = clauses.filter((c): c is Scope => c.kind === 'ForEachEvent' || c.kind === 'ForEachPartner' || c.kind === 'ForTop' || c.kind === 'ForRandom');
  const awards = clauses.filter((c): c is Award => c.kind === 'Award');
  const caps = clauses.filter((c): c is RuleCap => c.kind === 'RuleCap');
  const onces = clauses.filter((c): c is Once => c.kind === 'Once');
  const redeems = clauses.filter((c): c is Redeem => c.kind === 'Redeem');
  const info: RuleInfo = { name, decl: d, awards, ...(redeems[0] ? { redeem: redeems[0] } : {}) };
  ck.out.rules.push(info);

  if (scopes.length === 0) {
    ck.report(error('E0426', `rule "${name}" has no scope`, nameSpan, 'say whom it awards: `for each EVENT`, `for each partner` or `for top N partners by EXPR`'));
  }
  for (const extra of scopes.slice(1)) {
    ck.report(error('E0426', `rule "${name}" has more than one scope`, extra.span, 'a rule has one `for …` clause: split it into two rules', [{ span: scopes[0]!.span, message: 'the first scope' }]));
  }
  if (awards.length === 0 && redeems.length === 0) ck.report(error('E0427', `rule "${name}" awards nothing`, nameSpan, 'add `award AMOUNT to POT`'));
  for (const [list, word] of [
    [caps, 'cap'],
    [onces, 'once per partner'],
  ] as const) {
    for (const extra of list.slice(1)) {
      ck.report(error('E0432', `rule "${name}" has more than one \`${word}\``, extra.span, 'keep one', [{ span: list[0]!.span, message: 'the first one' }]));
    }
  }
  const scopeClause = scopes[0];
  if (scopeClause) info.scope = scopeClause;
  if (caps[0]) info.cap = caps[0];
  if (onces[0]) info.once = onces[0];

  // The scope, and what is in scope for the rule's expressions.
  let inner: ExprScope = ck.noEvent(
    `rule "${name}"`,
    'this rule runs once per partner: aggregate the events in a measure (`measure total = sum sale.amount`), or write the rule `for each EVENT`',
  );
  if (scopes.length === 0) inner = { ...inner, noScope: true };
  const partnerScope = inner;
  if (scopeClause?.kind === 'ForEachEvent' && scopeClause.event) {
    const ev = scopeClause.event.name;
    if (ck.events.has(ev)) {
      ck.markUsed(ev);
      inner = { event: ev, place: `rule "${name}"`, noEventHint: '', running: true };
    } else ck.unknownEvent(scopeClause.event);
  }
  if (scopeClause?.kind === 'ForTop') {
    const c = scopeClause.count;
    if (c && (!/^\d+$/.test(c.value) || Number(c.value) < 1 || c.percent)) {
      ck.report(error('E0431', `\`for top ${c.text}\` needs a whole number of partners above zero`, c.span, 'write e.g. `for top 10 partners by revenue`'));
    }
    for (const k of [scopeClause.by, ...(scopeClause.thenBy ?? [])]) {
      if (!k) continue;
      const t = ck.x.check(k, partnerScope);
      if (!isOrdered(t)) {
        ck.report(error('E0311', `partners cannot be ranked by ${describe(t)}: it has no order`, k.span, 'rank by a number, money, a date or a tier, e.g. `by revenue`'));
      }
    }
  }
  if (scopeClause?.kind === 'ForRandom') checkRandom(ck, scopeClause, partnerScope);
  const where = scopeClause && 'where' in scopeClause ? scopeClause.where : undefined;
  if (where) {
    const t = ck.x.check(where, inner);
    ck.x.expectBoolean(where, t, '`where`');
    ruleNeverHolds(ck, where);
  }

  // Awards.
  for (const a of awards) {
    const t = ck.x.check(a.amount, inner);
    if (!a.pot) continue;
    const pot = ck.out.pots.get(a.pot.name);
    if (!pot) {
      const guess = suggest(a.pot.name, ck.out.pots.keys());
      const known = [...ck.out.pots.keys()];
      const dk = ck.declKind(a.pot.name);
      ck.report(
        error(
          'E0209',
          dk ? `\`${a.pot.name}\` is a ${dk}, not a payout` : `there is no payout \`${a.pot.name}\``,
          a.pot.span,
          guess ? `did you mean \`${guess}\`?` : known.length ? `the payouts are ${tickList(known)}` : `declare it: \`payout ${a.pot.name} as cash\``,
        ),
      );
      continue;
    }
    ck.markUsed(pot.name);
    checkPotAmount(ck, pot, a.amount, t);
  }

  if (redeems.length) checkRedeem(ck, info, redeems, [...awards, ...caps, ...onces], scopeClause, inner);

  // cap X [per event]
  const cap = caps[0];
  if (cap) {
    if (cap.perEvent && scopeClause && scopeClause.kind !== 'ForEachEvent') {
      ck.report(error('E0429', '`cap … per event` needs a rule `for each EVENT`', cap.span, 'remove `per event`: this rule awards once per partner, so its cap is per partner'));
    }
    if (awards.length > 1) {
      ck.report(
        error(
          'E0428',
          `rule "${name}" has a \`cap\` and ${awards.length} awards`,
          cap.span,
          'a capped rule has exactly one `award`: split the rule so each award has its own cap',
          awards.map((a) => ({ span: a.span, message: 'an award' })),
        ),
      );
    }
    const t = ck.x.check(cap.amount, cap.perEvent ? inner : partnerScope);
    const pot = awards.length === 1 && awards[0]!.pot ? ck.out.pots.get(awards[0]!.pot.name) : undefined;
    if (pot && cap.amount) {
      if (checkPotAmount(ck, pot, cap.amount, t, `the cap of rule "${name}" (on pot \`${pot.name}\`)`)) {
        const c = ck.x.constant(cap.amount);
        if (c?.kind === 'num' && !c.value.gt(0)) ck.report(error('E0424', `the cap of rule "${name}" must be above zero`, cap.amount.span, 'write a positive amount'));
      }
    }
  }

  const once = onces[0];
  if (once && scopeClause?.kind === 'ForTop') {
    ck.report(error('E0430', '`once per partner` does not go with `for top`', once.span, 'a ranking awards the top partners of each period; remove `once per partner`, or use `for each partner`'));
  } else if (once && scopeClause?.kind === 'ForRandom') {
    ck.report(error('E0430', '`once per partner` does not go with `for random`', once.span, 'a draw awards its winners of each period; remove `once per partner`, or give past winners no entries with `weighted by`'));
  } else if (once?.key) onceKey(ck, info, once, scopeClause, inner);
}

/**
 * `once per partner and FIELD` (§12.2): only for each event (E0439); FIELD a field of the rule's
 * event kind or an event-level let of that kind, whose values are told apart by `=`.
 */
function onceKey(ck: CheckContext, info: RuleInfo, once: Once, scope: Scope | undefined, inner: ExprScope): void {
  const key = once.key!;
  if (scope && scope.kind !== 'ForEachEvent') {
    ck.report(
      error('E0439', '`once per partner and …` needs a rule `for each EVENT`', key.span, 'it keeps the first event per partner and value of one of its fields; a rule for each partner awards once per partner: write `once per partner`'),
    );
    return;
  }
  if (!inner.event) return; // no (known) event kind: reported already
  const ref: NameRef = { kind: 'Name', name: key.name, span: key.span };
  const fieldOrLet = ck.events.get(inner.event)?.fields.has(key.name) || ck.out.lets.get(key.name)?.event === inner.event;
  if (!fieldOrLet) {
    const fields = [...(ck.events.get(inner.event)?.fields.keys() ?? [])];
    const guess = suggest(key.name, fields);
    ck.report(error('E0206', `event \`${inner.event}\` has no field \`${key.name}\``, key.span, guess ? `did you mean \`${guess}\`?` : `its fields are ${tickList(fields)}`));
    return;
  }
  const t = ck.x.check(ref, inner);
  if (t.kind !== 'error') info.onceKey = ref;
}

/**
 * `redeem EXPR from POT` (§13.1): in a rule `for each EVENT` (E0446) that does nothing else — no
 * award, cap or `once`, one `redeem` (E0447) — from a pot that keeps a balance (E0449), in the
 * pot's unit (E0319). The pot then keeps lots.
 */
function checkRedeem(ck: CheckContext, info: RuleInfo, redeems: Redeem[], others: { span: Redeem['span']; kind: string }[], scope: Scope | undefined, inner: ExprScope): void {
  const name = info.name;
  const first = redeems[0]!;
  if (scope && scope.kind !== 'ForEachEvent') {
    ck.report(error('E0446', `\`redeem\` needs a rule \`for each EVENT\`, but rule "${name}" is ${scope.kind === 'ForTop' ? 'a ranking' : scope.kind === 'ForRandom' ? 'a random draw' : 'for each partner'}`, first.span, 'redeem for each record of a redemption: `for each redemption`'));
  }
  for (const extra of [...redeems.slice(1), ...others]) {
    const what = extra.kind === 'Redeem' ? 'a second `redeem`' : extra.kind === 'Award' ? 'an `award`' : extra.kind === 'RuleCap' ? 'a `cap`' : '`once per partner`';
    ck.report(error('E0447', `rule "${name}" redeems, and has ${what} too`, extra.span, 'a rule that redeems has its scope, an optional `where` and one `redeem`: put awards in a rule of their own', [{ span: first.span, message: 'the redemption' }]));
  }
  const t = ck.x.check(first.amount, inner);
  if (!first.pot) return;
  const pot = ck.out.pots.get(first.pot.name);
  if (!pot) {
    const guess = suggest(first.pot.name, ck.out.pots.keys());
    const dk = ck.declKind(first.pot.name);
    ck.report(error('E0209', dk ? `\`${first.pot.name}\` is a ${dk}, not a payout` : `there is no payout \`${first.pot.name}\``, first.pot.span, guess ? `did you mean \`${guess}\`?` : `declare it: \`payout ${first.pot.name} as points\``));
    return;
  }
  ck.markUsed(pot.name);
  if (pot.kind && !LEDGER_KINDS.includes(pot.kind)) {
    ck.report(error('E0449', `\`${pot.name}\` is a \`${pot.kind}\` pot: what it pays leaves the program, so nothing stays to redeem`, first.pot.span, 'redeem from a `points`, `credit` or `fund` pot'));
    return;
  }
  if (checkPotAmount(ck, pot, first.amount, t, `the redemption from pot \`${pot.name}\``)) pot.redeemed = true;
}

/**
 * `for random N partners [weighted by EXPR] seed "TEXT"` (§13.5): N a whole number above zero
 * (E0456); the weight a partner-level number (whole and not below zero: checked per partner when
 * the rule runs).
 */
function checkRandom(ck: CheckContext, s: Extract<Scope, { kind: 'ForRandom' }>, partnerScope: ExprScope): void {
  const c = s.count;
  if (c && (!/^\d+$/.test(c.value) || Number(c.value) < 1 || c.percent)) {
    ck.report(error('E0456', `\`for random ${c.text}\` needs a whole number of partners above zero`, c.span, 'write e.g. `for random 3 partners seed "Summer 2026"`'));
  }
  if (s.weight) {
    const t = ck.x.check(s.weight, partnerScope);
    if (t.kind !== 'error' && t.kind !== 'number') {
      ck.report(error('E0320', `the weight of a draw must be a number of entries, but this is ${describe(t)}`, s.weight.span, 'weigh by a whole number, e.g. `weighted by floor(revenue / 100 EUR)`'));
    }
  }
}
