/** Checks payout (pot) declarations (§8): the kind, its options, and the unit of every amount. */
import { error, warning } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import { PAYOUT_KINDS, type Expr, type PayoutDecl, type PayoutKind, type PayoutOption } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import type { PotInfo, PotUnit, Type } from './checked.js';
import { roundingMode } from './header.js';
import { srcOf } from './exprs.js';
import { DATE, ERROR, NUMBER, money } from './types.js';

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
  PotExpire: 'expire after',
  PotHold: 'hold',
  PotDraw: 'draw',
};

/** Kinds of pots that keep a balance in the program (§13.1): what they credit can expire or be redeemed. */
export const LEDGER_KINDS: readonly PayoutKind[] = ['points', 'credit', 'fund'];

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
      case 'PotExpire': {
        if (kind && !LEDGER_KINDS.includes(kind)) {
          ck.report(
            error('E0422', `\`expire after\` is only for pots that keep a balance (\`points\`, \`credit\`, \`fund\`), but \`${name}\` is a \`${kind}\` pot`, o.span, 'remove it: what this pot pays leaves the program, so nothing stays to expire'),
          );
          break;
        }
        const c = o.count;
        if (!c) break;
        if (!/^\d+$/.test(c.value) || c.percent || !(Number(c.value) >= 1) || Number(c.value) > 1200) {
          ck.report(error('E0445', `\`expire after ${c.text} ${o.unit}\` needs a whole number above zero (at most 1200)`, c.span, `write a whole number, e.g. \`expire after 12 ${o.unit}\``));
          break;
        }
        pot.expire = { count: Number(c.value), unit: o.unit };
        break;
      }
      case 'PotDraw':
        checkDraw(ck, pot, o);
        break;
      case 'PotHold': {
        const c = o.count;
        if (!c) break;
        const most = o.unit === 'days' ? 36_600 : 1200;
        if (!/^\d+$/.test(c.value) || c.percent || !(Number(c.value) >= 1) || Number(c.value) > most) {
          ck.report(error('E0454', `\`hold ${c.text} ${o.unit}\` needs a whole number above zero (at most ${most.toLocaleString('en-US')})`, c.span, `write a whole number, e.g. \`hold 30 days\``));
          break;
        }
        pot.hold = { count: Number(c.value), unit: o.unit };
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

/**
 * `draw AMOUNT per period recoverable|non-recoverable [for N periods from DATE] [where COND]`
 * (§13.3): on a money pot (E0422); AMOUNT money, a partner-level value (a partner's own draw may
 * be `partner.draw`), above zero when constant (E0424); N a whole number of periods (E0455); DATE
 * a partner-level date; COND a partner-level condition.
 */
function checkDraw(ck: CheckContext, pot: PotInfo, o: Extract<PayoutOption, { kind: 'PotDraw' }>): void {
  const name = pot.name;
  if (pot.kind && pot.unit !== 'money') {
    ck.report(error('E0422', `\`draw\` is only for money pots, but \`${name}\` is a \`${pot.kind}\` pot`, o.span, 'remove it: a draw tops up a payment of money'));
    return;
  }
  const scope = ck.noEvent(`the draw of pot \`${name}\``);
  let ok = true;
  if (o.amount) {
    const t = ck.x.check(o.amount, scope);
    if (checkPotAmount(ck, pot, o.amount, t, `the draw of pot \`${name}\``)) {
      const c = ck.x.constant(o.amount);
      if (c?.kind === 'num' && !c.value.gt(0)) {
        ck.report(error('E0424', `the draw of pot \`${name}\` must be above zero`, o.amount.span, `write a positive amount, e.g. \`2_000 ${ck.currency || 'EUR'}\``));
        ok = false;
      }
    } else ok = false;
  }
  const w = o.window;
  if (w?.count) {
    const c = w.count;
    if (!/^\d+$/.test(c.value) || c.percent || !(Number(c.value) >= 1) || Number(c.value) > 1200) {
      ck.report(error('E0455', `\`draw … for ${c.text} periods\` needs a whole number of periods above zero (at most 1200)`, c.span, 'write a whole number, e.g. `for 6 periods from partner.hired`'));
      ok = false;
    }
  }
  if (w?.from) {
    const t = ck.x.check(w.from, scope);
    if (!ck.x.expectType(w.from, t, DATE, `the start of the draw of pot \`${name}\``)) ok = false;
  }
  if (o.where) {
    const t = ck.x.check(o.where, scope);
    ck.x.expectBoolean(o.where, t, '`where`');
    if (t.kind !== 'boolean') ok = false;
  }
  if (ok && o.amount) pot.draw = { amount: o.amount, recoverable: o.recoverable, ...(w?.count && w.from ? { window: { count: Number(w.count.value), from: w.from } } : {}), ...(o.where ? { where: o.where } : {}) };
}
