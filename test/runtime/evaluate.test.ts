/**
 * The evaluator's semantics (spec §6–§9, §11), case by case: each test runs a small program over
 * small inline CSV data, and every expected number is worked out by hand in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import * as N from '../../runtime/num.js';
import { header, paid, partner, period, runFull, runProgram, t, tier, value, why } from '../helpers/run.js';

describe('windows (§6)', () => {
  const src = `${header()}
event sale { amount: money }
measure m_this = sum sale.amount
measure m_prev = sum sale.amount over previous period
measure m_ytd  = sum sale.amount over year to date
measure m_py   = sum sale.amount over previous year
measure m_l2m  = sum sale.amount over last 2 months
measure m_l2q  = sum sale.amount over last 2 quarters
measure m_l1y  = sum sale.amount over last 1 years
measure m_l3p  = sum sale.amount over last 3 periods
measure m_ptd  = sum sale.amount over program to date
payout cash as cash
rule "Pay" {
  for each sale
  award amount to cash
}
`;
  const files = {
    'sale.csv': `id,partner,date,amount
      E0,P1,2025-06-15,1
      E1,P1,2025-12-20,10
      E2,P1,2026-01-10,100
      E3,P1,2026-03-31,1000
      E4,P1,2026-04-01,10000
      E5,P1,2026-07-15,100000`,
  };
  const r = runProgram(src, files);

  it('in Q1, windows that reach before the start count the earlier events', () => {
    expect(value(r, '2026-Q1', 'P1', 'm_this')).toBe('1100'); // E2 100 + E3 1000 (2026-03-31 is Q1's last day)
    expect(value(r, '2026-Q1', 'P1', 'm_prev')).toBe('10'); // 2025-Q4: E1
    expect(value(r, '2026-Q1', 'P1', 'm_ytd')).toBe('1100'); // 2026-01-01..03-31
    expect(value(r, '2026-Q1', 'P1', 'm_py')).toBe('11'); // 2025: E0 1 + E1 10
    expect(value(r, '2026-Q1', 'P1', 'm_l2m')).toBe('1000'); // Feb–Mar 2026: E3
    expect(value(r, '2026-Q1', 'P1', 'm_l2q')).toBe('1110'); // 2025-Q4 + 2026-Q1: 10 + 1100
    expect(value(r, '2026-Q1', 'P1', 'm_l1y')).toBe('1111'); // 2025-04-01..2026-03-31: 1 + 10 + 1100
    expect(value(r, '2026-Q1', 'P1', 'm_l3p')).toBe('1110'); // 2025-07-01..2026-03-31: 10 + 1100 (E0 is June)
    expect(value(r, '2026-Q1', 'P1', 'm_ptd')).toBe('1100'); // from the start 2026-01-01 only
  });

  it('in Q3', () => {
    expect(value(r, '2026-Q3', 'P1', 'm_this')).toBe('100000'); // E5
    expect(value(r, '2026-Q3', 'P1', 'm_prev')).toBe('10000'); // Q2: E4
    expect(value(r, '2026-Q3', 'P1', 'm_ytd')).toBe('111100'); // 100 + 1000 + 10000 + 100000
    expect(value(r, '2026-Q3', 'P1', 'm_py')).toBe('11'); // still 2025
    expect(value(r, '2026-Q3', 'P1', 'm_l2m')).toBe('0'); // Aug–Sep: nothing
    expect(value(r, '2026-Q3', 'P1', 'm_l2q')).toBe('110000'); // Q2 + Q3
    expect(value(r, '2026-Q3', 'P1', 'm_l1y')).toBe('111110'); // 2025-10-01..2026-09-30: 10 + 1100 + 10000 + 100000
    expect(value(r, '2026-Q3', 'P1', 'm_l3p')).toBe('111100'); // Q1..Q3
    expect(value(r, '2026-Q3', 'P1', 'm_ptd')).toBe('111100');
    expect(value(r, '2026-Q4', 'P1', 'm_prev')).toBe('100000'); // Q3
  });

  it('events before the start never earn', () => {
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('1100'); // E2 + E3; E0 and E1 are before 2026-01-01
    expect(r.map((x) => x.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']); // no 2025 period
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('10000');
  });

  it('a monthly program: last 3 periods are 3 months', () => {
    const m = runProgram(
      `${header({ period: 'month', end: '2026-03-31' })}
event sale { amount: money }
measure l3 = sum sale.amount over last 3 periods
measure pp = sum sale.amount over previous period
`,
      { 'sale.csv': `id,partner,date,amount\nA,P1,2025-11-30,1\nB,P1,2025-12-01,2\nC,P1,2026-01-31,4\nD,P1,2026-02-01,8` },
    );
    expect(value(m, '2026-01', 'P1', 'l3')).toBe('7'); // Nov..Jan: 1 + 2 + 4 (B and A before the start still count)
    expect(value(m, '2026-02', 'P1', 'l3')).toBe('14'); // Dec..Feb: 2 + 4 + 8
    expect(value(m, '2026-01', 'P1', 'pp')).toBe('2'); // December 2025: B
    expect(value(m, '2026-03', 'P1', 'pp')).toBe('8'); // February: D
  });
});

describe('measures (§6)', () => {
  const src = `${header()}
partner { region: one of "EMEA", "AMER" }
event sale { sku: text  category: one of "hw", "sw"  amount: money  quantity: integer }
measure revenue   = sum sale.amount
measure units     = sum sale.quantity
measure hw_rev    = sum sale.amount where sale.category = "hw"
measure n_sales   = count sale
measure n_hw      = count sale where category = "hw"
measure skus      = count distinct sale.sku
measure smallest  = min sale.amount else 0 EUR
measure largest   = max sale.amount else 0 EUR
measure avg_hw    = average sale.amount where category = "hw" else 1 EUR
measure avg_units = average sale.quantity else 0
`;
  const r = runProgram(src, {
    'partners.csv': `id,region\nP1,EMEA\nP2,AMER`,
    'sale.csv': `id,partner,date,sku,category,amount,quantity
      S1,P1,2026-01-02,A,hw,10.50,2
      S2,P1,2026-02-02,A,sw,20,3
      S3,P1,2026-03-02,B,hw,4.25,5`,
  });
  it('sum, count, count distinct, min, max, average with where', () => {
    expect(value(r, '2026-Q1', 'P1', 'revenue')).toBe('34.75'); // 10.50 + 20 + 4.25
    expect(value(r, '2026-Q1', 'P1', 'units')).toBe('10'); // 2 + 3 + 5
    expect(value(r, '2026-Q1', 'P1', 'hw_rev')).toBe('14.75'); // 10.50 + 4.25
    expect(value(r, '2026-Q1', 'P1', 'n_sales')).toBe('3');
    expect(value(r, '2026-Q1', 'P1', 'n_hw')).toBe('2');
    expect(value(r, '2026-Q1', 'P1', 'skus')).toBe('2'); // A, B
    expect(value(r, '2026-Q1', 'P1', 'smallest')).toBe('4.25');
    expect(value(r, '2026-Q1', 'P1', 'largest')).toBe('20');
    expect(value(r, '2026-Q1', 'P1', 'avg_hw')).toBe('7.375'); // (10.50 + 4.25) / 2
    // 10 / 3 to 34 significant digits, half-even: 3.333…3 (34 threes)
    expect(value(r, '2026-Q1', 'P1', 'avg_units')).toBe('3.' + '3'.repeat(33));
  });
  it('no events: sums and counts are zero, min/max/average take else', () => {
    expect(value(r, '2026-Q1', 'P2', 'revenue')).toBe('0');
    expect(value(r, '2026-Q1', 'P2', 'n_sales')).toBe('0');
    expect(value(r, '2026-Q1', 'P2', 'skus')).toBe('0');
    expect(value(r, '2026-Q1', 'P2', 'smallest')).toBe('0');
    expect(value(r, '2026-Q1', 'P2', 'largest')).toBe('0');
    expect(value(r, '2026-Q1', 'P2', 'avg_hw')).toBe('1'); // else 1 EUR
    expect(value(r, '2026-Q2', 'P1', 'avg_hw')).toBe('1'); // P1 has no Q2 sale
  });
});

describe('tiers, lookups, bands, marginal (§5, §7)', () => {
  const src = `${header()}
partner { region: one of "EMEA", "AMER", "APAC" }
event sale { amount: money }
measure revenue = sum sale.amount
tier status by revenue {
  Member
  Silver from 100 EUR
  Gold   from 200 EUR
}
let mult = lookup status { Member: 1, Silver: 2, Gold: 3 }
let region_bonus = lookup partner.region { "EMEA": 1, "AMER": 2, else: 0 }
let rate = bands revenue {
  below 100 EUR: 1%
  from 100 EUR: 2%
  from 200 EUR: 3%
}
let tax = marginal revenue {
  below 1000 EUR: 1%
  from 1000 EUR: 2%
  from 5000 EUR: 5%
}
payout cash as cash
rule "Level" {
  for each partner where status >= Silver
  award 10 EUR * mult to cash
}
`;
  const r = runProgram(src, {
    'partners.csv': `id,region\nP1,EMEA\nP2,AMER\nP3,APAC\nP4,EMEA\nP5,EMEA\nP6,EMEA`,
    'sale.csv': `id,partner,date,amount
      S1,P1,2026-01-02,100
      S2,P2,2026-01-02,99.99
      S3,P3,2026-01-02,200
      S4,P4,2026-01-02,7000
      S5,P5,2026-01-02,1000
      S6,P6,2026-01-02,5000`,
  });
  it('a value exactly on a threshold reaches the level', () => {
    expect(tier(r, '2026-Q1', 'P1', 'status')).toBe('Silver'); // 100 = 100
    expect(tier(r, '2026-Q1', 'P2', 'status')).toBe('Member'); // 99.99 < 100
    expect(tier(r, '2026-Q1', 'P3', 'status')).toBe('Gold'); // 200 = 200
    expect(tier(r, '2026-Q2', 'P3', 'status')).toBe('Member'); // no Q2 sales
  });
  it('lookup on tiers and on enums; levels compare by order', () => {
    expect(value(r, '2026-Q1', 'P1', 'mult')).toBe('2');
    expect(value(r, '2026-Q1', 'P3', 'mult')).toBe('3');
    expect(value(r, '2026-Q1', 'P1', 'region_bonus')).toBe('1'); // EMEA
    expect(value(r, '2026-Q1', 'P2', 'region_bonus')).toBe('2'); // AMER
    expect(value(r, '2026-Q1', 'P3', 'region_bonus')).toBe('0'); // APAC → else
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('20'); // Silver >= Silver: 10 × 2
    expect(paid(r, '2026-Q1', 'P3', 'cash')).toBe('30'); // Gold: 10 × 3
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('0'); // Member < Silver
    expect(why(r, '2026-Q1', 'P2', 'Level')).toBe('status Member < Silver');
  });
  it('bands: a value exactly on a threshold takes that band', () => {
    expect(value(r, '2026-Q1', 'P1', 'rate')).toBe('0.02'); // 100 → from 100
    expect(value(r, '2026-Q1', 'P2', 'rate')).toBe('0.01'); // 99.99 → below 100
    expect(value(r, '2026-Q1', 'P3', 'rate')).toBe('0.03'); // 200 → from 200
  });
  it('marginal: each part at its own rate', () => {
    expect(value(r, '2026-Q1', 'P4', 'tax')).toBe('190'); // 1000×1% + 4000×2% + 2000×5% = 10 + 80 + 100
    expect(value(r, '2026-Q1', 'P5', 'tax')).toBe('10'); // exactly 1000: 1000×1% (+ 0 × 2%)
    expect(value(r, '2026-Q1', 'P6', 'tax')).toBe('90'); // exactly 5000: 10 + 4000×2%
    expect(value(r, '2026-Q1', 'P2', 'tax')).toBe('0.9999'); // 99.99 × 1%
  });
});

describe('rules (§9)', () => {
  it('for each event: ordered by (date, id); once per partner keeps the first over the whole run', () => {
    const r = runProgram(
      `${header()}
event sale { amount: money }
payout cash as cash
rule "First sale" {
  for each sale
  award amount to cash
  once per partner
}
`,
      { 'sale.csv': `id,partner,date,amount\nS0,P1,2026-01-06,9\nSb,P1,2026-01-05,5\nSa,P1,2026-01-05,7\nQ2,P1,2026-04-01,100` },
    );
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('7'); // 2026-01-05 ties; id "Sa" < "Sb" → Sa, 7
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('0'); // already awarded in Q1
    expect(why(r, '2026-Q2', 'P1', 'First sale')).toBe('once per partner: already awarded in 2026-Q1');
  });

  it('an explanation describes the state as of its own period: a once rule awarded later is not "already awarded"', () => {
    const r = runProgram(
      `${header()}
event training { course: text }
payout points as points
rule "Certified" {
  for each training where course = "Router Pro"
  award 500 to points
  once per partner
}
`,
      { 'training.csv': `id,partner,date,course\nT1,P1,2026-02-05,Wi-Fi Design\nT2,P1,2026-11-05,Router Pro\nT3,P1,2026-12-01,Router Pro` },
    );
    expect(paid(r, '2026-Q4', 'P1', 'points')).toBe('500'); // T2, the first Router Pro training
    // In Q1 the award (in Q4) has not happened yet: the reason is Q1's own training.
    expect(why(r, '2026-Q1', 'P1', 'Certified')).toBe('1 training event in 2026-Q1, none where course = "Router Pro"; e.g. T1: course "Wi-Fi Design" ≠ "Router Pro"');
    expect(why(r, '2026-Q2', 'P1', 'Certified')).toBe('no training event in 2026-Q2');
  });

  it('once per partner per period: the first in each period', () => {
    const r = runProgram(
      `${header()}
event training { course: text }
payout points as points
rule "Trained" {
  for each training
  award 100 to points
  once per partner per period
}
`,
      { 'training.csv': `id,partner,date,course\nT1,P1,2026-01-05,A\nT2,P1,2026-02-05,B\nT3,P1,2026-04-05,C` },
    );
    expect(paid(r, '2026-Q1', 'P1', 'points')).toBe('100'); // T1 only, not T2
    expect(paid(r, '2026-Q2', 'P1', 'points')).toBe('100'); // T3
  });

  it('for each partner with once per partner: only the first period in which it qualifies', () => {
    const r = runProgram(
      `${header()}
partner { kind: one of "distributor", "reseller" }
event sale { amount: money }
measure revenue = sum sale.amount
payout cash as cash
rule "Welcome" {
  for each partner where partner.kind = "distributor" and revenue > 0 EUR
  award 5 EUR to cash
  once per partner
}
rule "Every quarter" {
  for each partner where partner.kind = "distributor"
  award 1 EUR to cash
}
`,
      {
        'partners.csv': `id,kind\nD1,distributor\nR1,reseller`,
        'sale.csv': `id,partner,date,amount\nS1,D1,2026-04-02,10\nS2,D1,2026-07-02,10\nS3,R1,2026-01-02,10`,
      },
    );
    expect(paid(r, '2026-Q1', 'D1', 'cash')).toBe('1'); // no revenue in Q1: only "Every quarter"
    expect(paid(r, '2026-Q2', 'D1', 'cash')).toBe('6'); // first qualifying period: 5 + 1
    expect(paid(r, '2026-Q3', 'D1', 'cash')).toBe('1'); // once: 1 only
    expect(paid(r, '2026-Q1', 'R1', 'cash')).toBe('0'); // a reseller
    expect(why(r, '2026-Q1', 'R1', 'Every quarter')).toBe('partner.kind "reseller" ≠ "distributor"');
    expect(why(r, '2026-Q1', 'D1', 'Welcome')).toBe('revenue 0.00 EUR = 0 EUR');
    expect(why(r, '2026-Q3', 'D1', 'Welcome')).toBe('once per partner: already awarded in 2026-Q2');
  });

  it('cap X per event limits each award; rule cap limits the sum', () => {
    const r = runProgram(
      `${header()}
event sale { amount: money }
payout a as cash
payout b as cash
rule "Per event" {
  for each sale
  award amount to a
  cap 50 EUR per event
}
rule "Per rule" {
  for each sale
  award amount to b
  cap 100 EUR
}
`,
      { 'sale.csv': `id,partner,date,amount\nS1,P1,2026-01-02,30\nS2,P1,2026-01-03,80\nS3,P2,2026-01-03,60` },
    );
    expect(paid(r, '2026-Q1', 'P1', 'a')).toBe('80'); // 30 + min(80, 50)
    expect(paid(r, '2026-Q1', 'P1', 'b')).toBe('100'); // min(30 + 80, 100)
    expect(paid(r, '2026-Q1', 'P2', 'b')).toBe('60'); // under the cap
    const tr = partner(period(r, '2026-Q1'), 'P1').awards.find((x) => x.rule === 'Per rule')!.trace;
    expect(tr).toContain('rule cap 100.00 EUR');
  });

  it('for top N: sorted by key, then by, then partner id; exactly N; rank in the explanation', () => {
    const r = runProgram(
      `${header()}
event sale { amount: money }
measure revenue = sum sale.amount
measure n = count sale
payout trip as item { value 1_000 EUR }
rule "Top" {
  for top 3 partners by revenue then by n where revenue >= 200 EUR
  award 1 to trip
}
`,
      {
        'sale.csv': `id,partner,date,amount
          A1,P1,2026-01-02,500
          B1,P2,2026-01-02,200
          B2,P2,2026-01-02,100
          B3,P2,2026-01-02,100
          C1,P3,2026-01-02,200
          C2,P3,2026-01-02,100
          C3,P3,2026-01-02,100
          D1,P4,2026-01-02,80
          D2,P4,2026-01-02,80
          D3,P4,2026-01-02,80
          D4,P4,2026-01-02,80
          D5,P4,2026-01-02,80
          E1,P5,2026-01-02,100`,
      },
    );
    // revenue: P1 500; P2, P3, P4 400 with n 3, 3, 5; P5 100 (does not qualify)
    // order: P1, P4 (n 5), P2, P3 (P2 < P3 by id) → top 3 = P1, P4, P2
    const q1 = period(r, '2026-Q1');
    expect(['P1', 'P2', 'P3', 'P4', 'P5'].map((p) => paid(r, '2026-Q1', p, 'trip'))).toEqual(['1', '1', '0', '1', '0']);
    expect(t(q1.totals.trip!.paid)).toBe('3'); // exactly N
    expect(why(r, '2026-Q1', 'P3', 'Top')).toBe('ranked 4th of 4, tied with P2 (ties are settled by partner id); only the top 3 are awarded');
    expect(why(r, '2026-Q1', 'P5', 'Top')).toBe('revenue 100.00 EUR < 200 EUR');
    expect(partner(q1, 'P2').awards[0]!.trace).toContain('ranked 3rd of 4 (top 3), tied with P3 (ties are settled by partner id)');
    expect(partner(q1, 'P4').awards[0]!.trace).toContain('ranked 2nd of 4 (top 3) →'); // 400 like P2, P3, but n 5: no tie
    expect(t(q1.cost)).toBe('3000'); // 3 trips × 1,000 EUR
  });

  it('division by zero is an evaluation error naming the rule (or measure, let) and the record', () => {
    const src = `${header()}
event sale { amount: money  quantity: integer }
payout cash as cash
rule "Unit price" {
  for each sale
  award amount / quantity to cash
}
`;
    expect(() => runProgram(src, { 'sale.csv': `id,partner,date,amount,quantity\nS1,P1,2026-01-02,10,2\nS2,P1,2026-01-03,10,0` })).toThrow(
      /rule "Unit price", sale "S2" of partner "P1": division by zero/,
    );
    expect(paid(runProgram(src, { 'sale.csv': `id,partner,date,amount,quantity\nS1,P1,2026-01-02,10,4` }), '2026-Q1', 'P1', 'cash')).toBe('2.5'); // 10 / 4
    const lets = `${header()}
event sale { amount: money  quantity: integer }
measure units = sum sale.quantity
measure revenue = sum sale.amount
let avg_price = revenue / units
`;
    // Q1 comes first: P2's only sale is in Q2, so P2's units = 0 in 2026-Q1 (P1: 10 / 2 is fine)
    expect(() => runProgram(lets, { 'sale.csv': `id,partner,date,amount,quantity\nS1,P1,2026-01-02,10,2\nS2,P2,2026-04-03,10,2` })).toThrow(
      /let avg_price, partner "P2": division by zero in `revenue \/ units`/,
    );
    const measure = `${header()}
event sale { amount: money  quantity: integer }
measure per_unit = sum sale.amount / sale.quantity
`;
    expect(() => runProgram(measure, { 'sale.csv': `id,partner,date,amount,quantity\nS1,P1,2026-01-02,10,2\nS2,P1,2026-01-03,10,0` })).toThrow(
      /measure per_unit, sale "S2" of partner "P1": division by zero/,
    );
  });
});

describe('rounding (§9.3)', () => {
  const src = (mode: string) => `${header({ rounding: mode })}
event sale { amount: money }
payout cash as cash
payout points as points
rule "Tenth" {
  for each sale
  award amount * 10% to cash
}
rule "Pts" {
  for each sale
  award amount / 1 EUR * 1.5 to points
}
`;
  const one = { 'sale.csv': `id,partner,date,amount\nS1,P1,2026-01-02,0.25` };
  const two = { 'sale.csv': `id,partner,date,amount\nS1,P1,2026-01-02,0.25\nS2,P1,2026-01-03,0.25` };
  it('half-even vs half-up on a half cent', () => {
    expect(paid(runProgram(src('half-even'), one), '2026-Q1', 'P1', 'cash')).toBe('0.02'); // 0.025 → 0.02 (2 is even)
    expect(paid(runProgram(src('half-up'), one), '2026-Q1', 'P1', 'cash')).toBe('0.03'); // 0.025 → 0.03
  });
  it('once per rule total, not per award', () => {
    expect(paid(runProgram(src('half-even'), two), '2026-Q1', 'P1', 'cash')).toBe('0.05'); // 0.025 + 0.025 = 0.05 (not 0.02 + 0.02)
  });
  it('points round down by default', () => {
    expect(paid(runProgram(src('half-up'), one), '2026-Q1', 'P1', 'points')).toBe('0'); // 0.375 → 0
    expect(paid(runProgram(src('half-up'), two), '2026-Q1', 'P1', 'points')).toBe('0'); // 0.75 → 0
    expect(
      paid(runProgram(src('half-up'), { 'sale.csv': `id,partner,date,amount\nS1,P1,2026-01-02,0.99\nS2,P1,2026-01-02,0.99` }), '2026-Q1', 'P1', 'points'),
    ).toBe('2'); // 1.485 + 1.485 = 2.97 → 2
  });
  it('a pot rounding mode overrides the program', () => {
    const r = runProgram(
      `${header({ rounding: 'half-even' })}
event sale { amount: money }
payout cash as cash { rounding half-up }
rule "Tenth" {
  for each sale
  award amount * 10% to cash
}
`,
      one,
    );
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('0.03'); // half-up on the pot
    expect(partner(period(r, '2026-Q1'), 'P1').awards[0]!.trace).toContain('rounded half-up to 0.03 EUR');
  });

  it('an award\'s trace, made when first read, is the same when read again and in its JSON', () => {
    const r = runProgram(
      `${header()}
event sale { amount: money }
payout cash as cash
rule "Tenth" {
  for each sale
  award amount * 10% to cash
}
`,
      one,
    );
    const aw = partner(period(r, '2026-Q1'), 'P1').awards[0]!;
    const first = aw.trace;
    expect(first).toMatch(/^Tenth: 1 sale event: .* → 0\.0\d+ EUR/);
    expect(aw.trace).toBe(first);
    // JSON (what a library user may write of a result) has every field, the trace included
    expect(JSON.parse(JSON.stringify(aw))).toEqual({ rule: 'Tenth', pot: 'cash', amount: JSON.parse(JSON.stringify(aw.amount)), trace: first });
  });

  it('a statement\'s values, made when first read, are its own period\'s, and are in its JSON', () => {
    const r = runProgram(
      `${header()}
event sale { amount: money }
measure total = sum sale.amount
tier level by total {
  Base
  Top from 100 EUR
}
let doubled = total * 2
payout cash as cash
rule "Tenth" {
  for each partner
  award total * 10% to cash
}
`,
      { 'sale.csv': `id,partner,date,amount\nS1,P1,2026-01-02,30.00\nS2,P1,2026-04-03,150.00` },
    );
    // read only now, every period finished: each statement shows its period's values
    const q1 = partner(period(r, '2026-Q1'), 'P1');
    const q2 = partner(period(r, '2026-Q2'), 'P1');
    expect(Object.keys(q1.values)).toEqual(['total', 'doubled']);
    expect(N.toText(q1.values['total']!.value as N.Num)).toBe('30');
    expect(N.toText(q1.values['doubled']!.value as N.Num)).toBe('60');
    expect(q1.values['total']!.u).toBe('money');
    expect(N.toText(q2.values['doubled']!.value as N.Num)).toBe('300');
    expect(q1.values).toBe(q1.values);
    expect(q1.tiers).toEqual({ level: 'Base' });
    expect(q2.tiers).toEqual({ level: 'Top' });
    // JSON (what a library user may write of a result) has every field, the values included, no `held` unless held
    const json = JSON.parse(JSON.stringify(q2)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['id', 'tiers', 'values', 'pots', 'awards', 'unfired']);
    expect(json['values']).toEqual(JSON.parse(JSON.stringify(q2.values)));
  });
});

describe('tests in program files (§10)', () => {
  it('the §1 Northwind test passes', async () => {
    const { readFileSync } = await import('node:fs');
    const { runTests } = await import('../../runtime/tests.js');
    const { compileOrThrow } = await import('../helpers/run.js');
    const a = compileOrThrow(readFileSync(new URL('../fixtures/northwind.incent', import.meta.url), 'utf8'));
    const out = runTests(a);
    expect(out.length).toBeGreaterThan(0);
    for (const o of out) expect(o.failures).toEqual([]);
  });
  it('a failing expectation reports expected and actual', async () => {
    const { readFileSync } = await import('node:fs');
    const { runTests } = await import('../../runtime/tests.js');
    const { compileOrThrow } = await import('../helpers/run.js');
    const text = readFileSync(new URL('../fixtures/northwind.incent', import.meta.url), 'utf8').replace('expect "P1" credit = 50_000 EUR', 'expect "P1" credit = 40_000 EUR');
    const out = runTests(compileOrThrow(text));
    const f = out.flatMap((o) => o.failures);
    expect(f).toHaveLength(1);
    expect(f[0]!.actual).toBe('50000.00'); // capped rebate: 1,500,000 × 4% = 60,000 → rule cap 50,000
    expect(f[0]!.expected).toMatch(/^40000(\.00)?$/);
    expect(f[0]!.trace!.join('\n')).toContain('rule cap 50,000.00 EUR');
  });
});

describe('explanations (§11)', () => {
  it('traces say band, values and caps; unfired rules say why', () => {
    const { results: r, evaluator } = runFull(
      `${header()}
partner { kind: one of "distributor", "reseller" }
event sale { category: one of "hardware", "software"  amount: money }
measure hardware_revenue = sum sale.amount where sale.category = "hardware"
measure revenue = sum sale.amount
let rebate_rate = bands hardware_revenue {
  below 100_000 EUR: 2%
  from 100_000 EUR:  3%
  from 500_000 EUR:  4%
}
payout credit as credit
payout trip as item { value 3_000 EUR }
rule "Distributor volume rebate" {
  for each partner where partner.kind = "distributor"
  award hardware_revenue * rebate_rate to credit
  cap 50_000 EUR
}
rule "Heroes trip" {
  for top 10 partners by revenue where revenue >= 500_000 EUR
  award 1 to trip
}
`,
      {
        'partners.csv': `id,kind\nP1,distributor\nP2,reseller`,
        'sale.csv': `id,partner,date,category,amount\nS1,P1,2026-02-10,hardware,1500000\nS2,P2,2026-02-10,software,420000`,
      },
    );
    const p1 = partner(period(r, '2026-Q1'), 'P1');
    expect(p1.awards.find((a) => a.rule === 'Distributor volume rebate')!.trace).toBe(
      'Distributor volume rebate: hardware_revenue 1,500,000.00 EUR reaches band "from 500,000 EUR" → 4% → 60,000.00 EUR → rule cap 50,000.00 EUR',
    );
    expect(why(r, '2026-Q1', 'P2', 'Heroes trip')).toBe('revenue 420,000.00 EUR < 500,000 EUR');
    expect(why(r, '2026-Q1', 'P2', 'Distributor volume rebate')).toBe('partner.kind "reseller" ≠ "distributor"');
    void evaluator;
  });
});

describe('explanations of v0.2 fixes', () => {
  const SRC = `${header({ currency: 'USD' })}
event sale { amount: money  category: text  server_units: integer }
measure revenue = sum amount
measure rebate_base = sum amount * 2%
measure units = sum server_units
payout cash as cash { cap 100_000 USD per partner }
rule "Marginal" {
  for each partner
  award marginal revenue {
    below 1_000 USD: 1%
    from 1_000 USD: 2%
    from 5_000 USD: 3%
  } to cash
}
rule "Servers" {
  for each sale where if category = "server" then server_units >= 10 else false
  award 1 USD to cash
}
rule "Server partners" {
  for each partner where if revenue > 100 USD then units >= 10 else false
  award 1 USD to cash
}
rule "Big" {
  for each partner where rebate_base > 1_000 USD
  award 1 USD to cash
}
`;
  const files = { 'sale.csv': 'id,partner,date,amount,category,server_units\nS1,P1,2026-01-05,1500,server,9\nS2,P1,2026-01-06,1500,desk,0' };

  it('marginal traces label each slice, not the measure: the measure, then its parts in their bands', () => {
    const { results: r } = runFull(SRC, files);
    // revenue 3,000: 1,000 × 1% + 2,000 × 2% = 10 + 40 = 50
    expect(partner(period(r, '2026-Q1'), 'P1').awards.find((a) => a.rule === 'Marginal')!.trace).toBe(
      'Marginal: revenue 3,000.00 USD, 1,000.00 USD of revenue in band "below 1,000 USD" × 1%, 2,000.00 USD of revenue in band "from 1,000 USD" × 2% → 50.00 USD',
    );
  });

  it('why a condition written with if … then … else did not hold names the values that made it false', () => {
    const { results: r } = runFull(SRC, files);
    expect(why(r, '2026-Q1', 'P1', 'Servers')).toBe('2 sale events in 2026-Q1, none where if category = "server" then server_units >= 10 else false; e.g. S1: server_units 9 < 10');
    expect(why(r, '2026-Q1', 'P1', 'Server partners')).toBe('units 9 < 10');
  });

  it('money measures show the currency’s digits unless more digits matter', () => {
    const { results: r } = runFull(SRC, files);
    // 3,000 × 2% summed exactly at a scale of 4 (30.0000 + 30.0000): shown as 60.00
    expect(why(r, '2026-Q1', 'P1', 'Big')).toBe('rebate_base 60.00 USD < 1,000 USD');
    const { results: r2 } = runFull(SRC, { 'sale.csv': 'id,partner,date,amount,category,server_units\nS1,P1,2026-01-05,1500.125,desk,0' });
    expect(why(r2, '2026-Q1', 'P1', 'Big')).toBe('rebate_base 30.0025 USD < 1,000 USD');
  });
});
