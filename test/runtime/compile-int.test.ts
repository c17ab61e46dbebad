/** The integer fast path agrees with the decimal path wherever it gives a value, and gives NaN rather than a wrong one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IR } from '../../runtime/artifact.js';
import { compileInt } from '../../runtime/compile-int.js';
import { compileIR, type Ctx, type EventRow } from '../../runtime/compile-ir.js';
import * as N from '../../runtime/num.js';
import { runProgram } from '../helpers/run.js';
import { formatDate } from '../../core/periods.js';

// An event-level let (§12.2) `bonus = amount * qty - 1`: on the fast path it is compiled in place.
const eventLets = new Map<string, IR>([['bonus', { k: 'arith', a: { k: 'efield', f: 'amount' }, rest: [{ op: '*', b: { k: 'efield', f: 'qty' } }, { op: '-', b: { k: 'num', v: '1' } }] }]]);
const env = { levels: new Map<string, string[]>(), eventLets };
const intEnv = { fieldScale: (f: string) => (f === 'amount' ? 2 : f === 'qty' ? 0 : undefined), general: (ir: IR) => compileIR(ir, env), eventLet: (n: string) => eventLets.get(n) };

const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), fc.integer({ min: 0, max: 4 }))
  .map(([n, s]) => {
    const neg = n < 0n;
    let t = (neg ? -n : n).toString().padStart(s + 1, '0');
    if (s > 0) t = `${t.slice(0, -s)}.${t.slice(-s)}`;
    return (neg ? '-' : '') + t;
  });

const leaf: fc.Arbitrary<IR> = fc.oneof(
  decimal.map((v): IR => ({ k: 'num', v })),
  fc.constant<IR>({ k: 'efield', f: 'amount' }),
  fc.constant<IR>({ k: 'efield', f: 'qty' }),
  fc.constant<IR>({ k: 'efield', f: 'rate' }),
  fc.constant<IR>({ k: 'elet', name: 'bonus' }),
  // days between two dates (§12.4), one of them moved by days or months
  fc.constant<IR>({ k: 'days', a: { k: 'efield', f: 'date' }, b: { k: 'efield', f: 'shipped' } }),
  fc.constant<IR>({ k: 'days', a: { k: 'efield', f: 'shipped' }, b: { k: 'dateadd', d: { k: 'efield', f: 'date' }, n: { k: 'num', v: '13' }, unit: 'months', neg: false } }),
  fc.constant<IR>({ k: 'days', a: { k: 'dateadd', d: { k: 'efield', f: 'shipped' }, n: { k: 'num', v: '45' }, unit: 'days', neg: true }, b: { k: 'efield', f: 'date' } }),
);

const expr: fc.Arbitrary<IR> = fc.letrec<{ e: IR }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      k: fc.constant('arith' as const),
      a: tie('e'),
      rest: fc.array(fc.oneof(fc.record({ op: fc.constantFrom('+' as const, '-' as const, '*' as const), b: tie('e') }), fc.constant({ op: '/' as const, b: { k: 'num', v: '1' } as IR })), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
    fc.record({ k: fc.constantFrom('floor' as const, 'ceil' as const, 'abs' as const), a: tie('e') }),
    fc.record({ k: fc.constant('neg' as const), a: tie('e') }),
    fc.record({ k: fc.constantFrom('min' as const, 'max' as const), t: fc.constant('num' as const), args: fc.array(tie('e'), { minLength: 1, maxLength: 3 }) }),
  ),
})).e;

describe('the integer fast path', () => {
  it('gives the decimal result exactly, or NaN (never a wrong value)', () => {
    fc.assert(
      fc.property(expr, decimal, fc.integer({ min: -1_000_000, max: 1_000_000 }), decimal, fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 2_000_000 }), (ir, amount, qty, rate, d1, d2) => {
        const fast = compileInt(ir, intEnv);
        if (!fast) return;
        const ev = { id: 'E', partner: 'P', date: formatDate(d1), shipped: formatDate(d2), amount: N.parseNum(amount), qty: N.int(qty), rate: N.parseNum(rate) } as EventRow;
        const ctx: Ctx = { p: { id: 'P', attrs: {}, vals: {} }, ev };
        const x = fast.fn(ctx);
        if (Number.isNaN(x)) return;
        expect(Number.isSafeInteger(x)).toBe(true);
        const slow = compileIR(ir, env)(ctx) as N.Num;
        expect(N.cmp(new N.Fixed(x, fast.scale), slow)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns NaN when a value has more decimals than its scale, or overflows', () => {
    const amount = compileInt({ k: 'efield', f: 'amount' }, intEnv)!;
    const ctx = (v: string): Ctx => ({ p: { id: 'P', attrs: {}, vals: {} }, ev: { id: 'E', partner: 'P', date: '2026-01-01', amount: N.parseNum(v) } as EventRow });
    expect(amount.fn(ctx('12.5'))).toBe(1250);
    expect(amount.fn(ctx('12.505'))).toBeNaN();
    const square = compileInt({ k: 'arith', a: { k: 'efield', f: 'amount' }, rest: [{ op: '*', b: { k: 'efield', f: 'amount' } }] }, intEnv)!;
    expect(square.fn(ctx('90000000000'))).toBeNaN();
    const cube = compileInt({ k: 'arith', a: { k: 'efield', f: 'qty' }, rest: [{ op: '*', b: { k: 'efield', f: 'qty' } }, { op: '*', b: { k: 'efield', f: 'qty' } }] }, intEnv)!;
    const qty = (q: number): Ctx => ({ p: { id: 'P', attrs: {}, vals: {} }, ev: { id: 'E', partner: 'P', date: '2026-01-01', qty: N.int(q) } as EventRow });
    expect(cube.fn(qty(1000))).toBe(1e9);
    expect(cube.fn(qty(300_000))).toBeNaN(); // 2.7e16 > 2^53
    expect(compileInt({ k: 'arith', a: { k: 'num', v: '1' }, rest: [{ op: '/', b: { k: 'num', v: '3' } }] }, intEnv)).toBeUndefined();
  });

  it('a measure whose sum passes 2^53 minor units stays exact', () => {
    // 3 × 40,000,000,000,000.01 EUR = 120,000,000,000,000.03 EUR: 1.2e16 cents, above 2^53 ≈ 9.007e15.
    const r = runProgram(
      `program "Big" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\nevent sale {\n  amount: money\n}\nmeasure total = sum sale.amount\npayout cash as cash {\n  cap 1 EUR per partner\n}\nrule "R" {\n  for each partner\n  award total * 0 to cash\n}\n`,
      { 'sale.csv': 'id,partner,date,amount\nA,P1,2026-01-01,40000000000000.01\nB,P1,2026-02-01,40000000000000.01\nC,P1,2026-03-01,40000000000000.01\n' },
    );
    const v = r[0]!.partners[0]!.values['total']!.value as N.Num;
    expect(N.toText(v)).toBe('120000000000000.03');
  });
});
