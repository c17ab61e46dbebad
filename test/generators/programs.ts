/**
 * fast-check generators of random VALID Incent programs (they parse without errors and check without
 * errors — warnings such as "never used" are allowed), and a "messifier" that re-spaces the tokens
 * of a program and sprinkles comments between them.
 *
 * Everything is written against a small chooser (`Rand`) so that one builder serves both fast-check
 * (`fc.gen()`, which records every draw and shrinks them) and a plain seeded PRNG (`seeded`).
 *
 * The arbitraries:
 * - `exprArb(type, level)`: an expression of a type (`number`, `money`, `bool`) at a level
 *   (`program`, `partner`, `event`) in the standard environment (`STANDARD_ENV`);
 * - `declArb`: one declaration (let, measure, tier, payout, rule, test) in the standard environment;
 * - `programArb`: a whole program in canonical-ish spacing; `messyProgramArb`: the same, messified;
 * - `tokenSoupArb`: arbitrary sequences of Incent tokens (for "the parser never throws").
 */
import fc from 'fast-check';
import { KEYWORDS } from '../../language/tokens.js';

// ---------------------------------------------------------------------------------------------
// Choosers

export interface Rand {
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<X>(xs: readonly X[]): X;
  bool(pTrue?: number): boolean;
}

/** A chooser drawing from fast-check's generator (shrinkable). */
export function fromGen(g: fc.GeneratorValue): Rand {
  return {
    int: (lo, hi) => g(fc.integer, { min: lo, max: hi }),
    pick: (xs) => xs[g(fc.integer, { min: 0, max: xs.length - 1 })]!,
    bool: (p = 0.5) => g(fc.integer, { min: 0, max: 999 }) < p * 1000,
  };
}

/** A chooser from a seed (mulberry32), for benchmarks and reproducible examples. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    bool: (p = 0.5) => next() < p,
  };
}

// ---------------------------------------------------------------------------------------------
// The environment a generated expression may refer to

export type Ty = 'number' | 'money' | 'bool';
export type Level = 'program' | 'partner' | 'event';

export interface Env {
  currency: string;
  /** Whether the program declares `partner { kind, region, target }`. */
  partner: boolean;
  /** Partner-level names by type (measures, lets). */
  names: Record<'number' | 'money', string[]>;
  /** Money-typed measures (what tiers and bands are keyed by). */
  moneyMeasures: string[];
  /** Tiers and their levels, lowest first. */
  tiers: { name: string; levels: string[] }[];
  /** Event-level lets of `sale` by type (§12.2). */
  eventLets?: Record<'number' | 'money', string[]>;
}

export const STANDARD_ENV: Env = {
  currency: 'EUR',
  partner: true,
  names: { number: ['units', 'orders'], money: ['revenue', 'hardware_revenue'] },
  moneyMeasures: ['revenue', 'hardware_revenue'],
  tiers: [{ name: 'status', levels: ['Member', 'Silver', 'Gold'] }],
};

/** The declarations that `STANDARD_ENV` describes (a prefix for programs using `exprArb` / `declArb`). */
export function standardPrelude(env: Env = STANDARD_ENV): string {
  return [
    `program "Generated" {\n  currency ${env.currency}\n  period quarter\n  start 2026-01-01\n}`,
    PARTNER_DECL,
    SALE_DECL,
    `measure revenue = sum sale.amount`,
    `measure hardware_revenue = sum sale.amount where category = "hardware"`,
    `measure units = sum sale.quantity`,
    `measure orders = count sale`,
    `tier status by revenue {\n  Member\n  Silver from 1_000 ${env.currency}\n  Gold from 10_000 ${env.currency}\n}`,
  ].join('\n\n');
}

const PARTNER_DECL = 'partner {\n  kind: one of "distributor", "reseller"\n  region: one of "EMEA", "AMER", "APAC"\n  target: money\n}';
const SALE_DECL = 'event sale {\n  sku: text\n  category: one of "hardware", "software", "services"\n  amount: money\n  quantity: integer\n}';
const TRAINING_DECL = 'event training {\n  course: text\n  hours: decimal\n}';
const RET_DECL = 'event ret {\n  sale: ref sale\n}';
const CATEGORIES = ['hardware', 'software', 'services'];
const KINDS = ['distributor', 'reseller'];
const REGIONS = ['EMEA', 'AMER', 'APAC'];
const SKUS = ['NW-RTR-9', 'SKU007', 'A "quoted" sku', 'back\\slash', 'ünïcødé'];

// ---------------------------------------------------------------------------------------------
// Expressions: each builder returns source text and its precedence (as in the parser).

interface Ex {
  text: string;
  prec: number;
}

const P = { or: 1, and: 2, not: 3, cmp: 4, add: 5, mul: 6, neg: 7, primary: 8 };

function wrap(r: Rand, e: Ex, min: number): string {
  return e.prec < min || r.bool(0.08) ? `(${e.text})` : e.text;
}

function quoteStr(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function numberText(r: Rand, opts: { integer?: boolean; positive?: boolean } = {}): string {
  const n = r.int(opts.positive ? 1 : 0, r.bool(0.2) ? 2_000_000 : 500);
  let text = String(n);
  if (n >= 1000 && r.bool(0.6)) text = text.replace(/\B(?=(\d{3})+$)/g, '_');
  if (!opts.integer && r.bool(0.3)) text += `.${r.pick(['5', '25', '05', '125', '0'])}`;
  return text;
}

function moneyText(r: Rand, env: Env, positive = false): string {
  return `${numberText(r, { positive, integer: env.currency === 'JPY' })} ${env.currency}`;
}

function percentText(r: Rand): string {
  return `${r.int(0, 40)}${r.bool(0.3) ? '.5' : ''}%`;
}

export interface Scope {
  env: Env;
  level: Level;
  /** Inside `for each sale` / a measure over `sale`: bare field names are allowed. */
  event?: 'sale';
  /** In a `for each sale` rule's clauses: running totals are allowed (§12.2). */
  rule?: boolean;
}

function leaf(r: Rand, ty: Ty, s: Scope): Ex {
  const { env } = s;
  const prim = (text: string): Ex => ({ text, prec: P.primary });
  const choices: (() => Ex)[] = [];
  const ev = s.level === 'event' ? s.event : undefined;
  const field = (f: string) => (ev && r.bool() ? f : `sale.${f}`);
  // v0.2: event-level lets (bare or as `sale.NAME`), previous values, values at the event's date,
  // running totals in a rule's clauses.
  const eventLet = (t: 'number' | 'money') => (ev && env.eventLets?.[t].length ? [() => prim(field(r.pick(env.eventLets![t])))] : []);
  const previous = (t: 'number' | 'money') => (s.level !== 'program' && env.names[t].length ? [() => prim(`previous ${r.pick(env.names[t])}`)] : []);
  const at = (t: 'number' | 'money') => (ev && env.names[t].length ? [() => prim(`${r.pick(env.names[t])} at ${field('date')}`)] : []);
  switch (ty) {
    case 'number':
      choices.push(() => prim(numberText(r)), () => prim(percentText(r)));
      if (s.level !== 'program' && env.names.number.length) choices.push(() => prim(r.pick(env.names.number)));
      if (ev) choices.push(() => prim(field('quantity')));
      choices.push(...eventLet('number'), ...previous('number'), ...at('number'));
      if (ev && s.rule) choices.push(() => prim(`(running count${r.bool() ? ` where ${field('category')} = ${quoteStr(r.pick(CATEGORIES))}` : ''}${r.bool() ? ` over ${r.pick(['year to date', 'last 2 months', 'this period'])}` : ''})`));
      // §12.4: days between two dates (its second date would take what follows: an operand gets parentheses)
      if (s.level !== 'program') choices.push(() => ({ text: `days between ${ev ? field('date') : 'period.start'} and period.end`, prec: 0 }));
      break;
    case 'money':
      choices.push(() => prim(moneyText(r, env)));
      if (s.level !== 'program' && env.names.money.length) choices.push(() => prim(r.pick(env.names.money)));
      if (s.level !== 'program' && env.partner) choices.push(() => prim('partner.target'));
      if (ev) choices.push(() => prim(field('amount')));
      choices.push(...eventLet('money'), ...previous('money'), ...at('money'));
      if (ev && s.rule) choices.push(() => prim(`running sum ${field('amount')}${r.bool() ? ` over ${r.pick(['year to date', 'last 2 months', 'program to date'])}` : ''}`));
      break;
    case 'bool':
      choices.push(() => prim(r.pick(['true', 'false'])));
      if (ev) {
        choices.push(() => ({ text: `${field('category')} = ${quoteStr(r.pick(CATEGORIES))}`, prec: P.cmp }));
        choices.push(() => ({ text: `${field('sku')} != ${quoteStr(r.pick(SKUS))}`, prec: P.cmp }));
        choices.push(() => ({ text: `${field('category')} in [${quoteStr(r.pick(CATEGORIES))}, ${quoteStr(r.pick(CATEGORIES))}]`, prec: P.cmp }));
        choices.push(() => ({ text: `${field('date')} in 2026-01-01..2026-0${r.int(1, 9)}-2${r.int(0, 8)}`, prec: P.cmp }));
        // §12.4: dates moved by days and months, compared with the period's bounds
        choices.push(() => ({ text: `${field('date')} + ${r.int(0, 90)} ${r.pick(['days', 'day'])} <= period.end`, prec: P.cmp }));
        choices.push(() => ({ text: `${field('date')} - ${r.int(1, 3)} ${r.pick(['month', 'months'])} < period.start`, prec: P.cmp }));
        choices.push(() => ({ text: `days between ${field('date')} and period.end > ${r.int(0, 40)}`, prec: P.cmp }));
      }
      if (s.level !== 'program' && env.partner) choices.push(() => ({ text: `partner.kind = ${quoteStr(r.pick(KINDS))}`, prec: P.cmp }));
      if (s.level !== 'program' && env.tiers.length) {
        const t = r.pick(env.tiers);
        choices.push(() => ({ text: `${t.name} ${r.pick(['>=', '<', '=', '!='])} ${r.pick(t.levels)}`, prec: P.cmp }));
      }
      break;
  }
  return r.pick(choices)();
}

/** A random expression of type `ty` in scope `s`, at most `depth` levels deep. */
export function genExpr(r: Rand, ty: Ty, s: Scope, depth = 3): Ex {
  if (depth <= 0 || r.bool(0.3)) return leaf(r, ty, s);
  const d = depth - 1;
  const sub = (t: Ty) => genExpr(r, t, s, d);
  const env = s.env;
  const forms: (() => Ex)[] = [];
  const ifForm = (): Ex => ({ text: `if ${sub('bool').text} then ${sub(ty).text} else ${sub(ty).text}`, prec: 0 }); // an operand `if` always gets parentheses
  const lookupTier = (): Ex | undefined => {
    if (s.level === 'program' || !env.tiers.length) return undefined;
    const t = r.pick(env.tiers);
    const withElse = r.bool(0.3);
    const levels = withElse ? t.levels.filter(() => r.bool()) : t.levels;
    const entries = levels.map((l) => `${l}: ${sub(ty).text}`);
    if (withElse) entries.push(`else: ${sub(ty).text}`);
    return { text: `lookup ${t.name} { ${entries.join(', ')} }`, prec: P.primary };
  };
  const lookupEnum = (): Ex | undefined => {
    if (s.level === 'event') {
      const key = s.event && r.bool() ? 'category' : 'sale.category';
      return { text: `lookup ${key} { ${CATEGORIES.map((c) => `${quoteStr(c)}: ${sub(ty).text}`).join(', ')} }`, prec: P.primary };
    }
    if (s.level === 'partner' && env.partner) {
      const regions = REGIONS.map((c) => `${quoteStr(c)}: ${sub(ty).text}`);
      return { text: `lookup partner.region {\n${regions.join(',\n')}\n}`, prec: P.primary };
    }
    return undefined;
  };
  const bands = (): Ex | undefined => {
    if (s.level === 'program' || !env.moneyMeasures.length) return undefined;
    const mode = r.pick(['bands', 'marginal'] as const);
    // marginal X { … }: Σ part × rate, so rates are numbers; bands may give any type.
    const valueTy: Ty = mode === 'marginal' ? 'number' : ty;
    if (mode === 'marginal' && ty !== 'money') return undefined;
    let t = r.int(1, 50) * 1000;
    const rows = [`below ${t} ${env.currency}: ${mode === 'marginal' ? percentText(r) : genExpr(r, valueTy, { ...s, level: 'partner', event: undefined }, d).text}`];
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) {
      rows.push(`from ${t.toLocaleString('en').replace(/,/g, '_')} ${env.currency}: ${mode === 'marginal' ? percentText(r) : genExpr(r, valueTy, { ...s, level: 'partner', event: undefined }, d).text}`);
      t += r.int(1, 50) * 1000;
    }
    return { text: `${mode} ${r.pick(env.moneyMeasures)} {\n${rows.join('\n')}\n}`, prec: P.primary };
  };
  switch (ty) {
    case 'number':
      forms.push(
        () => {
          const op = r.pick(['+', '-', '*']);
          const prec = op === '*' ? P.mul : P.add;
          return { text: `${wrap(r, sub('number'), prec)} ${op} ${wrap(r, sub('number'), prec + 1)}`, prec };
        },
        () => ({ text: `${wrap(r, sub('number'), P.mul)} / ${r.pick(['2', '4', '1.5', '100'])}`, prec: P.mul }),
        () => ({ text: `${wrap(r, sub('money'), P.mul)} / 1 ${env.currency}`, prec: P.mul }),
        () => ({ text: `-${wrap(r, sub('number'), P.neg)}`, prec: P.neg }),
        () => ({ text: `${r.pick(['floor', 'ceil', 'round', 'abs'])}(${sub('number').text})`, prec: P.primary }),
        () => ({ text: `${r.pick(['min', 'max'])}(${sub('number').text}, ${sub('number').text})`, prec: P.primary }),
        ifForm,
      );
      break;
    case 'money':
      forms.push(
        () => {
          const op = r.pick(['+', '-']);
          return { text: `${wrap(r, sub('money'), P.add)} ${op} ${wrap(r, sub('money'), P.add + 1)}`, prec: P.add };
        },
        () => (r.bool() ? { text: `${wrap(r, sub('money'), P.mul)} * ${wrap(r, sub('number'), P.neg)}`, prec: P.mul } : { text: `${wrap(r, sub('number'), P.mul)} * ${wrap(r, sub('money'), P.neg)}`, prec: P.mul }),
        () => ({ text: `${wrap(r, sub('money'), P.mul)} / ${r.pick(['2', '3', '1.5'])}`, prec: P.mul }),
        () => ({ text: `-${wrap(r, sub('money'), P.neg)}`, prec: P.neg }),
        () => ({ text: `${r.pick(['round', 'abs'])}(${sub('money').text})`, prec: P.primary }),
        () => ({ text: `${r.pick(['min', 'max'])}(${sub('money').text}, ${sub('money').text}, ${sub('money').text})`, prec: P.primary }),
        ifForm,
      );
      break;
    case 'bool':
      forms.push(
        () => {
          const op = r.pick(['and', 'or'] as const);
          const prec = op === 'and' ? P.and : P.or;
          return { text: `${wrap(r, sub('bool'), prec)} ${op} ${wrap(r, sub('bool'), prec + 1)}`, prec };
        },
        () => ({ text: `not ${wrap(r, sub('bool'), P.not)}`, prec: P.not }),
        () => {
          const t = r.pick(['number', 'money'] as const);
          return { text: `${wrap(r, sub(t), P.add)} ${r.pick(['=', '!=', '<', '<=', '>', '>='])} ${wrap(r, sub(t), P.add)}`, prec: P.cmp };
        },
        () => ({ text: `${wrap(r, sub('money'), P.add)} in ${wrap(r, sub('money'), P.add)}..${wrap(r, sub('money'), P.add)}`, prec: P.cmp }),
        () => ({ text: `${wrap(r, sub('number'), P.add)} in [${[sub('number'), sub('number')].map((x) => wrap(r, x, P.add)).join(', ')}]`, prec: P.cmp }),
      );
      break;
  }
  if (ty !== 'bool') {
    const extra = [lookupTier, lookupEnum, bands];
    for (const f of extra) forms.push(() => f() ?? leaf(r, ty, s));
  }
  return r.pick(forms)();
}

// ---------------------------------------------------------------------------------------------
// Programs

interface Pot {
  name: string;
  kind: 'points' | 'cash' | 'credit' | 'fund' | 'giftcard' | 'item';
}

function potTy(p: Pot): Ty {
  return p.kind === 'points' || p.kind === 'item' ? 'number' : 'money';
}

/**
 * §12.1: an event kind whose fields are named like keywords, some read from their own column, some
 * with a default; its conditions use the fields bare (`where value > …`) and dates (§12.4).
 */
function claimDecl(r: Rand, currency: string): string {
  const fields = [
    r.bool() ? 'id: text from "Claim No"' : undefined,
    `value: money${r.bool() ? ' from "Claim Value (€)"' : ''}${r.bool() ? ` default 0 ${currency}` : ''}`,
    // all three options, in their one order: `in A..B`, `from "…"`, `default …`
    `year: integer${r.bool() ? ' in 2000..2100' : ''}${r.bool() ? ' from "Year"' : ''} default 2026`,
    'tier: one of "gold", "silver" default "silver"',
    'note: text default ""',
    `due: date${r.bool() ? ' in 2026-01-01..2027-12-31' : ''}${r.bool() ? ' default 2026-12-31' : ''}`,
  ];
  return `event claim {\n${fields.filter((f) => f !== undefined).join('\n')}\n}`;
}

function claimCondition(r: Rand, currency: string): string {
  const forms = [
    () => `days between date and due <= ${r.int(0, 60)}`,
    () => `date + ${r.int(1, 60)} days <= due`,
    () => `due >= period.start`,
    () => `date + 1 month <= period.end`,
    () => `year = 2026 and tier = "gold"`,
    () => `note = ""`,
    () => `claim.value > ${r.int(0, 500)} ${currency}`,
    () => `value >= ${r.int(0, 500)} ${currency} or (tier = "silver" and not (note = "x"))`,
  ];
  return r.pick(forms)();
}

/** A random valid program, in canonical-ish spacing (one clause per line). */
export function genProgram(r: Rand): string {
  const currency = r.pick(['EUR', 'EUR', 'USD', 'JPY']);
  const period = r.pick(['month', 'quarter', 'half', 'year'] as const);
  const partner = r.bool(0.7);
  const training = r.bool(0.4);
  const claim = r.bool(0.4);
  const env: Env = { currency, partner, names: { number: [], money: [] }, moneyMeasures: [], tiers: [] };
  const out: string[] = [];
  const header = [`currency ${currency}`, `period ${period}`, 'start 2026-01-01'];
  if (r.bool()) header.push('end 2026-12-31');
  if (r.bool()) header.push(`rounding ${r.pick(['half-even', 'half-up', 'half-down', 'down', 'up', 'floor', 'ceiling'])}`);
  out.push(`program ${quoteStr(r.pick(['Generated', 'North "wind"', 'ä program']))} {\n${header.join('\n')}\n}`);
  // Field ranges (`in A..B`), some of the time: data validation and the exposure analysis's input.
  const jpy = currency === 'JPY';
  const amountRange = r.bool(0.3) ? ` in ${r.pick(['0', '-100', '1'])} ${currency}..${r.pick(['500', '5_000', jpy ? '1_000_000' : '1_000_000.50'])} ${currency}` : '';
  const quantityRange = r.bool(0.3) ? ` in ${r.pick(['0', '1'])}..${r.int(1, 20)}` : '';
  const targetRange = r.bool(0.2) ? ` in 0 ${currency}..${r.pick(['1_000', '100_000'])} ${currency}` : '';
  if (partner) out.push(PARTNER_DECL.replace('target: money', `target: money${targetRange}`));
  out.push(SALE_DECL.replace('amount: money', `amount: money${amountRange}`).replace('quantity: integer', `quantity: integer${quantityRange}`));
  if (training) out.push(TRAINING_DECL);
  if (claim) out.push(claimDecl(r, currency));

  // Measures (at least one money measure, to key tiers and bands).
  const saleScope: Scope = { env, level: 'event', event: 'sale' };
  const windows = ['this period', 'previous period', 'year to date', 'half to date', 'previous year', 'program to date', `last ${r.int(1, 4)} ${r.pick(['periods', 'months', 'quarters', 'years'])}`];
  const clauses = () => `${r.bool(0.4) ? ` where ${genExpr(r, 'bool', saleScope, 2).text}` : ''}${r.bool(0.3) ? ` over ${r.pick(windows)}` : ''}`;
  out.push(`measure revenue = sum sale.amount${clauses()}`);
  env.names.money.push('revenue');
  env.moneyMeasures.push('revenue');
  const nMeasures = r.int(0, 3);
  for (let i = 0; i < nMeasures; i++) {
    const name = `m${i}`;
    switch (r.int(0, 4)) {
      case 0:
        out.push(`measure ${name} = sum ${r.pick(['sale.amount', 'sale.amount * 2', 'sale.amount - 1 ' + currency])}${clauses()}`);
        env.names.money.push(name);
        env.moneyMeasures.push(name);
        break;
      case 1:
        out.push(`measure ${name} = count sale${clauses()}`);
        env.names.number.push(name);
        break;
      case 2:
        out.push(`measure ${name} = count distinct sale.sku${clauses()}`);
        env.names.number.push(name);
        break;
      case 3:
        out.push(`measure ${name} = ${r.pick(['min', 'max', 'average'])} sale.amount${clauses()} else 0 ${currency}`);
        env.names.money.push(name);
        break;
      default:
        out.push(`measure ${name} = sum sale.quantity${clauses()}`);
        env.names.number.push(name);
        break;
    }
  }
  if (training) {
    out.push(`measure trainings = count training where course = ${quoteStr(r.pick(['Router Pro', 'Basics']))}`);
    env.names.number.push('trainings');
  }
  const ret = r.bool(0.3);
  if (ret) out.push(RET_DECL);
  if (claim) {
    out.push(`measure claimed = sum value where ${claimCondition(r, currency)}`);
    env.names.money.push('claimed');
    out.push(`measure claim_days = sum days between claim.date and due`); // bare `date` first would be ambiguous (E0211: every kind has one)
    env.names.number.push('claim_days');
  }

  // Tiers.
  const nTiers = r.int(0, 2);
  for (let i = 0; i < nTiers; i++) {
    const name = i ? `band${i}` : 'status';
    const levels = i ? ['Low', 'Mid', 'Top'].map((l) => l + i) : r.pick([['Member', 'Silver', 'Gold'], ['Base', 'VIP'], ['Bronze', 'Silver', 'Gold', 'Platinum']]);
    let t = 0;
    const rows = levels.map((l, k) => {
      if (k === 0) return l;
      t += r.int(1, 100) * 1000;
      return `${l} from ${t.toLocaleString('en').replace(/,/g, r.pick(['_', '']))} ${currency}`;
    });
    if (r.bool(0.3)) rows.push(`down at most ${r.int(0, 2)} ${r.pick(['level', 'levels'])} per ${r.pick(['period', 'year'])}`);
    out.push(`tier ${name} by ${r.pick(env.moneyMeasures)} {\n${rows.join('\n')}\n}`);
    env.tiers.push({ name, levels });
  }

  // Lets (each may use the ones before it).
  const nLets = r.int(0, 3);
  const partnerScope: Scope = { env, level: 'partner' };
  for (let i = 0; i < nLets; i++) {
    const ty = r.pick(['number', 'money'] as const);
    const level = r.bool(0.2) ? 'program' : 'partner';
    out.push(`let l${i} = ${genExpr(r, ty, { env, level }, 3).text}`);
    env.names[ty].push(`l${i}`);
  }
  // v0.2 lets: interpolation, previous values (§12.3), event-level lets of `sale` (§12.2).
  if (r.bool(0.3)) {
    const p1 = r.int(1, 20) * 100;
    out.push(`let interp = interpolate ${r.pick(env.moneyMeasures)} { ${p1} ${currency}: ${percentText(r)}, ${p1 + r.int(1, 20) * 100} ${currency}: ${percentText(r)} }`);
    env.names.number.push('interp');
  }
  if (r.bool(0.3)) {
    const ty = r.pick(['number', 'money'] as const);
    if (env.names[ty].length) {
      out.push(`let before = previous ${r.pick(env.names[ty])}`);
      env.names[ty].push('before');
    }
  }
  env.eventLets = { number: [], money: [] };
  const nEventLets = r.int(0, 2);
  for (let i = 0; i < nEventLets; i++) {
    const ty = r.pick(['number', 'money'] as const);
    const factor = genExpr(r, 'number', { env, level: r.bool() ? 'program' : 'partner' }, 2);
    out.push(`let e${i} = ${ty === 'money' ? 'sale.amount' : 'sale.quantity'} * ${wrap(r, factor, P.neg)}`);
    env.eventLets[ty].push(`e${i}`);
  }

  // Pots.
  const pots: Pot[] = [{ name: 'points', kind: 'points' }, { name: 'cash', kind: 'cash' }];
  for (const kind of ['credit', 'fund', 'giftcard', 'item'] as const) if (r.bool(0.3)) pots.push({ name: kind === 'item' ? 'trip' : kind, kind });
  for (const p of pots) {
    const opts: string[] = [];
    const amt = () => (potTy(p) === 'money' ? moneyText(r, env, true) : numberText(r, { integer: true, positive: true }));
    if (p.kind === 'giftcard') opts.push(`denominations ${[25, 50, 100].map((d) => `${d} ${currency}`).join(', ')}`);
    if (p.kind === 'item' && r.bool(0.8)) opts.push(`value ${moneyText(r, env, true)}`);
    if (r.bool(0.3)) opts.push(`rounding ${r.pick(['half-even', 'down', 'up', 'floor'])}`);
    if (r.bool(0.4)) opts.push(`cap ${amt()} per partner${r.pick(['', ' per period', ' per year'])}`);
    if (r.bool(0.3)) opts.push(`budget ${amt()}${r.pick(['', '', ' first come first served', ' pro rata'])}`);
    if (r.bool(0.3)) opts.push(`minimum ${amt()}`);
    if (r.bool(0.2)) opts.push(`approval above ${amt()}`);
    out.push(opts.length || r.bool(0.1) ? `payout ${p.name} as ${p.kind} {\n${opts.join('\n')}\n}` : `payout ${p.name} as ${p.kind}`);
  }

  // Rules.
  const nRules = r.int(1, 4);
  for (let i = 0; i < nRules; i++) {
    const lines: string[] = [];
    const scopeKind = r.int(0, ret ? 3 : 2);
    let scope: Scope;
    if (scopeKind === 3) {
      // A return reads its sale through the `ref` (§12.3).
      const pot = r.pick(pots);
      const amount = potTy(pot) === 'money' ? `-${r.pick(['sale.amount', ...(env.eventLets?.money.map((n) => `sale.${n}`) ?? [])])}` : `-(sale.quantity * ${r.int(1, 5)})`;
      out.push(`rule ${quoteStr(`Return ${i}`)} {\nfor each ret${r.bool(0.3) ? ` where sale.category = ${quoteStr(r.pick(CATEGORIES))}` : ''}\naward ${amount} to ${pot.name}\n}`);
      continue;
    }
    if (scopeKind === 0) {
      scope = { ...saleScope, rule: true };
      lines.push(`for each sale${r.bool(0.7) ? ` where ${genExpr(r, 'bool', scope, 2).text}` : ''}`);
    } else if (scopeKind === 1) {
      scope = partnerScope;
      lines.push(`for each partner${r.bool(0.5) ? ` where ${genExpr(r, 'bool', scope, 2).text}` : ''}`);
    } else {
      scope = partnerScope;
      const key = () => r.pick([...env.names.money, ...env.names.number]);
      const thenBy = r.bool(0.3) ? ` then by ${key()}` : '';
      lines.push(`for top ${r.int(1, 20)} partners by ${key()}${thenBy}${r.bool(0.5) ? ` where ${genExpr(r, 'bool', scope, 2).text}` : ''}`);
    }
    const capped = r.bool(0.3);
    const awards = capped ? 1 : r.int(1, 2);
    let pot: Pot = pots[0]!;
    for (let k = 0; k < awards; k++) {
      pot = r.pick(pots);
      lines.push(`award ${genExpr(r, potTy(pot), scope, 3).text} to ${pot.name}`);
    }
    if (capped) {
      const amount = potTy(pot) === 'money' ? moneyText(r, env, true) : numberText(r, { positive: true, integer: true });
      lines.push(`cap ${amount}${scopeKind === 0 && r.bool() ? ' per event' : ''}`);
    }
    if (scopeKind !== 2 && r.bool(0.2)) lines.push(`once per partner${scopeKind === 0 && r.bool() ? ' and category' : ''}${r.bool() ? ' per period' : ''}`);
    if (r.bool(0.3)) lines.reverse(); // clause order is free
    out.push(`rule ${quoteStr(`Rule ${i}${r.pick(['', ' \\"quoted\\"', ' ünï'])}`)} {\n${lines.join('\n')}\n}`);
  }

  if (claim) {
    const pot = r.pick(pots.filter((p) => potTy(p) === 'money'));
    out.push(`rule "Claims" {\nfor each claim where ${claimCondition(r, currency)}\naward value * ${percentText(r)} to ${pot.name}\n}`);
  }

  // Tests.
  if (r.bool(0.5)) {
    const periodText = period === 'month' ? '2026-03' : period === 'quarter' ? '2026-Q1' : period === 'half' ? '2026-H1' : '2026';
    const items = [`period ${periodText}`];
    if (partner) items.push(`partner "P1" { kind: ${quoteStr(r.pick(KINDS))}, region: ${quoteStr(r.pick(REGIONS))}, target: ${moneyText(r, env)} }`);
    const nSales = r.int(0, 3);
    for (let k = 0; k < nSales; k++) {
      const id = r.bool(0.3) ? `id: "S${k}", ` : '';
      items.push(`sale { ${id}partner: "P1", date: 2026-0${r.int(1, 3)}-1${r.int(0, 9)}, sku: ${quoteStr(r.pick(SKUS))}, category: ${quoteStr(r.pick(CATEGORIES))}, amount: ${moneyText(r, env)}, quantity: ${r.int(0, 9)} }`);
    }
    if (claim) {
      // fields with a default may be left out; `""` is an empty cell, which `note`'s default allows
      items.push(`claim { partner: "P1", date: 2026-0${r.int(1, 3)}-1${r.int(0, 9)}, value: ${moneyText(r, env)}, due: 2026-0${r.int(1, 6)}-2${r.int(0, 8)}${r.bool() ? ', note: ""' : ''}${r.bool() ? ', tier: "gold"' : ''} }`);
    }
    if (partner || nSales) {
      const target = r.pick(pots);
      items.push(`expect "P1" ${target.name} = ${potTy(target) === 'money' ? moneyText(r, env) : numberText(r, { integer: true })}`);
      items.push(`expect "P1" revenue = ${moneyText(r, env)}`);
      if (env.tiers.length) items.push(`expect "P1" ${env.tiers[0]!.name} = ${env.tiers[0]!.levels[0]}`);
    }
    out.push(`test ${quoteStr('generated test')} {\n${items.join('\n')}\n}`);
  }
  return out.join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The messifier

const SPACES = [' ', ' ', ' ', '  ', '\t', '\n', '\n', '\r\n', '\n\n', '\n  \n\t', '   '];
const TIGHT = new Set(['{', '}', '(', ')', '[', ']', ',', ':']);
const COMMENT_TEXTS = ['', ' note', ' TODO: check with finance', '# double', ' "quoted" \\ text', ' ünïcødé ✓', ' trailing spaces   ', '-- x = 1 --', ' { not code }'];

const TOKEN = /"(?:[^"\\\r\n]|\\.)*"|#[^\r\n]*|\d{4}-\d{2}-\d{2}|\d{4}-(?:Q\d|H\d|\d{2})|\d(?:_?\d)*(?:\.\d(?:_?\d)*)?%?|half-(?:even|up|down)\b|[A-Za-z_][A-Za-z0-9_]*|\.\.|!=|<=|>=|[{}()[\],:.<>=+\-*/]/g;

/** Splits a program into tokens and comments, keeping each token's text (a cheap lexer for messifying). */
export function tokenTexts(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** The tokens and comments of a program with their offsets (for mutating a program in place). */
export function tokenSpans(text: string): { text: string; start: number; end: number }[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Re-spaces the tokens of a program at random and inserts comments between them (never inside a token). */
export function messify(r: Rand, text: string): string {
  const toks = tokenTexts(text);
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    out += t;
    if (t.startsWith('#')) {
      out += r.pick(['\n', '\r\n', '\n\n', '\n  ']);
      continue;
    }
    const next = toks[i + 1];
    if (next === undefined) break;
    if (r.bool(0.12)) {
      out += `${r.pick([' ', '', '\n', '\n\n'])}#${r.pick(COMMENT_TEXTS)}${r.pick(['\n', '\r\n', '\n\n', '\n    '])}`;
      continue;
    }
    const tight = TIGHT.has(t) || TIGHT.has(next);
    out += tight && r.bool(0.4) ? '' : r.pick(SPACES);
  }
  if (r.bool(0.3)) out += `\n# ${r.pick(COMMENT_TEXTS)}`;
  return r.bool(0.2) ? `# header comment\n\n${out}` : out;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** A whole valid program, one clause per line. */
export const programArb: fc.Arbitrary<string> = fc.gen().map((g) => genProgram(fromGen(g)));

/** A whole valid program with messy spacing and comments everywhere. */
export const messyProgramArb: fc.Arbitrary<string> = fc.gen().map((g) => {
  const r = fromGen(g);
  return messify(r, genProgram(r));
});

/** An expression of a type at a level, in `STANDARD_ENV` (prefix it with `standardPrelude()`). */
export function exprArb(ty: Ty, level: Level = 'partner', depth = 3): fc.Arbitrary<string> {
  return fc.gen().map((g) => genExpr(fromGen(g), ty, { env: STANDARD_ENV, level, ...(level === 'event' ? { event: 'sale' as const } : {}) }, depth).text);
}

/** One declaration that is valid after `standardPrelude()`: a let, a pot, a rule or a test. */
export const declArb: fc.Arbitrary<string> = fc.gen().map((g) => {
  const r = fromGen(g);
  const env = STANDARD_ENV;
  switch (r.int(0, 3)) {
    case 0:
      return `let generated = ${genExpr(r, r.pick(['number', 'money'] as const), { env, level: 'partner' }).text}`;
    case 1:
      return `payout generated as cash {\n  cap ${moneyText(r, env, true)} per partner\n}`;
    case 2:
      return `payout generated as cash\n\nrule "generated" {\n  for each sale where ${genExpr(r, 'bool', { env, level: 'event', event: 'sale' }, 2).text}\n  award ${genExpr(r, 'money', { env, level: 'event', event: 'sale' }).text} to generated\n}`;
    default:
      return `test "generated" {\n  period 2026-Q2\n  partner "P1" { kind: "reseller", region: "APAC", target: ${moneyText(r, env)} }\n  expect "P1" revenue = ${moneyText(r, env)}\n}`;
  }
});

const SOUP_TOKENS = [
  ...KEYWORDS,
  ...'{ } ( ) [ ] , : . .. = != < <= > >= + - * / %'.split(' '),
  'x', 'sale', 'amount', 'EUR', 'half-even', '1', '2.5%', '1_000', '25 EUR', '2026-01-01', '2026-Q1', '2026-03',
  '"s"', '"unterminated', '"esc\\"', '#c\n', '\n', '@', '§', '..', '1..2', '9999-99-99',
];

/** Sequences of Incent keywords, punctuation and literals, joined by random spacing. */
export const tokenSoupArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...SOUP_TOKENS), fc.constantFrom('', ' ', '\n', '\t')), { maxLength: 60 })
  .map((xs) => xs.map(([t, s]) => t + s).join(''));

// ---------------------------------------------------------------------------------------------
// Syntax-only expressions (not type-correct): every operator, nesting and parenthesisation.

const ENDS_WITH_KEYWORD = new RegExp(`\\b(${KEYWORDS.join('|')})$`);

/** A random syntactically valid expression (types are not respected), with random redundant parentheses. */
export function genSyntaxExpr(r: Rand, depth = 4): Ex {
  const sub = () => genSyntaxExpr(r, depth - 1);
  const op = (e: Ex, min: number) => (e.prec < min || r.bool(0.1) ? `(${e.text})` : e.text);
  const leaves: (() => Ex)[] = [
    () => ({ text: r.pick(['0', '42', '1_000_000', '1.25', '0.000_1', '2.5%', '100%', '007']), prec: P.primary }),
    () => ({ text: `${r.pick(['25', '1_000.50', '0.01'])} ${r.pick(['EUR', 'USD'])}`, prec: P.primary }),
    () => ({ text: r.pick(['2026-01-01', '1999-12-31']), prec: P.primary }),
    () => ({ text: quoteStr(r.pick(['', 'a', 'say "hi"', 'back\\slash', '#not a comment', 'tab\there'])), prec: P.primary }),
    () => ({ text: r.pick(['true', 'false', 'x', 'revenue', 'date', 'text', 'cash', 'sale.amount', 'partner.region', 'refund.sale.amount', 'a.b.c', 'first', 'level']), prec: P.primary }),
    () => ({ text: r.pick(['previous revenue', 'previous status', 'rate at sale.date', 'status at (d)', 'x at 2026-01-01']), prec: P.primary }),
    // §12.1: keywords as field names, qualified and bare (also through a ref); §12.4: the period's bounds
    () => ({ text: r.pick(['sale.value', 'partner.year', 'sale.from', 'sale.if', 'sale.period', 'refund.sale.value', 'value', 'year', 'count', 'tier', 'to', 'partner', 'period.start', 'period.end']), prec: P.primary }),
  ];
  if (depth <= 0 || r.bool(0.25)) return r.pick(leaves)();
  const forms: (() => Ex)[] = [
    () => {
      const [o, prec, assoc] = r.pick([
        ['or', P.or, true], ['and', P.and, true], ['+', P.add, true], ['-', P.add, true], ['*', P.mul, true], ['/', P.mul, true],
        ['=', P.cmp, false], ['!=', P.cmp, false], ['<', P.cmp, false], ['<=', P.cmp, false], ['>', P.cmp, false], ['>=', P.cmp, false],
      ] as const);
      return { text: `${op(sub(), assoc ? prec : P.add)} ${o} ${op(sub(), assoc ? prec + 1 : P.add)}`, prec };
    },
    () => ({ text: `not ${op(sub(), P.not)}`, prec: P.not }),
    () => ({ text: `-${op(sub(), P.neg)}`, prec: P.neg }),
    // §12.4: a duration (a postfix unit on a primary) and days between two additive expressions
    () => ({ text: `${op(sub(), P.primary)} ${r.pick(['days', 'day', 'months', 'month'])}`, prec: P.neg }),
    () => ({ text: `days between ${op(sub(), P.add)} and ${op(sub(), P.add)}`, prec: 0 }), // its second date would take what follows: an operand gets parentheses
    () => ({ text: `${op(sub(), P.add)} in ${op(sub(), P.add)}..${op(sub(), P.add)}`, prec: P.cmp }),
    () => ({ text: `${op(sub(), P.add)} in [${Array.from({ length: r.int(0, 3) }, () => op(sub(), P.add)).join(', ')}]`, prec: P.cmp }),
    () => ({ text: `if ${sub().text} then ${sub().text} else ${sub().text}`, prec: 0 }),
    () => ({ text: `${r.pick(['floor', 'ceil', 'round', 'min', 'max', 'abs'])}(${Array.from({ length: r.int(0, 3) }, () => sub().text).join(', ')})`, prec: P.primary }),
    () => {
      const entries = Array.from({ length: r.int(0, 4) }, (_, i) => `${r.bool() ? `K${i}` : quoteStr(`k${i}`)}: ${sub().text}`);
      if (r.bool(0.3)) entries.splice(r.int(0, entries.length), 0, `else: ${sub().text}`);
      // A keyword used as a name is followed by a comma, not by the next key (REFERENCE.md, §12.1).
      const sep = entries.some((e) => ENDS_WITH_KEYWORD.test(e)) ? r.pick([', ', ',\n']) : r.pick([', ', ',\n', '\n']);
      return { text: `lookup ${op(sub(), P.primary)} { ${entries.join(sep)}${entries.length && r.bool(0.2) ? ',' : ''} }`, prec: P.primary };
    },
    () => {
      // A threshold that ends with a keyword used as a name or a duration's unit is parenthesised: `:` cannot follow one.
      const threshold = () => {
        const t = op(sub(), P.add);
        return ENDS_WITH_KEYWORD.test(t) || /\b(day|month)$/.test(t) ? `(${t})` : t;
      };
      const bands = Array.from({ length: r.int(0, 3) }, (_, i) => `${i ? 'from' : 'below'} ${threshold()}: ${sub().text}`);
      return { text: `${r.pick(['bands', 'marginal'])} ${op(sub(), P.primary)} { ${bands.join('\n')} }`, prec: P.primary };
    },
    // v0.2: interpolation, running totals (the value a primary, the condition without `and`/`or`), values at a date
    () => {
      // a point that ends with a keyword used as a name or a duration's unit is parenthesised, like a band threshold
      const point = () => {
        const t = op(sub(), P.add);
        return ENDS_WITH_KEYWORD.test(t) || /\b(day|month)$/.test(t) ? `(${t})` : t;
      };
      const points = Array.from({ length: r.int(0, 3) }, () => `${point()}: ${sub().text}`);
      // Points may be separated by a newline or a space only where the next point cannot continue the
      // value before it (`0\n-1: 2` is `0 - 1: 2`; `x\n(1): 2` is a call), and a keyword used as a name ends no value.
      const safe = !points.slice(1).some((p) => /^[-(]/.test(p)) && !points.some((p) => ENDS_WITH_KEYWORD.test(p));
      return { text: `interpolate ${op(sub(), P.primary)} { ${points.join(r.pick(safe ? [', ', '\n', ' '] : [', ', ',\n']))} }`, prec: P.primary };
    },
    () => {
      const where = r.bool() ? ` where ${op(sub(), P.not)}` : '';
      const over = r.bool() ? ` over ${r.pick(['this period', 'year to date', 'last 3 months', 'previous year'])}` : '';
      const text = `running ${r.bool() ? `sum ${op(sub(), P.primary)}` : 'count'}${where}${over}`;
      // with a `where`, as an operand it needs its parentheses (the condition would take in what follows)
      return { text: where ? `(${text})` : text, prec: P.primary };
    },
    () => ({ text: `${r.pick(['rate', 'status', 'x'])} at ${op(sub(), P.primary)}`, prec: P.primary }),
  ];
  return r.pick(forms)();
}

/** `let x = EXPR` for a random syntax-only expression (parses without errors; may not check). */
export const syntaxExprArb: fc.Arbitrary<string> = fc.gen().map((g) => genSyntaxExpr(fromGen(g)).text);
