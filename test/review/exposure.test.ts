/**
 * The exposure analysis (`review/exposure.ts`) on programs whose bounds are worked out by hand:
 * what bounds each pot (caps, budgets, rankings, rule caps, `once`, field ranges, conditions that
 * narrow, tables), what leaves it unbounded and the change it suggests — and, where a bound is
 * reached, data that reaches it exactly (the bound is not merely safe but the most).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { exposure, renderExposureText, type ExposureReport, type PotExposure } from '../../review/exposure.js';
import { reportSchemas } from '../../review/schema.js';
import { header } from '../helpers/run.js';

const { ExposureReportSchema } = reportSchemas();

const SALE = 'partner { kind: one of "a", "b" }\nevent sale { category: one of "x", "y"  amount: money  quantity: integer }\nmeasure revenue = sum sale.amount\n';

function report(decls: string, opts: { head?: string; sale?: string } = {}): ExposureReport {
  const text = `${opts.head ?? header()}${opts.sale ?? SALE}${decls}\n`;
  const c = compile(text);
  expect(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const r = exposure(c.artifact!, { program: 'p.incent' }, { checked: c.checked!, text });
  expect(ExposureReportSchema.parse(r)).toEqual(r);
  return r;
}

const pot = (r: ExposureReport, name: string): PotExposure => r.pots.find((p) => p.pot === name)!;
const amounts = (p: PotExposure) => [p.perPartner.amount ?? 'unbounded', p.perPeriod.amount ?? 'unbounded'];

/** The most a run over `files` pays one partner in one period in `potName` (earned after adjustments). */
function most(decls: string, files: Record<string, string>, potName: string, opts: { sale?: string } = {}): string {
  const c = compile(`${header()}${opts.sale ?? SALE}${decls}\n`);
  const { input, data } = loadData(c.artifact!, files);
  expect(input.problems.map((p) => p.message)).toEqual([]);
  let best: N.Num = N.ZERO;
  for (const r of new Evaluator(c.artifact!).run(data)) {
    for (const p of r.partners) {
      const x = p.pots[potName]!;
      const after = x.adjustments.reduce((s, j) => N.add(s, j.amount), x.earned);
      if (N.cmp(after, best) > 0) best = after;
    }
  }
  return N.toFixedText(best, 2);
}

const PARTNERS = 'id,kind\nP1,a\nP2,b\n';
const sales = (...rows: string[]) => ({ 'partners.csv': PARTNERS, 'sale.csv': ['id,partner,date,category,amount,quantity', ...rows].join('\n') + '\n' });

describe('what bounds a pot', () => {
  it('the spec example: a pot cap, a minimum carried, a budget; a rule cap; a ranking; and what leaves points unbounded', () => {
    const text = readFileSync(new URL('../fixtures/northwind.incent', import.meta.url), 'utf8');
    const c = compile(text);
    const r = exposure(c.artifact!, { program: 'northwind.incent' }, { checked: c.checked!, text });
    expect(r.periods).toBe(4);
    const cash = pot(r, 'cash');
    expect(cash).toMatchObject({ perPartner: { amount: '20000.00', by: 'pot cap' }, carried: '49.99', paidPerPartner: { amount: '20049.99' }, perPeriod: { amount: '250000.00', by: 'budget' }, program: { amount: '1000000.00' } });
    expect(cash.rules).toEqual([
      expect.objectContaining({
        rule: 'Router SPIFF',
        awards: 'unbounded',
        perPartner: { bounded: false },
        why: "each award `25 EUR * quantity` is not bounded: `sale.quantity` (a field without a range); and a partner's sale events are not bounded in number",
      }),
    ]);
    expect(pot(r, 'credit')).toMatchObject({ perPartner: { amount: '50000.00', by: 'rule cap' }, perPeriod: { bounded: false }, fix: { perPeriod: 'add `budget AMOUNT` to payout credit' } });
    expect(pot(r, 'trip')).toMatchObject({ perPartner: { amount: '1', by: 'awards' }, perPeriod: { amount: '10', by: 'ranking' }, program: { amount: '40' } });
    const points = pot(r, 'points');
    expect(amounts(points)).toEqual(['unbounded', 'unbounded']);
    expect(points.fix).toEqual({ perPartner: 'add `cap AMOUNT` to rule "Hardware points" (the most it pays a partner in a period)', perPeriod: 'add `budget AMOUNT` to payout points' });
    expect(points.rules.map((x) => [x.rule, x.perPartner.amount ?? 'unbounded'])).toEqual([
      ['Hardware points', 'unbounded'],
      ['Router Pro certification', '500'],
    ]);
    expect(r.cost).toEqual({ perPeriod: { bounded: false }, program: { bounded: false } });
  });

  it('a field range and `once`: the award at the range’s end, reached by data', () => {
    const decls = 'payout cash as cash\nrule "R" {\n  for each sale\n  award amount * 10% to cash\n  once per partner\n}';
    const sale = SALE.replace('amount: money', 'amount: money in 0 EUR..1_000 EUR');
    const r = report(decls, { sale });
    expect(amounts(pot(r, 'cash'))).toEqual(['100.00', 'unbounded']);
    expect(most(decls, sales('S1,P1,2026-01-05,x,1000,1', 'S2,P1,2026-01-06,x,10,1'), 'cash', { sale })).toBe('100.00');
  });

  it('without the range, the award is unbounded, and the fix says which field to bound', () => {
    const cash = pot(report('payout cash as cash\nrule "R" {\n  for each sale\n  award amount * 10% to cash\n  once per partner\n}'), 'cash');
    expect(cash.rules[0]).toMatchObject({
      why: 'its award `amount * 10%` is not bounded: `sale.amount` (a field without a range)',
      fix: 'declare a range for `sale.amount` (`amount: money in …`), or add `cap AMOUNT` to rule "R" (the most it pays a partner in a period)',
    });
    expect(cash.fix?.perPartner).toBe(cash.rules[0]!.fix);
  });

  it('per-event awards are unbounded in number unless a cap or `once` bounds them', () => {
    const cash = pot(report('payout cash as cash\nrule "R" {\n  for each sale\n  award 5 EUR to cash\n}'), 'cash');
    expect(cash.rules[0]).toMatchObject({
      awards: 'unbounded',
      perAward: { amount: '5.00' },
      why: "one award per sale event (each at most 5.00 EUR), and a partner's sale events are not bounded in number",
      fix: 'add `cap AMOUNT` to rule "R" (the most it pays a partner in a period), or `once per partner`',
    });
    expect(amounts(pot(report('payout cash as cash\nrule "R" {\n  for each sale\n  award 5 EUR to cash\n  cap 12 EUR\n}'), 'cash'))).toEqual(['12.00', 'unbounded']);
    expect(amounts(pot(report('payout cash as cash\nrule "R" {\n  for each sale\n  award 5 EUR to cash\n  once per partner per period\n}'), 'cash'))).toEqual(['5.00', 'unbounded']);
    // A cap per event bounds each award, not their number.
    expect(pot(report('payout cash as cash\nrule "R" {\n  for each sale\n  award amount to cash\n  cap 7 EUR per event\n}'), 'cash').rules[0]).toMatchObject({ perAward: { amount: '7.00' }, perPartner: { bounded: false } });
  });

  it('a condition narrows what it compares: `where`, and each branch of an `if`', () => {
    const where = 'payout cash as cash\nrule "R" {\n  for each sale where amount <= 500 EUR and quantity >= 1\n  award amount * 10% to cash\n  once per partner\n}';
    expect(amounts(pot(report(where), 'cash'))).toEqual(['50.00', 'unbounded']);
    const branches = 'payout cash as cash\nrule "R" {\n  for each sale\n  award if amount > 100 EUR then 10 EUR else amount * 5% to cash\n  once per partner\n}';
    expect(amounts(pot(report(branches, { sale: SALE.replace('amount: money', 'amount: money in 0 EUR..1_000_000 EUR') }), 'cash'))).toEqual(['10.00', 'unbounded']);
    // A condition that never holds: the rule never awards.
    const never = 'payout cash as cash\nrule "R" {\n  for each sale where amount > 2_000 EUR\n  award 1_000 EUR to cash\n}';
    expect(amounts(pot(report(never, { sale: SALE.replace('amount: money', 'amount: money in 0 EUR..1_000 EUR') }), 'cash'))).toEqual(['0.00', '0.00']);
  });

  it('tables: the bands and lookup entries a value can reach, marginal rates part by part', () => {
    const decls = [
      'tier status by revenue {\n  Member\n  Silver from 1_000 EUR\n  Gold from 10_000 EUR\n}',
      'let rate = bands revenue {\n  below 1_000 EUR: 1%\n  from 1_000 EUR: 2%\n  from 5_000 EUR: 3%\n}',
      'let mult = lookup status { Member: 1, Silver: 2, Gold: 4 }',
      'payout cash as cash',
      'payout points as points',
      'rule "Rebate" {\n  for each partner\n  award min(revenue, 3_000 EUR) * rate to cash\n}',
      'rule "Bonus" {\n  for each partner where status <= Silver\n  award 10 * mult to points\n}',
    ].join('\n');
    // min(revenue, 3,000 EUR) ≤ 3,000 EUR; the rate of any band a revenue can reach, at most 3%; Gold is out of the `where`.
    const r = report(decls, { sale: SALE.replace('amount: money', 'amount: money in 0 EUR..100_000 EUR') });
    expect(amounts(pot(r, 'cash'))).toEqual(['90.00', 'unbounded']);
    expect(amounts(pot(r, 'points'))).toEqual(['20', 'unbounded']);
    const marginal = report('let part = marginal min(revenue, 10_000 EUR) {\n  below 1_000 EUR: 1%\n  from 1_000 EUR: 2%\n  from 5_000 EUR: 5%\n}\npayout cash as cash\nrule "M" {\n  for each partner\n  award part to cash\n}', {
      sale: SALE.replace('amount: money', 'amount: money in 0 EUR..100_000 EUR'),
    });
    // 1,000 × 1% + 4,000 × 2% + 5,000 × 5% = 10 + 80 + 250
    expect(amounts(pot(marginal, 'cash'))).toEqual(['340.00', 'unbounded']);
  });

  it('a division by what may be zero is unbounded, and says so', () => {
    const cash = pot(report('measure n = count sale\npayout cash as cash {\n  cap 1_000 EUR per partner\n}\nrule "R" {\n  for each partner\n  award 100 EUR / n to cash\n}'), 'cash');
    expect(cash.perPartner).toEqual({ bounded: true, amount: '1000.00', by: 'pot cap' });
    expect(cash.rules[0]!.why).toBe('its award `100 EUR / n` is not bounded: `n` (a divisor that may be zero or close to it)');
  });

  it('rankings bound all partners together: N partners, each at most its bound', () => {
    const r = report('payout cash as cash\nrule "Top" {\n  for top 3 partners by revenue\n  award 500 EUR to cash\n}\nrule "Also" {\n  for top 2 partners by revenue\n  award 100 EUR to cash\n}');
    expect(pot(r, 'cash')).toMatchObject({ perPartner: { amount: '600.00', by: 'rules' }, perPeriod: { amount: '1700.00', by: 'ranking' } });
  });

  it('a yearly cap leaves room for clawbacks earlier in the year: its cap plus what they may take back', () => {
    const sale = SALE.replace('amount: money', 'amount: money in 0 EUR..1_000 EUR');
    const decls = 'payout cash as cash {\n  cap 300 EUR per partner per year\n}\nrule "R" {\n  for each sale\n  award amount - 100 EUR to cash\n  cap 500 EUR\n  once per partner per period\n}';
    // A period's total is at least -100 EUR; a quarter after three such periods has 300 + 300 of room.
    expect(pot(report(decls, { sale }), 'cash').perPartner).toEqual({ bounded: true, amount: '500.00', by: 'rule cap' });
    const tight = decls.replace('cap 500 EUR\n', 'cap 1_000 EUR\n');
    expect(pot(report(tight, { sale }), 'cash').perPartner).toEqual({ bounded: true, amount: '600.00', by: 'yearly pot cap' });
    const files = sales('S1,P1,2026-01-05,x,0,1', 'S2,P1,2026-04-05,x,0,1', 'S3,P1,2026-07-05,x,0,1', 'S4,P1,2026-10-05,x,1000,1');
    expect(most(tight, files, 'cash', { sale })).toBe('600.00');
  });

  it('gift cards and minimums: what may be carried in is paid on top', () => {
    const cards = pot(report('payout cards as giftcard {\n  denominations 50 EUR, 20 EUR\n  minimum 30 EUR\n  cap 200 EUR per partner\n}\nrule "R" {\n  for each sale\n  award 5 EUR to cards\n}'), 'cards');
    expect(cards).toMatchObject({ perPartner: { amount: '200.00' }, carried: '29.99', paidPerPartner: { amount: '229.99' } });
  });

  it('points and items: whole units; the cost counts items × value, not points', () => {
    const r = report('payout points as points {\n  budget 10_000\n}\npayout trip as item {\n  value 2_000 EUR\n}\nrule "P" {\n  for each partner\n  award 7.5 to points\n}\nrule "T" {\n  for top 5 partners by revenue\n  award 1 to trip\n}');
    expect(amounts(pot(r, 'points'))).toEqual(['7', '10000']); // rounded down, as points are
    expect(r.cost).toEqual({ perPeriod: { bounded: true, amount: '10000.00' }, program: { bounded: true, amount: '40000.00' } });
  });
});

describe('the text', () => {
  it('says per pot what bounds it, each rule’s share, and the change that bounds what is unbounded', () => {
    const text = renderExposureText(report('payout cash as cash {\n  cap 100 EUR per partner\n}\npayout points as points\nrule "R" {\n  for each sale\n  award amount * 1% to cash\n}\nrule "P" {\n  for each sale\n  award quantity to points\n}'));
    expect(text).toBe(`Exposure of p.incent: the most each pot can pay for any data (within the fields' ranges), over 4 periods from start to end

payout cash (cash, line 10)
  one partner, one period: at most 100.00 EUR (the pot's cap)
  all partners, one period: unbounded: partners are not bounded in number
  all partners, over the program: unbounded
  line 14: rule "R": unbounded
    each award \`amount * 1%\` is not bounded: \`sale.amount\` (a field without a range); and a partner's sale events are not bounded in number
  to bound it for all partners: add \`budget AMOUNT\` to payout cash

payout points (points, line 13)
  one partner, one period: unbounded
  all partners, one period: unbounded
  all partners, over the program: unbounded
  line 18: rule "P": unbounded
    each award \`quantity\` is not bounded: \`sale.quantity\` (a field without a range); and a partner's sale events are not bounded in number
  to bound it for one partner: add \`cap AMOUNT\` to rule "P" (the most it pays a partner in a period)
  to bound it for all partners: add \`budget AMOUNT\` to payout points

Cost (money and items × value; points cost nothing): what one period earns unbounded; paid over the program unbounded
`);
  });
});

describe('v0.2 constructs (§12): bounded where they can be, unbounded with a reason where not', () => {
  const root = join(import.meta.dirname, '..', '..');
  const example = (name: string) => {
    const text = readFileSync(join(root, 'examples', name, 'program.incent'), 'utf8');
    const c = compile(text);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = exposure(c.artifact!, { program: `${name}.incent` }, { checked: c.checked!, text });
    expect(ExposureReportSchema.parse(r)).toEqual(r);
    return r;
  };

  it('examples/carrier-reps: an event-level let read through a `ref` is bounded by its lookup (a clawback adds at most nothing)', () => {
    const cards = pot(example('carrier-reps'), 'cards');
    const rule = (name: string) => cards.rules.find((r) => r.rule === name)!;
    expect(rule('Activation reward')).toMatchObject({ awards: 'unbounded', perAward: { bounded: true, amount: '25.00' } });
    expect(rule('Refund clawback')).toMatchObject({ perPartner: { bounded: true, amount: '0.00' } });
    // clawbacks free room under the yearly cap, in number unbounded: the pot stays unbounded per partner
    expect(cards.perPartner.bounded).toBe(false);
  });

  it('examples/beauty-loyalty: a band of a running total is bounded by its bands; the amount without a range is the reason', () => {
    const points = pot(example('beauty-loyalty'), 'points');
    expect(points.rules[0]!.why).toContain('`purchase.amount` (a field without a range)');
    const gift = pot(example('beauty-loyalty'), 'gift');
    expect(gift.perPartner).toMatchObject({ bounded: true, amount: '1' });
  });

  it('`once per partner and FIELD`: one award per value of the field — an enumeration\'s members, else unbounded', () => {
    const keyed = (field: string) => pot(report(`payout cash as cash\nrule "R" {\n  for each sale\n  award 5 EUR to cash\n  once per partner and ${field}\n}`), 'cash');
    expect(keyed('category').perPartner).toMatchObject({ bounded: true, amount: '10.00' }); // "x", "y"
    expect(keyed('quantity').perPartner.bounded).toBe(false);
    expect(keyed('quantity').rules[0]!.why).toBe('one award per value of `quantity` (each at most 5.00 EUR), whose values are not bounded in number');
    expect(most('payout cash as cash\nrule "R" {\n  for each sale\n  award 5 EUR to cash\n  once per partner and category\n}', sales('S1,P1,2026-01-05,x,1,1', 'S2,P1,2026-01-06,y,1,1', 'S3,P1,2026-01-07,x,1,1'), 'cash')).toBe('10.00');
  });

  it('interpolate: between the values of its points; an event-level let: its value on the event', () => {
    const sale = SALE.replace('amount: money', 'amount: money in 0 EUR..1_000 EUR');
    const r = report('let rate = interpolate revenue { 0 EUR: 1%, 10_000 EUR: 3% }\nlet share = sale.amount * 10%\npayout cash as cash\nrule "R" {\n  for each partner\n  award 1_000 EUR * rate to cash\n}\nrule "E" {\n  for each sale\n  award share to cash\n  once per partner\n}', { sale });
    expect(pot(r, 'cash').rules.map((x) => x.perPartner.amount)).toEqual(['30.00', '100.00']);
  });

  it('a running total, a value computed from its previous one, days between dates: unbounded, each with its reason', () => {
    const r = report(
      'let streak = if revenue > 0 EUR then previous streak + 1 else 0\npayout a as cash\npayout b as cash\npayout c as cash\nrule "Running" {\n  for each sale\n  award (running sum sale.amount) * 1% to a\n  once per partner\n}\nrule "Streak" {\n  for each partner\n  award streak * 1 EUR to b\n}\nrule "Days" {\n  for each sale\n  award (days between 2026-01-01 and sale.date) * 1 EUR to c\n  once per partner\n}',
      { sale: SALE.replace('amount: money', 'amount: money in 0 EUR..1_000 EUR') },
    );
    expect(pot(r, 'a').rules[0]!.why).toContain('a running sum over sale events, which are not bounded in number');
    expect(pot(r, 'b').rules[0]!.why).toContain('`previous streak` (a value computed from its own values of earlier periods, which is not bounded)');
    expect(pot(r, 'c').rules[0]!.why).toContain('a number of days between dates, which is not bounded');
  });
});

