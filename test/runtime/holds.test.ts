/**
 * §13.2 holds, case by case: a commission pending for 30 days (a return window), cancelled
 * through a `ref` while pending, an ordinary clawback once available, a hold crossing a year end
 * under a yearly cap — every figure worked out by hand beside it — and the property that pending +
 * available + cancelled = awarded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileOrThrow, header, period, pot, t } from '../helpers/run.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import { releaseDate } from '../../runtime/ledger/holds.js';
import { explainPartner, statementJson } from '../../runtime/statement.js';
import { StatementJsonSchema } from '../../runtime/statement-schema.js';
import { runTests } from '../../runtime/tests.js';
import * as N from '../../runtime/num.js';

const program = `${header({ period: 'month', end: '2027-12-31' })}
event sale {
  amount: money
}
event refund {
  sale: ref sale
  amount: money
}
payout cash as cash {
  hold 30 days
  cap 1_000 EUR per partner per year
}
rule "Commission" {
  for each sale
  award amount * 10% to cash
}
rule "Clawback" {
  for each refund
  award -(refund.amount * 10%) to cash
}
`;

function run(files: Record<string, string>): PeriodResult[] {
  const a = compileOrThrow(program);
  const { input, data } = loadData(a, files);
  expect(input.problems).toEqual([]);
  return new Evaluator(a).run(data);
}

const sales = `id,partner,date,amount
S1,P1,2026-01-10,1000
S2,P1,2026-01-25,500
S3,P2,2026-12-20,9000
S4,P2,2026-12-28,2000
S5,P2,2027-01-05,1000
`;
const refunds = `id,partner,date,sale,amount
F1,P1,2026-02-05,S1,400
F2,P1,2026-03-10,S2,500
`;

describe('holds (§13.2)', () => {
  const r = run({ 'sale.csv': sales, 'refund.csv': refunds });
  const cash = (p: string, id: string) => pot(r, p, id, 'cash');
  const h = (p: string, id: string) => {
    const x = cash(p, id).hold!;
    return { pending: t(x.pending), available: t(x.available), cancelled: t(x.cancelled), releases: x.releases.map((y) => `${y.on} ${t(y.amount)}`) };
  };

  it('an award is pending until its event date + N, then available in the period containing that date', () => {
    // January: S1 10% × 1,000 = 100.00, pending until 2026-02-09; S2 50.00 until 2026-02-24. Nothing paid.
    expect(h('2026-01', 'P1')).toEqual({ pending: '150', available: '0', cancelled: '0', releases: ['2026-02-09 100', '2026-02-24 50'] });
    expect(t(cash('2026-01', 'P1').earned)).toBe('150');
    expect(t(cash('2026-01', 'P1').paid)).toBe('0');
  });

  it('a clawback through a `ref` cancels the pending amount first', () => {
    // February: F1 (5 February, before S1's release on the 9th) claws back 40.00 of S1: its pending 100 becomes 60.
    // The period's earnings (−40) are taken from the pending amount instead: 0 enter the balance from them;
    // S1's 60 (9 February) and S2's 50 (24 February) become available: 110.00 paid.
    expect(h('2026-02', 'P1')).toEqual({ pending: '0', available: '110', cancelled: '40', releases: [] });
    expect([t(cash('2026-02', 'P1').earned), t(cash('2026-02', 'P1').paid), t(cash('2026-02', 'P1').carried)]).toEqual(['-40', '110', '0']);
  });

  it('a return after the hold ended is an ordinary clawback', () => {
    // March: F2 refunds S2, released on 24 February: nothing pending to cancel; −50.00 is a debt carried.
    expect(h('2026-03', 'P1')).toEqual({ pending: '0', available: '0', cancelled: '0', releases: [] });
    expect([t(cash('2026-03', 'P1').paid), t(cash('2026-03', 'P1').carried)]).toEqual(['0', '-50']);
  });

  it('a hold crossing a year end: the yearly cap counts the year earned, the payment falls in the year released', () => {
    // December 2026: S3 900.00 + S4 200.00 = 1,100.00, capped to the yearly 1,000.00 (an adjustment of −100.00).
    // Earliest first: S3 keeps 900.00 (pending until 2027-01-19), S4 the 100.00 left (until 2027-01-27).
    const dec = cash('2026-12', 'P2');
    expect(dec.adjustments.map((a) => [a.kind, t(a.amount)])).toEqual([['yearly cap', '-100']]);
    expect(h('2026-12', 'P2')).toEqual({ pending: '1000', available: '0', cancelled: '0', releases: ['2027-01-19 900', '2027-01-27 100'] });
    expect(t(dec.paid)).toBe('0');
    // January 2027: both become available (1,000.00 paid); S5's 100.00 is pending until 2027-02-04 and counts
    // against the 2027 cap alone (no adjustment: 100 of 1,000).
    expect(h('2027-01', 'P2')).toEqual({ pending: '100', available: '1000', cancelled: '0', releases: ['2027-02-04 100'] });
    expect(cash('2027-01', 'P2').adjustments).toEqual([]);
    expect(t(cash('2027-01', 'P2').paid)).toBe('1000');
    // February 2027: S5's 100.00 is paid.
    expect(t(cash('2027-02', 'P2').paid)).toBe('100');
  });

  it('statements: the JSON contract gives what a held pot holds; an explanation says what happened', () => {
    const a = compileOrThrow(program);
    const json = statementJson(a, period(r, '2026-02'));
    expect(StatementJsonSchema.safeParse(json).success).toBe(true);
    expect(json.partners.find((p) => p.id === 'P1')!.pots['cash']!.hold).toEqual({ pending: '0.00', available: '110.00', cancelled: '40.00', releases: [] });
    expect(statementJson(a, period(r, '2026-01')).partners.find((p) => p.id === 'P1')!.pots['cash']!.hold!.releases).toEqual([
      { on: '2026-02-09', amount: '100.00' },
      { on: '2026-02-24', amount: '50.00' },
    ]);
    const text = explainPartner(a, period(r, '2026-02'), 'P1')!;
    expect(text).toContain('pending 0.00, available 110.00, cancelled 40.00');
    expect(text).toContain('refund F1 (2026-02-05) cancels 40.00 EUR pending of sale S1 (2026-01-10), which was held until 2026-02-09');
    expect(text).toContain('60.00 EUR of sale S1 (2026-01-10), held until 2026-02-09, is now available');
  });

  it('a clawback of a fraction of a cent cancels whole cents (the pot’s rounding), so the balance stays in cents', () => {
    // S1: 10% × 1,234.56 = 123.456 → the January rule total 123.46 (half-even), pending until 2026-02-09.
    // F1 (5 February): −10% × 987.65 = −98.765 → cancels 98.76 (half-even) of S1's pending; the February rule
    // total is −98.76 too, so the earnings after the cancellation are 0; S1's 24.70 left is paid on the 9th.
    const r = run({ 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-10,1234.56\n', 'refund.csv': 'id,partner,date,sale,amount\nF1,P1,2026-02-05,S1,987.65\n' });
    const feb = pot(r, '2026-02', 'P1', 'cash');
    expect([t(feb.hold!.cancelled), t(feb.hold!.available), t(feb.paid), t(feb.carried)]).toEqual(['98.76', '24.7', '24.7', '0']);
  });

  it('D + N: days count on; months clamp to the last day of the month', () => {
    expect(releaseDate('2026-01-10', 30, 'days')).toBe('2026-02-09');
    expect(releaseDate('2026-12-20', 30, 'days')).toBe('2027-01-19');
    expect(releaseDate('2026-01-31', 1, 'months')).toBe('2026-02-28');
    expect(releaseDate('2028-02-29', 12, 'months')).toBe('2029-02-28');
  });

  it('tests expect `pending` and `available`', () => {
    const src = `${program}
test "return window" {
  period 2026-01
  sale { partner: "P1", date: 2026-01-10, amount: 1_000 EUR }
  sale { partner: "P1", date: 2026-01-25, amount: 500 EUR }
  expect "P1" cash pending = 150 EUR
  expect "P1" cash available = 0 EUR
  expect "P1" cash = 0 EUR
}
`;
    expect(runTests(compileOrThrow(src))[0]!.failures).toEqual([]);
  });
});

describe('property', () => {
  it('pending + available + cancelled = awarded, for every partner over a run', () => {
    const a = compileOrThrow(program);
    const sale = fc.record({ partner: fc.constantFrom('P1', 'P2'), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }), amount: fc.integer({ min: 0, max: 3000 }) });
    const refund = fc.record({ of: fc.nat(), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }), amount: fc.integer({ min: 0, max: 3000 }) });
    fc.assert(
      fc.property(fc.array(sale, { minLength: 1, maxLength: 10 }), fc.array(refund, { maxLength: 6 }), (ss, rs) => {
        const date = (x: { month: number; day: number }) => `2026-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`;
        const files = {
          'sale.csv': `id,partner,date,amount\n${ss.map((s, i) => `S${i},${s.partner},${date(s)},${s.amount}`).join('\n')}\n`,
          'refund.csv': `id,partner,date,sale,amount\n${rs.map((x, i) => `F${i},${ss[x.of % ss.length]!.partner},${date(x)},S${x.of % ss.length},${x.amount}`).join('\n')}\n`,
        };
        const { data } = loadData(a, files);
        const results = new Evaluator(a).run(data);
        for (const id of ['P1', 'P2']) {
          let awarded: N.Num = N.ZERO;
          let available: N.Num = N.ZERO;
          let cancelled: N.Num = N.ZERO;
          let pending: N.Num = N.ZERO;
          for (const r of results) {
            const x = r.partners.find((p) => p.id === id)?.pots['cash']?.hold;
            if (!x) continue;
            awarded = N.add(awarded, x.awarded);
            available = N.add(available, x.available);
            cancelled = N.add(cancelled, x.cancelled);
            pending = x.pending;
          }
          expect(t(N.add(N.add(pending, available), cancelled))).toBe(t(awarded));
        }
      }),
      { numRuns: 40 },
    );
  });
});
