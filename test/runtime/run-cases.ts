/**
 * One example per test-block and evaluation code that a program can reach (`T0xxx`, `R0xxx`), as
 * data: checked by run-cases.test.ts, read by the reference's generator. The other codes of these
 * stages are defensive: the checker finds their causes first (a test's partner, period and values
 * are checked before any test runs), so no program reaches them; they stay in the table of codes.
 */
export interface RunCase {
  code: string;
  title: string;
  /** A whole program; `test` runs its test blocks, `run` evaluates it over `data`. */
  program: string;
  data?: Record<string, string>;
  message: string;
}

const header = 'program "R" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n}\nevent sale {\n  amount: money\n  units: integer\n}\n';

export const RUN_CASES: RunCase[] = [
  {
    code: 'T0001',
    title: 'an expectation that does not hold',
    program: `${header}payout cash as cash {\n  cap 50 EUR per partner\n}\nrule "Bonus" {\n  for each sale\n  award amount * 10% to cash\n}\ntest "T" {\n  period 2026-Q1\n  sale { partner: "P1", date: 2026-01-10, amount: 1_200 EUR, units: 1 }\n  expect "P1" cash = 120 EUR\n}\n`,
    message: 'expect "P1" cash: expected 120, actual 50.00',
  },
  {
    code: 'T0003',
    title: 'a test whose evaluation fails',
    program: `${header}payout points as points\nrule "Per unit" {\n  for each sale\n  award floor(amount / units / 1 EUR) to points\n}\ntest "T" {\n  period 2026-Q1\n  sale { partner: "P1", date: 2026-01-10, amount: 10 EUR, units: 0 }\n  expect "P1" points = 0\n}\n`,
    message: 'rule "Per unit", sale "sale-1" of partner "P1": division by zero in `amount / units / 1 EUR`: `units` is zero',
  },
  {
    code: 'R0001',
    title: 'a division by zero',
    program: `${header}payout points as points\nrule "Per unit" {\n  for each sale\n  award floor(amount / units / 1 EUR) to points\n}\n`,
    data: { 'sale.csv': 'id,partner,date,amount,units\nS1,P1,2026-01-05,10,0\n' },
    message: 'rule "Per unit", sale "S1" of partner "P1": division by zero in `amount / units / 1 EUR`: `units` is zero',
  },
  {
    code: 'R0001',
    title: 'a constant that divides by zero where the checker cannot fold it',
    program: `${header}let k = abs(1 / 0)\npayout points as points\nrule "Per unit" {\n  for each sale\n  award floor(amount / 1 EUR * k) to points\n}\n`,
    data: { 'sale.csv': 'id,partner,date,amount,units\nS1,P1,2026-01-05,10,1\n' },
    message: 'let k, a constant of the program: division by zero in `1 / 0`: `0` is zero',
  },
  {
    code: 'R0002',
    title: 'a result outside the size of numbers',
    program: `${header}measure total = sum sale.amount / 1 EUR\nlet squared = total * total\npayout points as points\nrule "Squares" {\n  for each partner\n  award floor(squared) to points\n}\n`,
    data: { 'sale.csv': 'id,partner,date,amount,units\nS1,P1,2026-01-05,10000000000000000000,1\n' },
    message: 'let squared, partner "P1": `total * total` is 1 × 10^38, but numbers must stay below 10^34 in size',
  },
  {
    code: 'R0004',
    title: 'a date moved outside the calendar',
    program: `${header}payout points as points\nrule "Due" {\n  for each sale where date + units * 1_000 months < 2030-01-01\n  award 1 to points\n}\n`,
    data: { 'sale.csv': 'id,partner,date,amount,units\nS1,P1,2026-01-05,10,100\n' },
    message: 'rule "Due", sale "S1" of partner "P1": `date + units * 1_000 months`: 2026-01-05 + 100000 months is outside 0001-01-01..9999-12-31',
  },
  {
    code: 'R0005',
    title: 'a value at a date after the period evaluated',
    program: `${header}measure total = sum sale.amount\nlet rate = bands total {\n  below 1_000 EUR: 1%\n  from 1_000 EUR: 2%\n}\npayout cash as cash\nrule "At year end" {\n  for each sale\n  award amount * (rate at 2026-12-31) to cash\n}\n`,
    data: { 'sale.csv': 'id,partner,date,amount,units\nS1,P1,2026-01-05,100,1\n' },
    message: 'rule "At year end", sale "S1" of partner "P1": `rate at …`: 2026-12-31 is in 2026-Q4, after the period being evaluated (2026-Q1)',
  },
];
