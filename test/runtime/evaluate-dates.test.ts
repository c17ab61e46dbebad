/**
 * §12.4 evaluated: dates moved by days and months (months clamp to the month's last day), days
 * between two dates, the evaluated period's bounds, half-year periods and `half to date`; the
 * values are computed by hand in the comments. The integer fast path agrees with the decimal path
 * on `days between` (compile-int.test.ts); time zones cannot change a date (evaluate-timezone).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { runTest } from '../../runtime/tests.js';
import { compileOrThrow, header, partner, period, runFull, runProgram } from '../helpers/run.js';

const money = (v: unknown) => N.toFixedText(v as N.Num, 2);
const num = (v: unknown) => N.toText(v as N.Num);

const DATES = `${header()}
event sale {
  amount: money
  shipped: date
  due_days: integer default 30
}
payout cash as cash {
  cap 100_000 EUR per partner
}
payout points as points
measure late = count sale where days between date and shipped > due_days
measure ship_days = sum days between date and shipped
rule "On time" {
  for each sale where shipped <= date + due_days days
  award amount * 10% to cash
}
rule "Month end" {
  for each sale where date + 1 month = 2026-02-28
  award 1 to points
}
rule "Late in the period" {
  for each sale where shipped > period.end - 10 days
  award 5 to points
}
`;

const SALES = [
  'id,partner,date,amount,shipped,due_days',
  'S1,P1,2026-01-31,100,2026-02-15,', // 15 days, due 30 (default): on time; Jan 31 + 1 month = Feb 28
  'S2,P1,2026-02-10,200,2026-03-25,20', // 43 days > 20: late; shipped after Mar 31 - 10 days = Mar 21
  'S3,P1,2026-01-28,50,2026-01-28,', // 0 days: on time; Jan 28 + 1 month = Feb 28
  'S4,P2,2026-03-31,1000,2026-04-02,1', // 2 days > 1: late; shipped after Mar 21
  'S5,P2,2026-04-30,10,2026-05-01,5', // Q2: 1 day: on time; Q2 ends Jun 30, - 10 days = Jun 20
].join('\n');

describe('dates (§12.4)', () => {
  it('date ± days and months, days between, period.end: hand-computed statements', () => {
    const r = runProgram(DATES, { 'sale.csv': SALES });
    const q1 = period(r, '2026-Q1');
    const p1 = partner(q1, 'P1');
    // cash: S1 100 × 10% = 10, S3 50 × 10% = 5 (S2 shipped Mar 25 > Feb 10 + 20 days = Mar 2)
    expect(money(p1.pots.cash!.paid)).toBe('15.00');
    // points: Month end S1 + S3 = 2; Late in the period S2 = 5
    expect(num(p1.pots.points!.paid)).toBe('7');
    expect(num(p1.values.late!.value)).toBe('1'); // S2
    expect(num(p1.values.ship_days!.value)).toBe('58'); // 15 + 43 + 0
    const p2 = partner(q1, 'P2');
    expect(money(p2.pots.cash!.paid)).toBe('0.00'); // Apr 2 > Mar 31 + 1 day
    expect(num(p2.pots.points!.paid)).toBe('5'); // shipped Apr 2 > Mar 21
    expect(num(p2.values.ship_days!.value)).toBe('2');
    const q2 = partner(period(r, '2026-Q2'), 'P2');
    expect(money(q2.pots.cash!.paid)).toBe('1.00'); // S5: 10 × 10%
    expect(num(q2.pots.points!.paid)).toBe('0'); // May 1 is not after Jun 20
    expect(num(q2.values.late!.value)).toBe('0');
  });

  it('months clamp to the month’s last day, and subtract likewise', () => {
    const src = `${header({ period: 'year' })}
event sale {
  amount: money
}
payout points as points
rule "Clamp" {
  for each sale where date + 1 month = 2026-02-28 and date - 1 month = 2025-12-31 and date + 13 months = 2027-02-28 and 2024-03-31 - 1 month = 2024-02-29
  award 1 to points
}
`;
    // 2026-01-31: + 1 month = Feb 28 (clamped), - 1 month = Dec 31, + 13 months = 2027-02-28; a leap year keeps Feb 29.
    const r = runProgram(src, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-31,1\nS2,P1,2026-01-30,1\n' });
    expect(num(partner(r[0]!, 'P1').pots.points!.paid)).toBe('1'); // S2: Jan 30 - 1 month = Dec 30, not Dec 31
  });

  it('period.start and period.end are the evaluated period’s, in lets and measures', () => {
    const src = `${header({ period: 'month' })}
event sale {
  amount: money
}
measure early = count sale where date < period.start + 10 days
let length = days between period.start and period.end + 1 days
payout points as points
rule "Days in the month" {
  for each partner
  award length + early to points
}
`;
    const r = runProgram(src, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-02-03,1\nS2,P1,2026-02-10,1\nS3,P1,2026-02-11,1\n' });
    // February 2026: 28 days; early: Feb 3 and Feb 10 (before Feb 1 + 10 days = Feb 11) = 2
    expect(num(partner(period(r, '2026-02'), 'P1').pots.points!.paid)).toBe('30');
    // January: 31 days, no sales
    expect(num(partner(period(r, '2026-01'), 'P1').pots.points!.paid)).toBe('31');
  });

  it('before the program, period.start and period.end are the bounds of the period before the first', () => {
    const src = `${header({ period: 'month', start: '2026-03-01' })}
event sale {
  amount: money
}
let length = days between period.start and period.end + 1 days
let before = previous length
payout points as points
rule "Days" {
  for each partner
  award length * 100 + before to points
}
`;
    const r = runProgram(src, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-03-05,1\n' });
    // March 2026: 31 days; before the program is February 2026 (not March): 28 days → 3,100 + 28
    expect(num(partner(period(r, '2026-03'), 'P1').pots.points!.paid)).toBe('3128');
    // April 2026: 30 days; the previous period is March: 31 → 3,000 + 31
    expect(num(partner(period(r, '2026-04'), 'P1').pots.points!.paid)).toBe('3031');
  });

  it('a half-year program: periods 2026-H1 and 2026-H2, half to date, tests and the command line’s names', () => {
    const src = `program "Halves" {
  currency EUR
  period half
  start 2026-01-01
  end 2026-12-31
}
event sale {
  amount: money
}
measure revenue = sum sale.amount
measure so_far = sum sale.amount over half to date
measure last_half = sum sale.amount over previous period
payout cash as cash {
  cap 1_000 EUR per partner
}
rule "Rebate" {
  for each partner where period.start = 2026-07-01
  award so_far * 1% + last_half * 2% to cash
}
test "second half" {
  period 2026-H2
  sale { partner: "P1", date: 2026-03-01, amount: 1_000 EUR }
  sale { partner: "P1", date: 2026-08-01, amount: 500 EUR }
  expect "P1" cash = 25 EUR
  expect "P1" so_far = 500 EUR
}
`;
    // H2: so_far = 500 (Jul–Dec), last_half = 1,000 (Jan–Jun): 5 + 20 = 25 EUR
    const a = compileOrThrow(src);
    for (const t of a.tests) expect(runTest(a, t).failures).toEqual([]);
    const r = runProgram(src, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-03-01,1000\nS2,P1,2026-08-01,500\n' });
    expect(r.map((x) => x.period)).toEqual(['2026-H1', '2026-H2']);
    expect(money(partner(r[0]!, 'P1').pots.cash!.paid)).toBe('0.00'); // the rule needs period.start = Jul 1
    expect(money(partner(r[1]!, 'P1').pots.cash!.paid)).toBe('25.00');
  });

  it('half to date in a quarterly program is the half-year so far', () => {
    const src = `${header()}
event sale {
  amount: money
}
measure half_so_far = sum sale.amount over half to date
payout cash as cash {
  cap 1_000 EUR per partner
}
rule "R" {
  for each partner
  award half_so_far * 1% to cash
}
`;
    const r = runProgram(src, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-02-01,100\nS2,P1,2026-05-01,200\nS3,P1,2026-08-01,400\n' });
    expect(r.map((p) => money(partner(p, 'P1').pots.cash!.paid))).toEqual(['1.00', '3.00', '4.00', '4.00']); // Q1: 100; Q2: 100 + 200; Q3: 400 (July on); Q4: 400
  });

  it('a date moved outside the calendar is an evaluation error that names the rule, the record and the values (R0004)', () => {
    const src = `${header()}
event sale {
  amount: money
  years: integer
}
payout points as points
rule "Far" {
  for each sale where date + years * 12 months > 2026-01-01
  award 1 to points
}
`;
    const a = compileOrThrow(src);
    const { data } = loadData(a, { 'sale.csv': 'id,partner,date,amount,years\nS1,P1,2026-01-05,1,9000\n' });
    expect(() => new Evaluator(a).run(data)).toThrow('rule "Far", sale "S1" of partner "P1": `date + years * 12 months`: 2026-01-05 + 108000 months is outside 0001-01-01..9999-12-31');
  });

  it('traces and explanations show the dates that made a condition false', () => {
    const { results } = runFull(DATES, { 'sale.csv': SALES });
    const p2 = partner(period(results, '2026-Q1'), 'P2');
    const why = p2.unfired.find((u) => u.rule === 'On time')!.why;
    expect(why).toBe('1 sale event in 2026-Q1, none where shipped <= date + due_days days; e.g. S4: shipped 2026-04-02 > date + due_days days 2026-04-01');
  });

  it('constant dates fold in the checker: test values and conditions that never hold', () => {
    const src = `${DATES}
rule "Never" {
  for each sale where date < 2026-01-01 - 1 month
  award 1 to points
}
test "T" {
  period 2026-Q1
  sale { partner: "P1", date: 2026-01-31, amount: 100 EUR, shipped: 2026-01-31 + 15 days }
  expect "P1" cash = 10 EUR
}
`;
    const r = compile(src);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'W0003')?.message).toBe('this condition can never hold: no event of the program (2026-01-01..2026-12-31) has `date < 2025-12-01`');
    for (const t of r.artifact!.tests) expect(runTest(r.artifact!, t).failures).toEqual([]);
  });
});
