/**
 * The checker and lowering at the limits (language/REFERENCE.md, "Limits"): chains of 10,000
 * operands and of thousands of lets check and lower without recursing as deep as they are long;
 * artifacts stay shallow; constant folding is linear and reports a constant that leaves the size
 * of numbers once; windows are bounded.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { MAX_NESTING } from '../../core/limits.js';
import { loadArtifact, type IR } from '../../runtime/artifact.js';
import { Evaluator } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { compileOrThrow, header, runProgram, value } from '../helpers/run.js';
import { BASE, checkSource, summary } from './helpers.js';

const errors = (source: string) =>
  compile(source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} «${source.slice(d.span.start, d.span.end)}» ${d.message}`);

/** The depth of an IR tree (counted without recursion). */
function depth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (Array.isArray(x)) for (const y of x) stack.push([y, d]);
    else if (x && typeof x === 'object') {
      const isIR = typeof (x as { k?: unknown }).k === 'string';
      if (isIR) max = Math.max(max, d + 1);
      for (const y of Object.values(x)) if (y && typeof y === 'object') stack.push([y, isIR ? d + 1 : d]);
    }
  }
  return max;
}

const PROGRAM = `${header({ period: 'quarter', end: '2026-12-31' })}
event sale {
  amount: money
}
measure revenue = sum sale.amount
payout points as points
`;

describe('chains of 10,000 operands', () => {
  it('+: checks, lowers to one arith node of 9,999 steps, and evaluates to 10,000', () => {
    const source = `${PROGRAM}let x = ${Array(10_000).fill('1').join(' + ')}\nrule "R" {\n  for each partner\n  award x to points\n}\n`;
    const c = compile(source);
    expect(summary(checkSource(source)).filter((d) => d.startsWith('E'))).toEqual([]);
    const x = c.artifact!.constants.find((k) => k.name === 'x')!.value as Extract<IR, { k: 'arith' }>;
    expect(x.k).toBe('arith');
    expect(x.rest).toHaveLength(9_999);
    expect(depth(c.artifact)).toBeLessThan(5);
    const results = runProgram(source, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,1\n' });
    expect(results[0]!.partners[0]!.pots['points']!.earned).toEqual(N.int(10_000));
  });

  it('and: a condition of 10,000 comparisons is one and node, and a rule with it awards', () => {
    const where = Array.from({ length: 10_000 }, (_, i) => `amount > ${i % 10} EUR`).join(' and ');
    const source = `${PROGRAM}rule "R" {\n  for each sale where ${where}\n  award 1 to points\n}\n`;
    const artifact = compileOrThrow(source);
    const w = artifact.rules[0]!.scope.where as Extract<IR, { k: 'and' | 'or' }>;
    expect(w.k).toBe('and');
    expect(w.args).toHaveLength(10_000);
    expect(depth(artifact)).toBeLessThan(5);
    const r = runProgram(source, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,20\nS2,P1,2026-01-06,5\n' });
    expect(r[0]!.partners[0]!.pots['points']!.earned).toEqual(N.int(1)); // S2 fails `amount > 9 EUR`
  });

  it('a chain keeps the left-to-right rounding of binary operations: 1 / 3 * 3 is not 1', () => {
    const source = `${PROGRAM}let unit = revenue / 1 EUR\nlet third = unit / 3 * 3\nlet exact = 3 * unit / 3\nrule "R" {\n  for each partner\n  award third + exact to points\n}\n`;
    const results = runProgram(source, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,1\n' });
    expect(value(results, '2026-Q1', 'P1', 'third')).toBe('0.9999999999999999999999999999999999');
    expect(value(results, '2026-Q1', 'P1', 'exact')).toBe('1');
  });

  it('an artifact of the deepest nesting allowed is shallow enough to validate, clone and evaluate', () => {
    // Each level: parentheses around an or of an and of a comparison of a sum of a product.
    let e = 'revenue';
    for (let i = 0; i < MAX_NESTING / 2 - 1; i++) e = `max(if x or y and revenue >= 1 EUR + 2 EUR * 3 then ${e} else revenue, 0 EUR)`;
    const source = `${PROGRAM}let x = true\nlet y = false\nlet deep = ${e}\nrule "R" {\n  for each partner\n  award deep / 1 EUR to points\n}\n`;
    expect(errors(source)).toEqual([]);
    const artifact = compileOrThrow(source);
    expect(depth(artifact)).toBeLessThan(MAX_NESTING * 6);
    const loaded = loadArtifact(structuredClone(JSON.parse(JSON.stringify(artifact))));
    const results = new Evaluator(loaded).run({ partners: [], events: { sale: [{ id: 'S1', partner: 'P1', date: '2026-01-05', amount: N.int(70) }] } }, { explain: true });
    expect(N.toText(results[0]!.partners[0]!.values['deep']!.value as N.Num)).toBe('70');
  });
});

describe('chains of lets', () => {
  const chain = (n: number, last: string, reversed: boolean) => {
    const lets = Array.from({ length: n }, (_, i) => `let z${i} = z${i + 1} + 1`);
    lets.push(`let z${n} = ${last}`);
    return (reversed ? lets.reverse() : lets).join('\n');
  };

  it.each([false, true])('5,000 lets, each using the next (in order of use: %s), check, lower and evaluate', (reversed) => {
    const source = `${PROGRAM}${chain(5_000, 'revenue / 1 EUR', reversed)}\nrule "R" {\n  for each partner\n  award z0 to points\n}\n`;
    expect(errors(source)).toEqual([]);
    const results = runProgram(source, { 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-05,7\n' });
    expect(value(results, '2026-Q1', 'P1', 'z0')).toBe('5007');
  });

  it('a constant chain of 5,000 lets folds once each (a tier threshold that uses it)', () => {
    const source = `${PROGRAM}${chain(5_000, '1', true)}\ntier t by revenue {\n  A\n  B from z0 * 1 EUR\n  C from z0 * 1 EUR\n}\nrule "R" {\n  for each partner where t > A\n  award 1 to points\n}\n`;
    expect(errors(source)).toEqual(['E0414 «z0 * 1 EUR» the thresholds of tier `t` must increase: `C` starts at or below the level before it']);
  });

  it('a cycle of 2,000 lets is one E0210, and its lets are not also "never used"', () => {
    const lets = Array.from({ length: 2_000 }, (_, i) => `let c${i} = c${(i + 1) % 2_000} + 1`).join('\n');
    const r = compile(`${BASE}\n${lets}\n`);
    expect(r.diagnostics.filter((d) => d.code !== 'W0001' || d.message.startsWith('let c')).map((d) => `${d.code} ${d.message}`)).toEqual([
      'E0210 `c0` depends on itself through 2000 declarations: `c0` → `c1` → `c2` → … → `c1998` → `c1999` → `c0`',
    ]);
  });
});

describe('constant folding and the size of numbers (E0322)', () => {
  const squares = (n: number, first: string) => [`let a0 = ${first}`, ...Array.from({ length: n }, (_, i) => `let a${i + 1} = a${i} * a${i}`)].join('\n');

  it('60 repeated squarings of 2: one E0322 where the value first leaves the range, however many lets use it', () => {
    const source = `${PROGRAM}${squares(60, '2')}\nrule "R" {\n  for each partner\n  award a60 to points\n}\n`;
    // a6 = 2^64; a7 = a6 * a6 = 2^128 ≈ 3.4 × 10^38.
    expect(errors(source)).toEqual(['E0322 «a6 * a6» this multiplication gives 3.4028 × 10^38, but numbers must stay below 10^34 in size']);
  });

  it('60 repeated squarings of 1 fold in linear time (each let is folded once) and compile', () => {
    const source = `${PROGRAM}${squares(60, '1')}\ntier t by revenue {\n  A\n  B from a60 * 1 EUR\n}\nrule "R" {\n  for each partner where t = B\n  award a60 to points\n}\n`;
    expect(errors(source)).toEqual([]);
  });

  it('a branch that a constant condition leaves out is not reported', () => {
    const big = '10_000_000_000_000_000_000 * 10_000_000_000_000_000_000';
    expect(errors(`${PROGRAM}let a = if false then ${big} else 1\nlet b = false and ${big} > 1\nlet c = true or ${big} > 1\nrule "R" {\n  for each partner where b or c\n  award a to points\n}\n`)).toEqual([]);
    expect(errors(`${PROGRAM}let a = if true then ${big} else 1\nrule "R" {\n  for each partner\n  award a to points\n}\n`)).toEqual([
      `E0322 «${big}» this multiplication gives 1 × 10^38, but numbers must stay below 10^34 in size`,
    ]);
  });

  it('a literal out of range is one diagnostic, not also a computation out of range', () => {
    const source = `${PROGRAM}let a = 10_000_000_000_000_000_000_000_000_000_000_000 * 10\nrule "R" {\n  for each partner\n  award a to points\n}\n`;
    expect(errors(source).map((e) => e.slice(0, 5))).toEqual(['E0324']);
  });

  it('a huge `for top N` ranks every partner (the artifact stays loadable)', () => {
    const source = `${PROGRAM}rule "R" {\n  for top 99_999_999_999_999_999_999 partners by revenue\n  award 1 to points\n}\n`;
    const artifact = loadArtifact(JSON.parse(JSON.stringify(compileOrThrow(source))));
    expect(artifact.rules[0]!.scope).toMatchObject({ kind: 'top', n: Number.MAX_SAFE_INTEGER });
  });
});

describe('windows (E0412)', () => {
  it('`last 100 years` is accepted and counts events from 50 years before the start', () => {
    const source = `${PROGRAM}measure century = sum sale.amount over last 100 years\nrule "R" {\n  for each partner\n  award century / 1 EUR to points\n}\n`;
    const results = runProgram(source, { 'sale.csv': 'id,partner,date,amount\nS0,P1,1976-06-01,5\nS1,P1,2010-06-01,7\nS2,P1,2026-01-05,1\nS3,P1,1920-01-01,1000\n' });
    expect(value(results, '2026-Q1', 'P1', 'century')).toBe('13'); // 1926-04..2026-03: S0 + S1 + S2, not S3
  });

  it.each([
    ['last 1_201 months', 'this window spans 1,201 months, but a window spans at most 100 years'],
    ['last 401 quarters', 'this window spans 1,203 months, but a window spans at most 100 years'],
    ['last 999_999_999_999 months', 'this window spans 999,999,999,999 months, but a window spans at most 100 years'],
    ['last 1_000_000_000_000_000_000_000_000 years', 'this window spans thousands of years, but a window spans at most 100 years'],
  ])('%s is E0412', (w, message) => {
    expect(errors(`${PROGRAM}measure m = sum sale.amount over ${w}\nrule "R" {\n  for each partner\n  award m / 1 EUR to points\n}\n`)).toEqual([`E0412 «${w}» ${message}`]);
  });

  it('a window of a program that starts in year 1 may not reach before it', () => {
    const early = PROGRAM.replace('2026-01-01', '0001-01-01').replace('2026-12-31', '0001-12-31');
    const rule = 'rule "R" {\n  for each partner\n  award m / 1 EUR to points\n}\n';
    expect(errors(`${early}measure m = sum sale.amount over last 1 quarters\n${rule}`)).toEqual([]);
    expect(errors(`${early}measure m = sum sale.amount over last 2 quarters\n${rule}`)).toEqual([
      "E0412 «last 2 quarters» this window reaches back before 0001-01-01 from the program's first period (0001-Q1)",
    ]);
  });
});

describe('found by the fuzz target', () => {
  it('a test value that is a constant computation is lowered to its value (it made lowering throw)', () => {
    const source = `${BASE}\nlet base = 3 EUR\ntest "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: base * 2 }\n  sale { partner: "P1", date: 2026-01-05, sku: "A", category: "hardware", amount: 5 EUR + 5 EUR, quantity: 1 }\n  expect "P1" revenue = 2 * 5 EUR\n}\n`;
    const artifact = compileOrThrow(source);
    expect(artifact.tests[0]!.partners[0]!.fields['target']).toBe('6');
    expect(artifact.tests[0]!.events[0]!.fields['amount']).toBe('10');
    expect(artifact.tests[0]!.expects[0]!.value).toBe('10');
  });

  it('a name that error recovery inserted gives the syntax error alone, with spans inside the text', () => {
    // (`if partner. then 1 else 2` is no longer one: after a dot any word is a field name, §12.1, so `partner.then` is a field)
    for (const value of ['(lookup partner. { "distributor": 1, else: 2 })', 'abs(partner.) + 1', 'if partner. > 1 then 1 else 2']) {
      const text = `${BASE}\nlet x = ${value}\n`;
      const ds = compile(text).diagnostics.filter((d) => d.severity === 'error');
      expect(ds.map((d) => d.code), value).toEqual(['E0101']);
      for (const d of compile(text).diagnostics) expect(d.span.end, value).toBeGreaterThanOrEqual(d.span.start);
    }
  });
});
