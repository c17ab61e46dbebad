/**
 * §13.1 lots, expiry and redemptions, case by case: small programs over inline CSV, every expected
 * figure worked out by hand in the comment beside it; the lots' bookkeeping alone; and the
 * property that every point credited is exactly once redeemed, expired or still in a lot.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileOrThrow, header, partner, period, pot, t } from '../helpers/run.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import { LedgerProblemsError, type LedgerProblem } from '../../runtime/ledger/ledger.js';
import { expiryPeriod, LotBook } from '../../runtime/ledger/lots.js';
import { statementJson, explainPartner, statementCsv, statementTable } from '../../runtime/statement.js';
import { StatementJsonSchema } from '../../runtime/statement-schema.js';
import { runTests } from '../../runtime/tests.js';
import { parsePeriod, formatPeriod } from '../../core/periods.js';
import * as N from '../../runtime/num.js';

const program = (expire: string) => `${header({ period: 'month', currency: 'USD' })}
event purchase {
  amount: money
}
event redemption {
  stars: decimal
}
payout stars as points {
  ${expire}
}
rule "Stars" {
  for each purchase
  award floor(amount / 1 USD) to stars
}
rule "Reward" {
  for each redemption
  redeem stars from stars
}
`;

function run(source: string, files: Record<string, string>, opts: { reject?: boolean } = {}): { results: PeriodResult[]; problems: readonly LedgerProblem[] } {
  const a = compileOrThrow(source);
  const { input, data } = loadData(a, files);
  expect(input.problems).toEqual([]);
  let problems: readonly LedgerProblem[] = [];
  const results = new Evaluator(a).run(data, opts.reject ? { rejectRedemptions: (p) => (problems = p) } : {});
  return { results, problems };
}

const purchases = `id,partner,date,amount
S1,P1,2026-01-10,100.80
S2,P1,2026-02-03,40
S3,P2,2026-01-05,30
S4,P3,2026-01-20,50
`;
const redemptions = `id,partner,date,stars
R1,P1,2026-03-15,60
R2,P1,2026-04-20,40
R3,P2,2026-02-01,31
R4,P2,2026-02-02,10.5
R5,P3,2026-01-05,50
`;

describe('lots, expiry and redemptions (§13.1)', () => {
  const src = program('expire after 2 months');
  const { results: r, problems } = run(src, { 'purchase.csv': purchases, 'redemption.csv': redemptions }, { reject: true });
  const led = (p: string, id: string) => pot(r, p, id, 'stars').ledger!;

  it('what a period credits forms a lot dated by it, expiring at the end of the period N months after', () => {
    // P1: January credits floor(100.80) = 100 → a lot of 2026-01, expiring at the end of 2026-03 (January + 2 months).
    expect(t(pot(r, '2026-01', 'P1', 'stars').paid)).toBe('100');
    expect(led('2026-01', 'P1').lots.map((l) => [l.period, t(l.remaining), l.expires])).toEqual([['2026-01', '100', '2026-03']]);
    // February adds a lot of 40, expiring at the end of April.
    expect(led('2026-02', 'P1').lots.map((l) => [l.period, t(l.remaining), l.expires])).toEqual([
      ['2026-01', '100', '2026-03'],
      ['2026-02', '40', '2026-04'],
    ]);
    expect(t(led('2026-02', 'P1').balance)).toBe('140');
    // What expires at the end of the next period: at the end of February, the January lot (100) expires on 31 March.
    expect([t(led('2026-02', 'P1').expiring), led('2026-02', 'P1').expiringOn]).toEqual(['100', '2026-03-31']);
  });

  it('a lot expiring in the same period as a redemption: the redemption takes from it first, the rest expires', () => {
    // March: R1 redeems 60 from the January lot (oldest first): 100 − 60 = 40 left, which expires at the end of March.
    const m = led('2026-03', 'P1');
    expect([t(m.redeemed), t(m.expired), t(m.balance)]).toEqual(['60', '40', '40']);
    expect(m.lots.map((l) => [l.period, t(l.remaining)])).toEqual([['2026-02', '40']]);
    // The February lot (40) expires at the end of April.
    expect([t(m.expiring), m.expiringOn]).toEqual(['40', '2026-04-30']);
  });

  it('a redemption exactly equal to the balance empties the lots', () => {
    // April: R2 redeems 40 = the balance; nothing is left to expire.
    const a = led('2026-04', 'P1');
    expect([t(a.redeemed), t(a.expired), t(a.balance), a.lots.length]).toEqual(['40', '0', '0', 0]);
  });

  it('a redemption may use what its own period credits (earnings are settled per period)', () => {
    // P3: R5 (5 January) redeems 50 of the 50 that January credits (purchase of 20 January).
    const j = led('2026-01', 'P3');
    expect([t(j.redeemed), t(j.balance)]).toEqual(['50', '0']);
  });

  it('a redemption above the balance, or of a fraction of a point, is a problem of its record and is not applied at all', () => {
    // P2: 30 in the January lot; R3 asks 31 (D0401), R4 10.5 (D0402): neither is applied.
    expect(problems.map((p) => [p.code, p.id, p.message])).toEqual([
      ['D0401', 'R3', "redeems 31 points from `stars`, but the partner's balance there is 30 points at that point; the redemption is not applied"],
      ['D0402', 'R4', 'redeems 10.5 points from `stars`, which is not a whole number of points; the redemption is not applied'],
    ]);
    expect([t(led('2026-02', 'P2').redeemed), t(led('2026-02', 'P2').balance)]).toEqual(['0', '30']);
    // The January lot expires whole at the end of March.
    expect(t(led('2026-03', 'P2').expired)).toBe('30');
    // The statement counts the two records as rejected, in every period.
    expect(r.map((x) => x.rejected)).toEqual(r.map(() => 2));
  });

  it('without --reject, such a redemption fails the run, with every problem', () => {
    expect(() => run(src, { 'purchase.csv': purchases, 'redemption.csv': redemptions })).toThrow(LedgerProblemsError);
    try {
      run(src, { 'purchase.csv': purchases, 'redemption.csv': redemptions });
    } catch (e) {
      expect((e as LedgerProblemsError).problems.map((p) => p.id)).toEqual(['R3', 'R4']);
    }
  });

  it('statements: the JSON contract gives the ledger of a pot with lots; an explanation says what happened', () => {
    const a = compileOrThrow(src);
    const json = statementJson(a, period(r, '2026-03'));
    expect(StatementJsonSchema.safeParse(json).success).toBe(true);
    expect(json.partners.find((p) => p.id === 'P1')!.pots['stars']!.ledger).toEqual({
      balance: '40',
      redeemed: '60',
      expired: '40',
      expiring: { amount: '40', on: '2026-04-30' },
      lots: [{ period: '2026-02', remaining: '40', expires: '2026-04' }],
    });
    const text = explainPartner(a, period(r, '2026-03'), 'P1')!;
    expect(text).toContain('balance 40 in 1 lot (2026-02: 40, expires at the end of 2026-04), redeemed 60, expired 40; 40 expire on 2026-04-30');
    expect(text).toContain('Reward: R1 (2026-03-15) redeems 60 points, taken from 60 points of the lot of 2026-01');
    expect(text).toContain('40 points of the lot of 2026-01 expired at the end of 2026-03');
  });

  it('statements in CSV: the ledger’s columns, the same figures as the JSON; a pot without lots leaves them empty', () => {
    const two = program('expire after 2 months').replace('payout stars as points', 'payout cash as cash\npayout stars as points');
    const a = compileOrThrow(two);
    const { results } = run(two, { 'purchase.csv': purchases, 'redemption.csv': redemptions }, { reject: true });
    const lines = statementCsv(a, [period(results, '2026-03')]).split('\r\n');
    expect(lines[0]).toBe('period,partner,pot,earned,adjustments,carried_in,paid,carried,approval,balance,redeemed,expired,expiring,expiring_on');
    // P1 in March (as in the JSON above): balance 40, redeemed 60, expired 40, 40 expiring on 30 April
    expect(lines).toContain('2026-03,P1,stars,0,0,0,0,0,no,40,60,40,40,2026-04-30');
    expect(lines).toContain('2026-03,P1,cash,0.00,0.00,0.00,0.00,0.00,no,,,,,');
    // the table shows the balance of a pot with lots (and leaves it empty for a pot without)
    const table = statementTable(a, period(results, '2026-03')).split('\n');
    expect(table[2]).toMatch(/^partner +cash paid +stars paid +cash carried +stars carried +stars balance$/);
    expect(table.find((l) => l.startsWith('P1 '))!.split(/ +/)).toEqual(['P1', '0.00', '0', '0.00', '0', '40']);
    // a program without lots, holds or draws keeps the columns it had
    expect(statementCsv(compileOrThrow(program('minimum 1').replace('redeem stars from stars', 'award 0 to stars')), []).trim()).toBe('period,partner,pot,earned,adjustments,carried_in,paid,carried,approval');
  });

  it('without `expire after`, a pot redeemed from keeps lots that never expire', () => {
    const { results } = run(program('minimum 10'), { 'purchase.csv': purchases, 'redemption.csv': 'id,partner,date,stars\nR1,P1,2026-06-01,120\n' });
    // P1: 100 (January) + 40 (February) = 140, none expires; June redeems 120 → 20 left, in the February lot.
    const june = pot(results, '2026-06', 'P1', 'stars').ledger!;
    expect([t(june.redeemed), t(june.expired), t(june.balance)]).toEqual(['120', '0', '20']);
    expect(june.lots.map((l) => [l.period, t(l.remaining), l.expires])).toEqual([['2026-02', '20', undefined]]);
    // P2's 30 in January: above the minimum 10, credited; P3's 50 likewise.
    expect(t(pot(results, '2026-12', 'P2', 'stars').ledger!.balance)).toBe('30');
  });

  it('pots without lots have no ledger in statements', () => {
    const { results } = run(program('expire after 1 periods').replace('payout stars as points', 'payout cash as cash\npayout stars as points'), { 'purchase.csv': purchases, 'redemption.csv': 'id,partner,date,stars\n' });
    expect(pot(results, '2026-01', 'P1', 'cash').ledger).toBeUndefined();
    // `expire after 1 periods`: January's 100 expire at the end of February.
    expect(t(pot(results, '2026-02', 'P1', 'stars').ledger!.expired)).toBe('100');
    expect(partner(period(results, '2026-02'), 'P1').pots['stars']!.ledger!.lots.map((l) => l.period)).toEqual(['2026-02']);
  });
});

describe('the expiry period of a lot', () => {
  const at = (p: string, n: number, unit: 'months' | 'periods') => formatPeriod(expiryPeriod(parsePeriod(p)!, n, unit));
  it('N periods: the period N after', () => {
    expect(at('2026-11', 3, 'periods')).toBe('2027-02');
    expect(at('2026-Q4', 1, 'periods')).toBe('2027-Q1');
  });
  it('N months: the period holding the month N months after the lot’s last month', () => {
    expect(at('2026-01', 6, 'months')).toBe('2026-07');
    expect(at('2026-Q1', 12, 'months')).toBe('2027-Q1');
    // 31 March + 4 months is in July: the third quarter.
    expect(at('2026-Q1', 4, 'months')).toBe('2026-Q3');
    // A year's lot always outlives its year: December 2026 + 6 months is June 2027.
    expect(at('2026', 6, 'months')).toBe('2027');
  });
});

describe('tests expect the ledger’s figures (§13.1)', () => {
  it('balance, expired, redeemed and carried; a redemption above the balance is a problem of the test’s data', () => {
    const src = `${program('expire after 2 months\n  minimum 10')}
test "March" {
  period 2026-03
  purchase { partner: "P1", date: 2026-01-10, amount: 100 USD }
  purchase { partner: "P1", date: 2026-02-10, amount: 40 USD }
  purchase { partner: "P1", date: 2026-03-10, amount: 9 USD }
  redemption { partner: "P1", date: 2026-03-15, stars: 60 }
  expect "P1" stars balance = 40
  expect "P1" stars expired = 40
  expect "P1" stars redeemed = 60
  expect "P1" stars carried = 9
  expect "P1" stars = 0
}
test "too much" {
  period 2026-01
  purchase { partner: "P1", date: 2026-01-10, amount: 10 USD }
  redemption { partner: "P1", date: 2026-01-15, stars: 11 }
  expect "P1" stars balance = 0
}
`;
    const out = runTests(compileOrThrow(src));
    expect(out[0]!.failures).toEqual([]);
    expect(out[1]!.failures.map((f) => [f.code, f.message])).toEqual([
      ['T0002', 'test data: redemption "redemption-1" of partner "P1" (2026-01-15): redeems 11 points from `stars`, but the partner\'s balance there is 10 points at that point; the redemption is not applied'],
    ]);
  });
});

describe('properties', () => {
  it('in a book of lots, every point credited is exactly once redeemed, expired or still in a lot', () => {
    const step = fc.oneof(fc.record({ op: fc.constant('credit' as const), n: fc.integer({ min: 0, max: 50 }) }), fc.record({ op: fc.constant('redeem' as const), n: fc.integer({ min: 0, max: 80 }) }));
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 4 }), { maxLength: 14 }), fc.integer({ min: 1, max: 4 }), (periods, n) => {
        const book = new LotBook();
        let credited = 0;
        let redeemed = 0;
        let expired = 0;
        periods.forEach((steps, i) => {
          const p = { unit: 'month' as const, year: 2026 + Math.floor(i / 12), index: (i % 12) + 1 };
          for (const s of steps) {
            if (s.op === 'credit') {
              book.credit('P', p, N.int(s.n), { count: n, unit: 'periods' });
              credited += s.n;
            } else {
              const before = Number(N.toText(book.balance('P')));
              const taken = book.redeem('P', N.int(s.n));
              if (taken) {
                redeemed += s.n;
                expect(taken.reduce((x, y) => x + Number(N.toText(y.amount)), 0)).toBe(s.n);
              } else expect(s.n).toBeGreaterThan(before); // refused only above the balance, and then nothing is taken
              expect(Number(N.toText(book.balance('P')))).toBe(taken ? before - s.n : before);
            }
          }
          for (const g of book.expire('P', formatPeriod(p))) expired += Number(N.toText(g.amount));
          // oldest first: the lots kept are in period order, each above zero
          const lots = book.lots('P');
          expect(lots.every((l, k) => N.sign(l.remaining) > 0 && (k === 0 || lots[k - 1]!.period <= l.period))).toBe(true);
        });
        expect(credited).toBe(redeemed + expired + Number(N.toText(book.balance('P'))));
      }),
    );
  });

  it('row order never matters: redemptions are applied in (date, id) order whatever the order of the records', () => {
    const src = program('expire after 2 months');
    const a = compileOrThrow(src);
    const row = fc.record({ partner: fc.constantFrom('P1', 'P2'), month: fc.integer({ min: 1, max: 6 }), day: fc.constantFrom(1, 15), amount: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 10 }), fc.array(row, { maxLength: 10 }), fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (buys, uses, seed) => {
        const date = (x: { month: number; day: number }) => `2026-0${x.month}-${String(x.day).padStart(2, '0')}`;
        const lines = (rows: string[]) => {
          const out = [...rows];
          for (let i = out.length - 1; i > 0; i--) {
            const j = seed[i % seed.length]! % (i + 1);
            [out[i], out[j]] = [out[j]!, out[i]!];
          }
          return out;
        };
        const files = (shuffle: boolean) => {
          const b = buys.map((x, i) => `S${i},${x.partner},${date(x)},${x.amount}`);
          const u = uses.map((x, i) => `R${i},${x.partner},${date(x)},${x.amount}`);
          return { 'purchase.csv': `id,partner,date,amount\n${(shuffle ? lines(b) : b).join('\n')}\n`, 'redemption.csv': `id,partner,date,stars\n${(shuffle ? lines(u) : u).join('\n')}\n` };
        };
        const once = (shuffle: boolean) => {
          const { results, problems } = run(src, files(shuffle), { reject: true });
          return { statements: results.map((r) => statementJson(a, r)), problems: problems.map((p) => p.id) };
        };
        expect(once(true)).toEqual(once(false));
      }),
      { numRuns: 30 },
    );
  });

  it('over a run, what a pot credits is exactly once redeemed, expired or in the lots at the end', () => {
    const src = program('expire after 3 months');
    const row = fc.record({ partner: fc.constantFrom('P1', 'P2'), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }), amount: fc.integer({ min: 0, max: 60 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.array(row, { maxLength: 10 }), (buys, uses) => {
        const date = (x: { month: number; day: number }) => `2026-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`;
        const files = {
          'purchase.csv': `id,partner,date,amount\n${buys.map((b, i) => `S${i},${b.partner},${date(b)},${b.amount}`).join('\n')}\n`,
          'redemption.csv': `id,partner,date,stars\n${uses.map((u, i) => `R${i},${u.partner},${date(u)},${u.amount}`).join('\n')}\n`,
        };
        const { results } = run(src, files, { reject: true });
        for (const id of ['P1', 'P2']) {
          let credited = 0;
          let gone = 0;
          for (const r of results) {
            const x = r.partners.find((p) => p.id === id)?.pots['stars'];
            if (!x) continue;
            credited += Number(N.toText(x.paid));
            gone += Number(N.toText(x.ledger!.redeemed)) + Number(N.toText(x.ledger!.expired));
          }
          const last = results[results.length - 1]?.partners.find((p) => p.id === id)?.pots['stars']?.ledger;
          expect(credited).toBe(gone + (last ? Number(N.toText(last.balance)) : 0));
        }
      }),
      { numRuns: 40 },
    );
  });
});
