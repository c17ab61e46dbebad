/**
 * The size of numbers at run time (language/REFERENCE.md, "Limits"): a computation that leaves it
 * is an evaluation error naming the rule, measure or let, the partner (and the event) and the
 * value — never Infinity, NaN or a hang, whatever the number of squarings — and long chains of
 * operators evaluate in loops.
 */
import { describe, expect, it } from 'vitest';
import { EvalError } from '../../runtime/compile-ir.js';
import * as N from '../../runtime/num.js';
import { header, runProgram, value } from '../helpers/run.js';

const PROGRAM = `${header()}event sale {
  amount: money
}
measure revenue = sum sale.amount
payout points as points
payout cash as cash {
  cap 1_000 EUR per partner
}
`;
const SALES = { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,3\n' };

function evalError(source: string, files: Record<string, string> = SALES): string {
  try {
    runProgram(source, files);
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    return (e as Error).message;
  }
  throw new Error('the run did not fail');
}

const award = (what: string, pot = 'points') => `rule "R" {\n  for each partner\n  award ${what} to ${pot}\n}\n`;

describe('a computation that leaves the size of numbers', () => {
  // a0 = 3, a_k = 3^(2^k): a6 = 3^64 ≈ 3.4 × 10^30 is in range, a7 = 3^128 ≈ 1.2 × 10^61 is not.
  it.each([10, 30, 52, 60])('%i repeated squarings: an error at the first square out of range, naming the let, the partner and the value', (n) => {
    const lets = ['let a0 = revenue / 1 EUR', ...Array.from({ length: n }, (_, i) => `let a${i + 1} = a${i} * a${i}`)].join('\n');
    expect(evalError(`${PROGRAM}${lets}\n${award(`a${n}`)}`)).toBe('let a7, partner "P1": `a6 * a6` is 1.179 × 10^61, but numbers must stay below 10^34 in size');
  });

  it('the money variant (money × number) is the same error, not a decimal.js crash', () => {
    const lets = ['let m0 = revenue', ...Array.from({ length: 60 }, (_, i) => `let m${i + 1} = m${i} * (m${i} / 1 EUR)`)].join('\n');
    expect(evalError(`${PROGRAM}${lets}\n${award('m60', 'cash')}`)).toBe('let m7, partner "P1": `m6 * (m6 / 1 EUR)` is 1.179 × 10^61, but numbers must stay below 10^34 in size');
  });

  it('a value too close to zero, at the step of a chain that makes it', () => {
    expect(evalError(`${PROGRAM}let t = revenue / 1 EUR / 1_000_000_000_000_000_000 / 1_000_000_000_000_000_000\n${award('t')}`)).toBe(
      'let t, partner "P1": `revenue / 1 EUR / 1_000_000_000_000_000_000 / 1_000_000_000_000_000_000` reaches 3 × 10^-36 at `/ 1_000_000_000_000_000_000`, but a number other than zero must be at least 10^-34 in size',
    );
  });

  it('in a rule for each event and in a measure: the event is named too', () => {
    const cube = 'amount * (amount / 1 EUR) * (amount / 1 EUR)';
    const big = { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,100000000000000\n' };
    expect(evalError(`${PROGRAM}rule "Cube" {\n  for each sale\n  award ${cube} to cash\n}\n`, big)).toBe(
      'rule "Cube", sale "S1" of partner "P1": `amount * (amount / 1 EUR) * (amount / 1 EUR)` reaches 1 × 10^42 at `* (amount / 1 EUR)`, but numbers must stay below 10^34 in size',
    );
    expect(evalError(`${PROGRAM}measure cubes = sum ${cube}\n${award('cubes', 'cash')}`, big)).toBe(
      'measure cubes, sale "S1" of partner "P1": `amount * (amount / 1 EUR) * (amount / 1 EUR)` reaches 1 × 10^42 at `* (amount / 1 EUR)`, but numbers must stay below 10^34 in size',
    );
  });

  it('in marginal: the bands computation is named', () => {
    const rate = '1_000_000_000_000_000_000_000_000_000_000';
    const m = `marginal (revenue / 1 EUR) {\n  below 1: ${rate}\n  from 1: ${rate}\n}`;
    expect(evalError(`${PROGRAM}let mg = ${m}\n${award('mg')}`, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,30000\n' })).toMatch(
      /^let mg, partner "P1": `marginal \(revenue \/ 1 EUR\) \{.*` is 2\.9999 × 10\^34, but numbers must stay below 10\^34 in size$/s,
    );
  });

  it('just inside the range is computed exactly', () => {
    const r = runProgram(`${PROGRAM}let big = revenue / 1 EUR * 3_333_333_333_333_333_333_333_333_333_333_333\nlet small = revenue / 1 EUR / 3_000_000_000_000_000_000_000_000_000_000_000\n${award('big + small')}`, SALES);
    expect(value(r, '2026-Q1', 'P1', 'big')).toBe('9999999999999999999999999999999999');
    expect(value(r, '2026-Q1', 'P1', 'small')).toBe('0.000000000000000000000000000000001');
  });
});

describe('long chains evaluate in loops', () => {
  it('10,000 amounts added per event, on the integer fast path (a measure) and the decimal path (a rule)', () => {
    const sum = Array(10_000).fill('sale.amount').join(' + ');
    const r = runProgram(`${PROGRAM}measure many = sum ${sum}\nrule "Many" {\n  for each sale\n  award ${sum.replace(/sale\./g, '')} to cash\n}\n`, {
      'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,0.01\nS2,P1,2026-01-06,0.02\n',
    });
    expect(value(r, '2026-Q1', 'P1', 'many')).toBe('300');
    expect(N.toText(r[0]!.partners[0]!.pots['cash']!.earned)).toBe('300');
  });

  it('a division by zero in a chain names the divisor', () => {
    const source = `${PROGRAM}measure orders = count sale where amount > 1_000 EUR\nlet share = revenue / 1 EUR / 2 / orders\n${award('share')}`;
    expect(evalError(source)).toBe('let share, partner "P1": division by zero in `revenue / 1 EUR / 2 / orders`: `orders` is zero');
  });
});
