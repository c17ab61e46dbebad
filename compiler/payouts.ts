/** Checks payout (pot) declarations (§8): the kind, its options, and the unit of every amount. */
import { error, warning } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import { PAYOUT_KINDS, type Expr, type PayoutDecl, type PayoutKind, type PayoutOption } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import type { PotInfo, PotUnit, Type } from './checked.js';
import { roundingMode } from './header.js';
import { srcOf } from './exprs.js';
import { ERROR, NUMBER, money } from './types.js';

export function potUnit(kind: PayoutKind): PotUnit {
  return kind === 'points' ? 'points' : kind === 'item' ? 'items' : 'money';
}

/** The type of a pot's amounts: money for money pots, a number of points or items otherwise. */
export function potType(ck: CheckContext, pot: PotInfo): Type {
  if (!pot.kind) return ERROR;
  return pot.unit === 'money' ? money(ck.currency) : NUMBER;
}

const OPTION_WORDS: Record<PayoutOption['kind'], string> = {
  PotRounding: 'rounding',
  PotCap: 'cap',
  PotBudget: 'budget',
  PotMinimum: 'minimum',
  PotDenominations: 'denominations',
  PotApproval: 'approval above',
  PotValue: 'value',
};

/**
 * Reports an amount whose unit does not match the pot's: `the pot \`points\` takes a number of
 * points, but this is money (EUR)`. Used for pot options, awards and rule caps.
 */
export function checkPotAmount(ck: CheckContext, pot: PotInfo, e: Expr | undefined, t: Type, what?: string): boolean {
  if (!e || !pot.kind || t.kind === 'error') return true;
  const cur = ck.currency || (t.kind === 'money' ? t.currency : 'EUR');
  const head = (unitDesc: string) => (what ? `${what} must be ${unitDesc}` : `the pot \`${pot.name}\` takes ${unitDesc}`);
  if (pot.unit === 'money') {
    if (t.kind === 'money') return true;
    const hint =
      t.kind === 'number'
        ? e.kind === 'Number' && !e.percent
          ? `write it with the currency: \`${e.text} ${cur}\``
          : `multiply it by \`1 ${cur}\` to make it money`
        : `give an amount of money, e.g. \`100 ${cur}\``;
    ck.report(error('E0319', `${head(`money (${cur})`)}, but this is ${describeUnit(t)}`, e.span, hint));
    return false;
  }
  if (t.kind === 'number') return true;
  const unitWord = pot.unit === 'points' ? 'a number of points' : 'a number of items';
  const hint = t.kind === 'money' ? `divide it by \`1 ${t.currency}\` to make it a number, e.g. \`floor(amount / 1 ${t.currency})\`` : `give ${unitWord}, e.g. \`100\``;
  ck.report(error('E0319', `${head(unitWord)}, but this is ${describeUnit(t)}`, e.span, hint));
  return false;
}

function describeUnit(t: Type): string {
  switch (t.kind) {
    case 'money':
      return `money (${t.currency})`;
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a condition';
    case 'tier':
      return `a level of tier \`${t.tier}\``;
    case 'enum':
    case 'text':
      return 'text';
    case 'date':
      return 'a date';
    default:
      return 'an invalid value';
  }
}

export function checkPot(ck: CheckContext, d: PayoutDecl): void {
  if (!d.name) return;
  const name = d.name.name;
  if (ck.top.get(name)?.decl !== d) return;
  const kindWord = d.payoutKind?.name;
  let kind: PayoutKind | undefined;
  if (kindWord !== undefined) {
    if ((PAYOUT_KINDS as readonly string[]).includes(kindWord)) kind = kindWord as PayoutKind;
    else {
      const guess = suggest(kindWord, PAYOUT_KINDS);
      ck.report(
        error('E0421', `\`${kindWord}\` is not a kind of payout`, d.payoutKind.span, guess ? `did you mean \`${guess}\`?` : `the kinds are ${PAYOUT_KINDS.map((k) => `\`${k}\``).join(', ')}`),
      );
    }
  }
  const unit: PotUnit = kind ? potUnit(kind) : 'money';
  const pot: PotInfo = { name, decl: d, ...(kind ? { kind } : {}), unit, rounding: unit === 'money' ? ck.out.header.rounding : 'down', budgetOrder: 'pro rata' };
  ck.out.pots.set(name, pot);
  const seen = new Map<string, PayoutOption>();
  const scope = ck.noEvent(`an option of pot \`${name}\``);
  const amount = (e: Expr | undefined, word: string, asMoney = false): Expr | undefined => {
    if (!e) return undefined;
    const t = ck.x.check(e, scope);
    const what = `the ${word}`;
    if (!ck.requireConstant(e, `${what} of pot \`${name}\``)) return e;
    if (asMoney) {
      if (!ck.x.expectType(e, t, money(ck.currency), `${what} of pot \`${name}\``)) return e;
    } else if (!checkPotAmount(ck, pot, e, t, `${what} of pot \`${name}\``)) return e;
    const c = ck.x.constant(e);
    if (c?.kind === 'num' && !c.value.gt(0)) {
      ck.report(error('E0424', `${what} of pot \`${name}\` must be above zero`, e.span, `write a positive amount, e.g. \`100${pot.unit === 'money' || asMoney ? ` ${ck.currency || 'EUR'}` : ''}\``));
    }
    return e;
  };
  for (const o of d.options ?? []) {
    if (!o) continue;
    const word = OPTION_WORDS[o.kind];
    const prev = seen.get(o.kind);
    if (prev) {
      ck.report(error('E0423', `pot \`${name}\` gives \`${word}\` twice`, o.span, 'keep one', [{ span: prev.span, message: 'first given here' }]));
      continue;
    }
    seen.set(o.kind, o);
    const only = (k: PayoutKind) => {
      if (!kind || kind === k) return true;
      ck.report(
        error(
          'E0422',
          `\`${word}\` is only for \`${k}\` pots, but \`${name}\` is a \`${kind}\` pot`,
          o.span,
          k === 'giftcard' ? 'remove it, or make the pot `as giftcard`' : 'remove it: only items have a nominal value (money pots count their amounts as cost)',
        ),
      );
      return false;
    };
    switch (o.kind) {
      case 'PotRounding': {
        const m = roundingMode(o.mode, ck.diags);
        if (m) pot.rounding = m;
        break;
      }
      case 'PotCap': {
        const e = amount(o.amount, 'cap');
        if (e) pot.cap = { amount: e, per: o.per ?? 'period' };
        break;
      }
      case 'PotBudget': {
        const e = amount(o.amount, 'budget');
        if (e) pot.budget = e;
        if (o.order) pot.budgetOrder = o.order;
        break;
      }
      case 'PotMinimum': {
        const e = amount(o.amount, 'minimum');
        if (e) pot.minimum = e;
        break;
      }
      case 'PotApproval': {
        const e = amount(o.amount, 'approval threshold');
        if (e) pot.approval = e;
        break;
      }
      case 'PotValue': {
        const ok = only('item');
        const e = amount(o.amount, 'value', true);
        if (e && ok) pot.value = e;
        break;
      }
      case 'PotDenominations': {
        const ok = only('giftcard');
        const values = (o.values ?? []).filter((v): v is Expr => !!v);
        const seenValues: { e: Expr; v: string }[] = [];
        for (const v of values) {
          amount(v, 'denomination', true);
          const c = ck.x.constant(v);
          if (c?.kind !== 'num') continue;
          const dup = seenValues.find((s) => c.value.eq(s.v));
          if (dup) {
            ck.report(error('E0424', `the denomination \`${srcOf(v)}\` is listed twice`, v.span, 'list each denomination once', [{ span: dup.e.span, message: 'first listed here' }]));
          } else seenValues.push({ e: v, v: c.value.toString() });
        }
        if (ok) pot.denominations = values;
        break;
      }
    }
  }
  if (kind === 'giftcard' && !pot.denominations) {
    ck.report(error('E0425', `giftcard pot \`${name}\` needs \`denominations\``, d.name.span, `say which cards it pays, e.g. \`payout ${name} as giftcard { denominations 25 ${ck.currency || 'EUR'}, 50 ${ck.currency || 'EUR'} }\``));
  }
  if (kind === 'item' && !pot.value) {
    ck.report(
      warning('W0004', `item pot \`${name}\` has no \`value\`: it counts as zero in the program's cost`, d.name.span, `give the nominal value of one item: \`payout ${name} as item { value 100 ${ck.currency || 'EUR'} }\``),
    );
  }
}
