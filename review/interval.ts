/**
 * Intervals of exact decimals, for the exposure analysis (`exposure.ts`): what an expression can be,
 * whatever the data, as [lo, hi] with infinite ends for "no bound".
 *
 * Every bound is computed with the operation's exact result rounded outward to 34 significant
 * digits (a lower bound toward −∞, an upper bound toward +∞). The runtime rounds the same exact
 * result half-even to 34 digits (or not at all), and rounding is monotone, so the runtime's value
 * is never outside the interval: the analysis is sound, never optimistic.
 */
import { Decimal } from 'decimal.js';
import { Dec } from '../core/decimal.js';
import { roundTo, type RoundingMode } from '../core/money.js';

const config = { precision: 34, toExpNeg: -9e15, toExpPos: 9e15 };
/** Upper bounds: results rounded toward +∞. */
const Up = Decimal.clone({ ...config, rounding: Decimal.ROUND_CEIL });
/** Lower bounds: results rounded toward −∞. */
const Down = Decimal.clone({ ...config, rounding: Decimal.ROUND_FLOOR });

export const INF = new Dec(Infinity);
export const NINF = new Dec(-Infinity);
export const ZERO = new Dec(0);

/** A number's possible values: lo ≤ x ≤ hi, either end possibly infinite. */
export interface Interval {
  lo: Dec;
  hi: Dec;
}

export const TOP: Interval = { lo: NINF, hi: INF };

export function point(v: Dec): Interval {
  return { lo: v, hi: v };
}

export function isFinite(i: Interval): boolean {
  return i.lo.isFinite() && i.hi.isFinite();
}

export function hull(a: Interval, b: Interval): Interval {
  return { lo: Dec.min(a.lo, b.lo), hi: Dec.max(a.hi, b.hi) };
}

/** The common part, or undefined when there is none. */
export function meet(a: Interval, b: Interval): Interval | undefined {
  const lo = Dec.max(a.lo, b.lo);
  const hi = Dec.min(a.hi, b.hi);
  return lo.gt(hi) ? undefined : { lo, hi };
}

const dec = (x: Decimal) => new Dec(x);

export function add(a: Interval, b: Interval): Interval {
  return { lo: dec(Down.add(a.lo, b.lo)), hi: dec(Up.add(a.hi, b.hi)) };
}

export function sub(a: Interval, b: Interval): Interval {
  return { lo: dec(Down.sub(a.lo, b.hi)), hi: dec(Up.sub(a.hi, b.lo)) };
}

export function neg(a: Interval): Interval {
  return { lo: a.hi.neg(), hi: a.lo.neg() };
}

/** x × y rounded one way; 0 × ∞ is 0 (the values are finite: an end at infinity only says "no bound"). */
function times(C: typeof Up, x: Dec, y: Dec): Dec {
  if (x.isZero() || y.isZero()) return ZERO;
  return dec(C.mul(x, y));
}

export function mul(a: Interval, b: Interval): Interval {
  const ends = [
    [a.lo, b.lo],
    [a.lo, b.hi],
    [a.hi, b.lo],
    [a.hi, b.hi],
  ] as const;
  return { lo: Dec.min(...ends.map(([x, y]) => times(Down, x, y))), hi: Dec.max(...ends.map(([x, y]) => times(Up, x, y))) };
}

/** a ÷ b; a divisor that may be zero (or as close to it as it likes) bounds nothing (a division by zero itself is an evaluation error, not a value). */
export function div(a: Interval, b: Interval): Interval {
  if (a.lo.isZero() && a.hi.isZero()) return point(ZERO);
  if (b.lo.lte(0) && b.hi.gte(0)) return TOP;
  const q = (C: typeof Up, x: Dec, y: Dec) => (!x.isFinite() && !y.isFinite() ? (C === Up ? INF : NINF) : dec(C.div(x, y)));
  const ends = [
    [a.lo, b.lo],
    [a.lo, b.hi],
    [a.hi, b.lo],
    [a.hi, b.hi],
  ] as const;
  return { lo: Dec.min(...ends.map(([x, y]) => q(Down, x, y))), hi: Dec.max(...ends.map(([x, y]) => q(Up, x, y))) };
}

/** A monotone function applied to both ends (infinite ends stay infinite). */
export function monotone(a: Interval, f: (x: Dec) => Dec): Interval {
  return { lo: a.lo.isFinite() ? f(a.lo) : a.lo, hi: a.hi.isFinite() ? f(a.hi) : a.hi };
}

export function floor(a: Interval): Interval {
  return monotone(a, (x) => x.floor());
}

export function ceil(a: Interval): Interval {
  return monotone(a, (x) => x.ceil());
}

export function round(a: Interval, digits: number, mode: RoundingMode): Interval {
  return monotone(a, (x) => roundTo(x, digits, mode));
}

export function abs(a: Interval): Interval {
  if (a.lo.gte(0)) return a;
  if (a.hi.lte(0)) return neg(a);
  return { lo: ZERO, hi: Dec.max(a.lo.neg(), a.hi) };
}

export function min(xs: readonly Interval[]): Interval {
  return { lo: Dec.min(...xs.map((x) => x.lo)), hi: Dec.min(...xs.map((x) => x.hi)) };
}

export function max(xs: readonly Interval[]): Interval {
  return { lo: Dec.max(...xs.map((x) => x.lo)), hi: Dec.max(...xs.map((x) => x.hi)) };
}

/** A sum of at most `count` values (and at least none), each in `each`. */
export function sumOf(each: Interval, count: Dec): Interval {
  return { lo: each.lo.gte(0) ? ZERO : times(Down, each.lo, count), hi: each.hi.lte(0) ? ZERO : times(Up, each.hi, count) };
}
