/**
 * §12.3 case by case: `interpolate`, `previous NAME`, tiers that fall at most N levels, `NAME at
 * DATE`, `ref` fields. Small programs over inline CSV; every expected number is worked out by hand
 * in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { EvalError } from '../../runtime/compile-ir.js';
import { award, header, partner, period, runProgram, tier, value } from '../helpers/run.js';

describe('interpolate (§12.3)', () => {
  const src = `${header()}
partner {
  target: money
}
event sale { amount: money }
measure revenue = sum sale.amount
let attainment = revenue / partner.target
let rate = interpolate attainment { 80%: 2%, 120%: 6%, 200%: 7% }
let flat = interpolate revenue { 1_000 EUR: 10 EUR, 4_000 EUR: 20 EUR }
payout cash as cash
rule "Commission" {
  for each partner
  award revenue * rate to cash
}
`;
  const r = runProgram(src, {
    'partners.csv': `id,target
      A,1000
      B,1000
      C,1000
      D,1000
      E,3000`,
    'sale.csv': `id,partner,date,amount
      S1,A,2026-01-10,500
      S2,B,2026-01-10,950
      S3,C,2026-01-10,1200
      S4,D,2026-01-10,3000
      S5,E,2026-01-10,2000`,
  });

  it.each([
    ['A', '0.02', '10'], // 50%, below the first point: 2%; 500 × 2% = 10
    ['B', '0.035', '33.25'], // 95%: 2% + (95% − 80%) × (6% − 2%) ÷ (120% − 80%) = 2% + 15% × 4% ÷ 40% = 3.5%; 950 × 3.5% = 33.25
    ['C', '0.06', '72'], // exactly at 120%: 6%
    ['D', '0.07', '210'], // 300%, above the last point: 7%
  ])('partner %s: rate %s, commission %s', (p, rate, commission) => {
    expect(value(r, '2026-Q1', p, 'rate')).toBe(rate);
    expect(award(r, '2026-Q1', p, 'Commission')).toBe(commission);
  });

  it('is exact decimal, rounded only where a division does not come out even', () => {
    // E: 2000 / 3000 = 0.666…7 (34 digits), below 80%: 2%
    expect(value(r, '2026-Q1', 'E', 'rate')).toBe('0.02');
    // money values: 1,000 → 10 EUR, 4,000 → 20 EUR; E's 2,000: 10 + (2000 − 1000) × 10 ÷ 3000 = 13.333…3 EUR (34 digits)
    expect(value(r, '2026-Q1', 'E', 'flat')).toBe('13.33333333333333333333333333333333');
  });

  it('says which points it interpolated between', () => {
    expect(partner(period(r, '2026-Q1'), 'B').awards[0]!.trace).toBe(
      'Commission: revenue 950.00 EUR, attainment 0.95 is between 80% and 120%: interpolated → 0.035 → 33.25 EUR',
    );
  });
});

describe('previous NAME (§12.3)', () => {
  const src = `${header({ period: 'month' })}
event sale { amount: money }
measure revenue = sum sale.amount
measure biggest = max sale.amount else 1 EUR
tier status by revenue {
  Member
  Silver from 100 EUR
  Gold from 1_000 EUR
}
let growth = revenue - previous revenue
let streak = if revenue > 0 EUR then previous streak + 1 else 0
let was = previous status
let before_biggest = previous biggest
payout points as points
rule "Streak" {
  for each partner where streak >= 3 and was >= Silver
  award 100 to points
}
`;
  const r = runProgram(src, {
    'sale.csv': `id,partner,date,amount
      S1,P1,2026-01-10,150
      S2,P1,2026-02-10,50
      S3,P1,2026-03-10,1500
      S4,P1,2026-04-10,10
      S5,P1,2026-06-10,10`,
  });

  it('the first period reads the values before the program: measures on no events, tiers and lets computed from them', () => {
    expect(value(r, '2026-01', 'P1', 'growth')).toBe('150'); // 150 − 0
    expect(value(r, '2026-01', 'P1', 'streak')).toBe('1'); // 0 (before the program: no revenue) + 1
    expect(tier(r, '2026-01', 'P1', 'status')).toBe('Silver');
    expect(value(r, '2026-01', 'P1', 'was')).toBe('0'); // Member (the level's index)
    expect(value(r, '2026-01', 'P1', 'before_biggest')).toBe('1'); // the measure's `else`, on no events
  });

  it('later periods read the period before', () => {
    expect(value(r, '2026-02', 'P1', 'growth')).toBe('-100'); // 50 − 150
    expect(value(r, '2026-03', 'P1', 'streak')).toBe('3');
    expect(value(r, '2026-03', 'P1', 'was')).toBe('0'); // February: 50, Member
    expect(value(r, '2026-04', 'P1', 'was')).toBe('2'); // March: Gold
    expect(value(r, '2026-04', 'P1', 'before_biggest')).toBe('1500');
    expect(value(r, '2026-05', 'P1', 'streak')).toBe('0'); // no sale in May
    expect(value(r, '2026-06', 'P1', 'streak')).toBe('1');
  });

  it('a rule on a streak and the previous level', () => {
    expect(award(r, '2026-03', 'P1', 'Streak')).toBe('none'); // streak 3, but February was Member
    expect(award(r, '2026-04', 'P1', 'Streak')).toBe('100'); // streak 4, March was Gold
  });
});

describe('down at most N level[s] per period|year (§12.3)', () => {
  const src = (per: string, n: number) => `${header({ period: 'quarter', start: '2025-01-01', end: '2026-12-31' })}
event sale { amount: money }
measure revenue = sum sale.amount
tier status by revenue {
  Member
  Silver from 100 EUR
  Gold from 1_000 EUR
  Platinum from 10_000 EUR
  down at most ${n} level${n === 1 ? '' : 's'} per ${per}
}
payout points as points
rule "Level" {
  for each partner
  award status to points
}
`.replace('award status to points', 'award lookup status { Member: 0, Silver: 1, Gold: 2, Platinum: 3 } to points');
  const files = {
    'sale.csv': `id,partner,date,amount
      S1,P1,2025-01-10,20000
      S2,P1,2025-04-10,5
      S3,P1,2025-07-10,5
      S4,P1,2025-10-10,1500
      S5,P1,2026-01-10,5
      S6,P1,2026-04-10,5`,
  };

  it('per period: at most N levels below the level at the end of the previous period', () => {
    const r = runProgram(src('period', 1), files);
    // Q1 2025 Platinum (no floor in the first period); Q2 reaches Member, held at Gold; Q3 at Silver;
    // Q4 reaches Gold (upgrades are immediate); 2026-Q1 Silver; Q2 Member.
    expect(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2'].map((p) => tier(r, p, 'P1', 'status'))).toEqual([
      'Platinum', 'Gold', 'Silver', 'Gold', 'Silver', 'Member',
    ]);
  });

  it('per year: at most N levels below the level at the end of the previous year, all year long', () => {
    const r = runProgram(src('year', 1), files);
    // 2025 (no previous year): as reached: Platinum, Member, Member, Gold; 2026 falls at most one
    // level below Gold (the end of 2025): Silver, all year.
    expect(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2'].map((p) => tier(r, p, 'P1', 'status'))).toEqual([
      'Platinum', 'Member', 'Member', 'Gold', 'Silver', 'Silver',
    ]);
    // an explanation says why
    expect(partner(period(r, '2026-Q2'), 'P1').held).toEqual({ status: 'status Silver: it reached Member, and falls at most 1 level below Gold, its level at the end of the previous year' });
    expect(partner(period(r, '2025-Q4'), 'P1').held).toBeUndefined();
  });

  it('down at most 0 levels per year: a level reached is kept through the next year', () => {
    const r = runProgram(src('year', 0), files);
    expect(['2025-Q4', '2026-Q1', '2026-Q2'].map((p) => tier(r, p, 'P1', 'status'))).toEqual(['Gold', 'Gold', 'Gold']);
  });
});

describe('NAME at DATE and ref fields (§12.3)', () => {
  const src = `${header({ period: 'quarter' })}
event sale { amount: money }
event return {
  sale: ref sale
}
measure revenue = sum sale.amount
let rate = bands revenue {
  below 1_000 EUR: 1%
  from 1_000 EUR: 3%
}
payout credit as credit { cap 1_000 EUR per partner }
rule "Rebate" {
  for each sale
  award amount * rate to credit
}
rule "Return at the original rate" {
  for each return
  award -return.sale.amount * (rate at sale.date) to credit
}
`;
  const r = runProgram(src, {
    'sale.csv': `id,partner,date,amount
      S1,P1,2026-02-01,1500
      S2,P1,2026-05-01,200`,
    'return.csv': `id,partner,date,sale
      R1,P1,2026-05-10,S1`,
  });

  it("a return reads its sale through the ref, at the rate of the sale's quarter", () => {
    expect(award(r, '2026-Q1', 'P1', 'Rebate')).toBe('45'); // 1,500 × 3%
    // Q2: 200 × 1% = 2; the return of S1 at Q1's 3%: −1,500 × 3% = −45
    expect(award(r, '2026-Q2', 'P1', 'Rebate')).toBe('2');
    expect(award(r, '2026-Q2', 'P1', 'Return at the original rate')).toBe('-45');
  });

  it('a date after the period evaluated is an evaluation error (R0005)', () => {
    const bad = src.replace('(rate at sale.date)', '(rate at 2026-12-01)');
    let error: unknown;
    try {
      runProgram(bad, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-02-01,1500', 'return.csv': 'id,partner,date,sale\nR1,P1,2026-02-10,S1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvalError);
    expect((error as EvalError).code).toBe('R0005');
    expect((error as Error).message).toBe('rule "Return at the original rate", return "R1" of partner "P1": `rate at …`: 2026-12-01 is in 2026-Q4, after the period being evaluated (2026-Q1)');
  });

  it('a date before the start reads the first period', () => {
    const early = src.replace('(rate at sale.date)', '(rate at 2020-01-01)');
    const r2 = runProgram(early, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-02-01,1500\nS2,P1,2026-05-01,200', 'return.csv': 'id,partner,date,sale\nR1,P1,2026-05-10,S2' });
    expect(award(r2, '2026-Q2', 'P1', 'Return at the original rate')).toBe('-6'); // −200 × Q1's 3%
  });
});
