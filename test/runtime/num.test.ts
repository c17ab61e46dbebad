/** Exact numbers: sums never depend on the order of their terms, even when terms are inexact quotients. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as N from '../../runtime/num.js';
import { Dec } from '../../core/decimal.js';

const sum = (xs: N.Num[]) => {
  const a = new N.Accumulator();
  for (const x of xs) a.add(x);
  return N.toText(a.value());
};

describe('Accumulator', () => {
  it('found by the generated-programs property: 3 × (11 ÷ 3) + 5 + 5 is the same in any order', () => {
    const third = N.div(N.parseNum('11'), N.parseNum('3')); // 3.666…667 (34 digits)
    const five = N.parseNum('5.00');
    expect(sum([third, third, third, five, five])).toBe(sum([five, third, five, third, third]));
    // Exactly 21.000000000000000000000000000000001 (35 digits), rounded once to 34: 21. Adding in
    // 34-digit steps gave 21.00000000000000000000000000000001 in one order and 21 in another.
    expect(sum([third, third, third, five, five])).toBe('21');
  });

  it('any order of any terms (integers, decimals, 34-digit quotients, huge values) gives one sum', () => {
    const term = fc.oneof(
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => N.int(n)),
      fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 97 })).map(([a, b]) => N.div(N.int(a), N.int(b))),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => N.parseNum(n.toString())),
    );
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 30 }), fc.integer(), (xs, seed) => {
        const shuffled = [...xs].sort((a, b) => ((N.cmp(a, b) * 7919 + seed) % 3) - 1);
        expect(sum(shuffled)).toBe(sum(xs));
        expect(sum([...xs].reverse())).toBe(sum(xs));
      }),
      { numRuns: 500 },
    );
  });

  it('values of several scales aligned on integers give the total the wide decimals gave: the same number, the same scale', () => {
    // The accumulator before values of several scales were aligned: a second scale went to the wide decimals.
    const Wide = Dec.clone({ precision: 1000, rounding: Dec.ROUND_HALF_EVEN, toExpNeg: -9e15, toExpPos: 9e15 });
    class Reference {
      private n = 0;
      private s = -1;
      private wide: InstanceType<typeof Wide> | undefined;
      add(v: N.Num): void {
        if (v instanceof N.Fixed && (this.s === v.s || this.s === -1) && Math.abs(this.n + v.n) <= Number.MAX_SAFE_INTEGER) {
          this.n += v.n;
          this.s = v.s;
          return;
        }
        const w = new Wide(N.toDec(v).toString());
        this.wide = this.wide === undefined ? w : this.wide.plus(w);
      }
      value(): N.Num {
        const fixed = this.s === -1 ? undefined : new N.Fixed(this.n, this.s);
        if (this.wide === undefined) return fixed ?? N.ZERO;
        const total = fixed ? this.wide.plus(new Wide(N.toDec(fixed).toString())) : this.wide;
        return N.fromDec(new Dec(total.toSignificantDigits(34, Dec.ROUND_HALF_EVEN).toString()));
      }
    }
    const shape = (v: N.Num) => (v instanceof N.Fixed ? `fixed ${v.n} ${v.s}` : `dec ${N.toText(v)}`);
    const term = fc.oneof(
      { arbitrary: fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 })).map(([n, s]) => new N.Fixed(n, s)), weight: 5 },
      fc.tuple(fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 52, -(2 ** 52), 999_999_999_999_999), fc.integer({ min: 0, max: 4 })).map(([n, s]) => new N.Fixed(n, s)),
      fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 97 })).map(([a, b]) => N.div(N.int(a), N.int(b))),
    );
    fc.assert(
      fc.property(fc.array(term, { minLength: 0, maxLength: 12 }), (xs) => {
        const a = new N.Accumulator();
        const r = new Reference();
        for (const x of xs) {
          a.add(x);
          r.add(x);
        }
        expect(shape(a.value())).toBe(shape(r.value()));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays on the integer fast path for same-scale values and is exact past 2^53', () => {
    const a = new N.Accumulator();
    a.add(N.parseNum('9007199254740991'));
    a.add(N.parseNum('9007199254740991'));
    expect(N.toText(a.value())).toBe('18014398509481982');
    const b = new N.Accumulator();
    b.addScaled(150, 2);
    b.addScaled(250, 2);
    expect(b.value()).toBeInstanceOf(N.Fixed);
    expect(N.toText(b.value())).toBe('4');
  });
});

describe('Sum (a running add)', () => {
  it('gives what add gives over the same terms from ZERO: the same value, scale and kind (property)', () => {
    const shape = (v: N.Num) => (v instanceof N.Fixed ? `fixed ${v.n} ${v.s}` : `dec ${N.toText(v)}`);
    const term = fc.oneof(
      { arbitrary: fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 })).map(([n, s]) => new N.Fixed(n, s)), weight: 5 },
      // near 2^53, where a total leaves the integers (and, with a scale, where rescaling does)
      fc.tuple(fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52, -(2 ** 52), 999_999_999_999_999), fc.integer({ min: 0, max: 4 })).map(([n, s]) => new N.Fixed(n, s)),
      fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 97 })).map(([a, b]) => N.div(N.int(a), N.int(b))),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => N.parseNum(n.toString())),
    );
    fc.assert(
      fc.property(fc.array(term, { minLength: 0, maxLength: 12 }), (xs) => {
        const sum = new N.Sum();
        let chain: N.Num = N.ZERO;
        for (const x of xs) {
          sum.add(x);
          chain = N.add(chain, x);
        }
        expect(shape(sum.value())).toBe(shape(chain));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('floorDiv and ceilDiv (the kernels\' ⌊v ÷ 10^k⌋ without %)', () => {
  const floorBig = (v: bigint, p: bigint) => (v >= 0n || v % p === 0n ? v / p : v / p - 1n);
  const ceilBig = (v: bigint, p: bigint) => (v <= 0n || v % p === 0n ? v / p : v / p + 1n);
  it('are exact for every safe integer and power of ten up to 10^15', () => {
    const safe = fc.oneof(fc.maxSafeInteger().map((v) => v), fc.maxSafeNat().map((v) => -v), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 - 2, 999_999_999_999_999, -999_999_999_999_999));
    fc.assert(
      fc.property(safe, fc.integer({ min: 1, max: 15 }), (v, k) => {
        const p = 10 ** k;
        expect(N.floorDiv(v, p)).toBe(Number(floorBig(BigInt(v), BigInt(p))));
        expect(N.ceilDiv(v, p)).toBe(Number(ceilBig(BigInt(v), BigInt(p))));
      }),
      { numRuns: 20_000 },
    );
    // just below and above multiples, where a rounded quotient would cross the integer
    for (let k = 1; k <= 15; k++) {
      const p = 10 ** k;
      for (const m of [1, 7, Math.floor(Number.MAX_SAFE_INTEGER / p) - 1]) {
        for (const d of [-1, 0, 1]) {
          const v = m * p + d;
          if (!Number.isSafeInteger(v)) continue;
          for (const s of [v, -v]) {
            expect(N.floorDiv(s, p)).toBe(Number(floorBig(BigInt(s), BigInt(p))));
            expect(N.ceilDiv(s, p)).toBe(Number(ceilBig(BigInt(s), BigInt(p))));
          }
        }
      }
    }
    expect(Object.is(N.floorDiv(-0, 100), 0)).toBe(true);
    expect(Object.is(N.ceilDiv(-5, 100), 0)).toBe(true);
    expect(N.floorDiv(NaN, 10)).toBeNaN();
  });
});

describe('add, sub and cmp of numbers of any scales', () => {
  it('give what decimal.js gives, at the larger scale on the integer fast path (near 2^53 and past it too)', () => {
    const fixed = fc
      .tuple(fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.maxSafeInteger(), fc.constantFrom(9007199254740991, -9007199254740991, 0, 1, -1)), fc.integer({ min: 0, max: 15 }))
      .map(([n, s]) => new N.Fixed(n, s));
    fc.assert(
      fc.property(fixed, fixed, (a, b) => {
        const [x, y] = [N.toDec(a), N.toDec(b)];
        for (const [got, want] of [
          [N.add(a, b), x.plus(y)],
          [N.sub(a, b), x.minus(y)],
        ] as const) {
          expect(N.toDec(got).eq(want), `${N.toText(a)} and ${N.toText(b)}`).toBe(true);
          if (got instanceof N.Fixed) expect(got.s).toBe(Math.max(a.s, b.s));
        }
        expect(N.cmp(a, b)).toBe(x.cmp(y));
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
});

describe('groupedFixedText and groupedText (a trace\'s values, made in one pass)', () => {
  // Values of every scale a program makes: safe integers of units, at scales 0–15, near 2^53 too, and decimals past them.
  const fixed = fc.tuple(fc.oneof(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.maxSafeInteger().map((n) => n - (n % 7)), fc.integer().map((n) => n * 1000)), fc.integer({ min: 0, max: 15 })).map(([n, s]) => new N.Fixed(n, s));
  const wide = fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map((n) => N.parseNum(n.toString()));
  const num = fc.oneof(fixed, fixed, wide, fc.tuple(fixed, fc.integer({ min: 1, max: 97 })).map(([a, b]) => N.div(a, N.int(b))));

  it('give what groupDigits of toFixedText gives, for any value and any number of decimals', () => {
    fc.assert(
      fc.property(num, fc.integer({ min: 0, max: 15 }), (v, digits) => {
        expect(N.groupedFixedText(v, digits)).toBe(N.groupDigits(N.toFixedText(v, digits)));
      }),
      { numRuns: 3000 },
    );
  });

  it('give what groupDigits of toText gives, for any value', () => {
    fc.assert(
      fc.property(num, (v) => {
        expect(N.groupedText(v)).toBe(N.groupDigits(N.toText(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it('write the cases a statement meets: zero, minus zero, fewer digits than decimals, exact thousands', () => {
    expect(N.groupedFixedText(new N.Fixed(-0, 0), 2)).toBe('0.00');
    expect(N.groupedFixedText(new N.Fixed(5, 2), 4)).toBe('0.0500');
    expect(N.groupedFixedText(new N.Fixed(-100000000, 2), 2)).toBe('-1,000,000.00');
    expect(N.groupedFixedText(new N.Fixed(255539615200, 6), 4)).toBe('255,539.6152');
    expect(N.groupedText(new N.Fixed(1500, 3))).toBe('1.5');
    expect(N.groupedText(new N.Fixed(-1002003, 0))).toBe('-1,002,003');
    expect(N.groupedText(new N.Fixed(-0, 2))).toBe('0');
  });
});

describe('floor, ceil and round on the integer fast path', () => {
  const modes = { down: Dec.ROUND_DOWN, up: Dec.ROUND_UP, floor: Dec.ROUND_FLOOR, ceiling: Dec.ROUND_CEIL, 'half-up': Dec.ROUND_HALF_UP, 'half-down': Dec.ROUND_HALF_DOWN, 'half-even': Dec.ROUND_HALF_EVEN } as const;
  // a safe integer, often near a rounding boundary (…5, …50, …0)
  const units = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -200_000, max: 200_000 }).map((x) => x * 50 + (x % 3)), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 5, -5, 15, -25));
  it('give what decimal arithmetic gives, for every mode, scale and number of digits', () => {
    fc.assert(
      fc.property(units, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.constantFrom(...(Object.keys(modes) as (keyof typeof modes)[])), (n, s, digits, mode) => {
        const x = new N.Fixed(n, s);
        const d = new Dec(n).div(new Dec(10).pow(s));
        expect(N.toDec(N.floor(x)).eq(d.floor())).toBe(true);
        expect(N.toDec(N.ceil(x)).eq(d.ceil())).toBe(true);
        const r = N.round(x, digits, mode);
        expect(N.toDec(r).eq(d.toDecimalPlaces(digits, modes[mode])), `${n}e-${s} to ${digits} ${mode}: ${N.toText(r)}`).toBe(true);
        for (const y of [N.floor(x), N.ceil(x), r]) if (y instanceof N.Fixed) expect(Object.is(y.n, -0)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
