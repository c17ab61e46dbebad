/**
 * Exact decimal numbers for evaluation, with an integer fast path.
 *
 * A `Num` is either a `Fixed` — a safe integer `n` scaled by 10^-s, exact by construction — or a
 * `Dec` (decimal.js at 34 digits). Every operation on two Fixed values stays Fixed while its result
 * is provably exact (safe-integer bounds are checked on every step); anything else (a division that
 * does not come out even, an overflow) falls back to Dec, which gives the same value the spec asks
 * for. No binary fraction ever holds a value: `n` is always an integer.
 */
import { Dec } from '../core/decimal.js';
import { roundTo, type RoundingMode } from '../core/money.js';

export class Fixed {
  constructor(
    readonly n: number,
    readonly s: number,
  ) {}
}

export type Num = Fixed | Dec;

const MAX = Number.MAX_SAFE_INTEGER;
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 15; i++, p *= 10) POW10.push(p);

export const ZERO = new Fixed(0, 0);
export const ONE = new Fixed(1, 0);

export function int(n: number): Num {
  return Number.isSafeInteger(n) ? new Fixed(n, 0) : new Dec(n);
}

/** `a` × 10^scale as a safe integer, or NaN when that is not exact or not safe (more decimals than `scale`, too large, a Dec). */
export function scaledInteger(a: Num, scale: number): number {
  if (!(a instanceof Fixed) || a.s > scale || scale - a.s > 15) return NaN;
  const r = a.n * POW10[scale - a.s]!;
  return Math.abs(r) <= MAX ? r : NaN;
}

/** Parses a strict decimal literal (validated before): Fixed when it fits. */
export function parseNum(text: string): Num {
  const neg = text.charCodeAt(0) === 45;
  const dot = text.indexOf('.');
  const digits = (neg ? text.slice(1) : text).replace('.', '');
  const s = dot < 0 ? 0 : text.length - dot - 1;
  if (digits.length <= 15 && s <= 15) {
    let n = 0;
    for (let i = 0; i < digits.length; i++) n = n * 10 + (digits.charCodeAt(i) - 48);
    return new Fixed(neg ? -n : n, s);
  }
  return new Dec(text);
}

export function toDec(a: Num): Dec {
  if (a instanceof Fixed) return a.s === 0 ? new Dec(a.n) : new Dec(a.n).div(POW10[a.s]!);
  return a;
}

/**
 * `n` (at scale `from`) at scale `to` ≥ `from`: NaN beyond a safe integer. Two numbers are aligned
 * on the larger scale without an array made per operation (statements add and compare millions).
 */
function rescaled(n: number, from: number, to: number): number {
  if (from === to) return n;
  const x = n * POW10[to - from]!;
  return Math.abs(x) <= MAX ? x : NaN;
}

export function add(a: Num, b: Num): Num {
  if (a instanceof Fixed && b instanceof Fixed) {
    const s = a.s > b.s ? a.s : b.s;
    const r = rescaled(a.n, a.s, s) + rescaled(b.n, b.s, s);
    if (Math.abs(r) <= MAX) return new Fixed(r, s); // (NaN is not)
  }
  return toDec(a).plus(toDec(b));
}

export function sub(a: Num, b: Num): Num {
  if (a instanceof Fixed && b instanceof Fixed) {
    const s = a.s > b.s ? a.s : b.s;
    const r = rescaled(a.n, a.s, s) - rescaled(b.n, b.s, s);
    if (Math.abs(r) <= MAX) return new Fixed(r, s); // (NaN is not)
  }
  return toDec(a).minus(toDec(b));
}

export function mul(a: Num, b: Num): Num {
  if (a instanceof Fixed && b instanceof Fixed) {
    const r = a.n * b.n;
    if (Math.abs(r) <= MAX && a.s + b.s <= 15) return normalize(r, a.s + b.s);
  }
  return toDec(a).times(toDec(b));
}

/** Strips trailing zeros of the fraction so that scales stay small. */
function normalize(n: number, s: number): Fixed {
  while (s > 0 && n % 10 === 0) {
    n /= 10;
    s--;
  }
  return new Fixed(n, s);
}

export class DivisionByZero extends Error {}

export function div(a: Num, b: Num): Num {
  if (isZero(b)) throw new DivisionByZero('division by zero');
  if (a instanceof Fixed && b instanceof Fixed) {
    // a.n·10^-a.s ÷ b.n·10^-b.s = (a.n ÷ b.n)·10^(b.s-a.s): exact when b.n divides a.n.
    if (a.n % b.n === 0) {
      const q = a.n / b.n;
      const s = a.s - b.s;
      if (s >= 0) return normalize(q, s);
      const scaled = q * POW10[-s]!;
      if (-s <= 15 && Math.abs(scaled) <= MAX) return new Fixed(scaled, 0);
    }
  }
  return toDec(a).div(toDec(b));
}

export function neg(a: Num): Num {
  return a instanceof Fixed ? new Fixed(a.n === 0 ? 0 : -a.n, a.s) : a.neg();
}

export function cmp(a: Num, b: Num): number {
  if (a instanceof Fixed && b instanceof Fixed) {
    const s = a.s > b.s ? a.s : b.s;
    const x = rescaled(a.n, a.s, s);
    const y = rescaled(b.n, b.s, s);
    if (x === x && y === y) return x < y ? -1 : x > y ? 1 : 0;
  }
  return toDec(a).cmp(toDec(b));
}

export function isZero(a: Num): boolean {
  return a instanceof Fixed ? a.n === 0 : a.isZero();
}

export function sign(a: Num): number {
  if (a instanceof Fixed) return a.n > 0 ? 1 : a.n < 0 ? -1 : 0;
  return a.isZero() ? 0 : a.isNeg() ? -1 : 1;
}

export function abs(a: Num): Num {
  return sign(a) < 0 ? neg(a) : a;
}

/**
 * ⌊v ÷ p⌋ and ⌈v ÷ p⌉ of a safe integer `v` and `p` = 10^k (k ≤ 15), exactly, without `%` (a call
 * to fmod, four times slower in the kernels' loops): the quotient rounded to a double is within
 * |v/p| × 2⁻⁵³ of the true one, while a quotient that is not an integer is at least 1/p from the
 * nearest; the first is the smaller as long as |v| < 2⁵³, so the rounding never reaches or
 * crosses an integer. `+ 0` makes −0 0. NaN stays NaN. (Checked against BigInt division.)
 */
export function floorDiv(v: number, p: number): number {
  return Math.floor(v / p) + 0;
}

export function ceilDiv(v: number, p: number): number {
  return Math.ceil(v / p) + 0;
}

// Below, the exact integer quotient (toward zero) q and remainder r of n ÷ 10^k: `%` on safe
// integers is exact, and so is dividing an exact multiple. (Computed in place, not returned as a
// pair: an array made per call, which V8's interpreter — running a run's first partners — cannot
// do without.)

export function floor(a: Num): Num {
  if (a instanceof Fixed) {
    if (a.s === 0) return a;
    const r = a.n % POW10[a.s]!;
    const q = (a.n - r) / POW10[a.s]!;
    return new Fixed(r < 0 ? q - 1 : q === 0 ? 0 : q, 0);
  }
  return fromDec(a.floor());
}

export function ceil(a: Num): Num {
  if (a instanceof Fixed) {
    if (a.s === 0) return a;
    const r = a.n % POW10[a.s]!;
    const q = (a.n - r) / POW10[a.s]!;
    return new Fixed(r > 0 ? q + 1 : q === 0 ? 0 : q, 0);
  }
  return fromDec(a.ceil());
}

/** Rounds to `digits` decimals with a mode; on the fast path by exact integer quotient and remainder. */
export function round(a: Num, digits: number, mode: RoundingMode): Num {
  if (a instanceof Fixed) {
    if (a.s <= digits) return a;
    const k = a.s - digits;
    if (k > 15) return fromDec(roundTo(toDec(a), digits, mode));
    const p = POW10[k]!;
    const r = a.n % p;
    let q = (a.n - r) / p;
    if (r !== 0) {
      const negative = a.n < 0;
      const twice = Math.abs(r) * 2;
      let away: boolean;
      switch (mode) {
        case 'down':
          away = false;
          break;
        case 'up':
          away = true;
          break;
        case 'floor':
          away = negative;
          break;
        case 'ceiling':
          away = !negative;
          break;
        case 'half-up':
          away = twice >= p;
          break;
        case 'half-down':
          away = twice > p;
          break;
        case 'half-even':
          away = twice > p || (twice === p && Math.abs(q) % 2 === 1);
          break;
      }
      if (away) q += negative ? -1 : 1;
    }
    return new Fixed(q === 0 ? 0 : q, digits);
  }
  return fromDec(roundTo(a, digits, mode));
}

/** Back to the fast path when a Dec holds a small exact value. */
export function fromDec(d: Dec): Num {
  if (d.isInteger() && d.abs().lte(MAX)) return new Fixed(d.toNumber(), 0);
  const dp = d.decimalPlaces();
  if (dp <= 15) {
    const scaled = d.times(POW10[dp]!);
    if (scaled.abs().lte(MAX)) return new Fixed(scaled.toNumber(), dp);
  }
  return d;
}

/** Plain decimal text with exactly `digits` decimals (the value must already be rounded to them). */
export function toFixedText(a: Num, digits: number): string {
  if (a instanceof Fixed) {
    let n = a.n;
    let s = a.s;
    if (s > digits) return toDec(a).toFixed(digits); // allow-number: decimal.js toFixed on an exact Decimal
    while (s < digits) {
      if (Math.abs(n * 10) > MAX) return toDec(a).toFixed(digits); // allow-number: decimal.js toFixed
      n *= 10;
      s++;
    }
    const negative = n < 0;
    let t = String(Math.abs(n));
    if (digits > 0) {
      t = t.padStart(digits + 1, '0');
      t = `${t.slice(0, -digits)}.${t.slice(-digits)}`;
    }
    return negative ? `-${t}` : t;
  }
  const r = a.toFixed(digits); // allow-number: decimal.js toFixed on an exact Decimal
  return /^-0(\.0*)?$/.test(r) ? r.slice(1) : r;
}

/** Plain decimal text, no exponent, no trailing zeros. */
export function toText(a: Num): string {
  if (a instanceof Fixed) {
    // as decimal.js writes n × 10^-s, without making a Decimal (traces write many values)
    if (a.n === 0) return '0';
    if (a.s === 0) return String(a.n);
    let digits = String(Math.abs(a.n));
    let s = a.s;
    while (s > 0 && digits.charCodeAt(digits.length - 1) === 48) {
      digits = digits.slice(0, -1);
      s--;
    }
    if (s > 0) {
      digits = digits.padStart(s + 1, '0');
      digits = `${digits.slice(0, -s)}.${digits.slice(-s)}`;
    }
    return a.n < 0 ? `-${digits}` : digits;
  }
  const d = toDec(a);
  return d.isZero() ? '0' : d.toString();
}

/** Text with a thousands separator, for people: `1,500,000.00`. */
export function groupDigits(text: string): string {
  // The usual case without a regular expression (statements format millions of amounts): `-?digits(.rest)?`.
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  let dot = text.indexOf('.', start);
  if (dot < 0) dot = text.length;
  let plain = dot > start && text.indexOf('.', dot + 1) < 0;
  for (let k = start; plain && k < dot; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) plain = false;
  }
  if (plain) {
    const len = dot - start;
    if (len <= 3) return text;
    const first = start + (len % 3 || 3);
    let out = text.slice(0, first);
    for (let k = first; k < dot; k += 3) out += ',' + text.slice(k, k + 3);
    return out + text.slice(dot);
  }
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [i, f] = body.split('.') as [string, string?];
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${f !== undefined ? '.' + f : ''}`;
}

/**
 * `groupDigits(toFixedText(a, digits))`, the value with exactly `digits` decimals and a thousands
 * separator (`-1,234,567.50`), made from the integer itself when it is an exact integer of units of
 * 10^-digits: a trace formats about three values, and the two steps cost ten strings each.
 */
export function groupedFixedText(a: Num, digits: number): string {
  if (a instanceof Fixed && a.s <= digits && digits <= 15) {
    const u = a.n * POW10[digits - a.s]!;
    if (Math.abs(u) <= MAX) return groupedUnits(u, digits);
  }
  return groupDigits(toFixedText(a, digits));
}

/** `groupDigits(toText(a))`: the value without trailing zeros, with a thousands separator (`1,234.5`). */
export function groupedText(a: Num): string {
  if (!(a instanceof Fixed) || !(Math.abs(a.n) <= MAX) || a.s > 15) return groupDigits(toText(a));
  let n = a.n;
  let s = a.s;
  if (n === 0) return '0';
  while (s > 0 && n % 10 === 0) {
    n /= 10;
    s--;
  }
  return groupedUnits(n, s);
}

const ZEROS = '000000000000000';

/** The safe integer `u` of units of 10^-digits (0 ≤ digits ≤ 15) as grouped text: every digit of the units shown. */
function groupedUnits(u: number, digits: number): string {
  let a = u < 0 ? -u : u;
  let out = '';
  if (digits > 0) {
    const p = POW10[digits]!;
    const f = a % p;
    a = (a - f) / p; // (exact: a − f is a multiple of p)
    const t = String(f);
    out = '.' + ZEROS.slice(0, digits - t.length) + t;
  }
  while (a >= 1000) {
    const r = a % 1000;
    a = (a - r) / 1000;
    out = (r >= 100 ? ',' : r >= 10 ? ',0' : ',00') + r + out;
  }
  out = a + out;
  return u < 0 ? '-' + out : out;
}

/** An exact integer of units (cents, points) as a bigint; the value must be a multiple of 10^-digits. */
export function toUnits(a: Num, digits: number): bigint {
  const t = toFixedText(a, digits).replace('.', '');
  return BigInt(t);
}

export function fromUnits(u: bigint, digits: number): Num {
  const negative = u < 0n;
  let t = (negative ? -u : u).toString();
  if (digits > 0) {
    t = t.padStart(digits + 1, '0');
    t = `${t.slice(0, -digits)}.${t.slice(-digits)}`;
  }
  return parseNum(negative ? `-${t}` : t);
}

/**
 * Wide decimals for sums: enough digits that adding values of up to 34 significant digits (or
 * exact input data with more) never rounds, so that a sum is exact and does not depend on the
 * order of its terms; it is rounded once, to 34 digits, when read.
 */
const Wide = Dec.clone({ precision: 1000, rounding: Dec.ROUND_HALF_EVEN, toExpNeg: -9e15, toExpPos: 9e15 });
type Wide = InstanceType<typeof Wide>;

/**
 * A running exact sum: it adds on plain integers while the values are Fixed (no allocation per
 * value; values of several scales are aligned to the largest while that stays a safe integer), and
 * exactly in wide decimals otherwise. `value()` is the total, rounded once to 34 significant digits
 * (half-even) — so a sum never depends on the order of its terms — and, once terms of several
 * scales were added, without trailing zeros (as a total of the wide decimals is).
 */
/**
 * A running `add`: the same total, of the same scale, as `add` over the same terms in the same
 * order from `ZERO` — without a `Num` made per term (a period's totals add three per partner and pot).
 */
export class Sum {
  private n = 0;
  private s = 0;
  /** The total, once it is not an exact integer of minor units (then `add`'s, term by term). */
  private d: Num | undefined;

  add(v: Num): void {
    if (this.d === undefined && v instanceof Fixed) {
      const s = this.s > v.s ? this.s : v.s;
      const r = rescaled(this.n, this.s, s) + rescaled(v.n, v.s, s);
      if (Math.abs(r) <= MAX) {
        this.n = r;
        this.s = s;
        return;
      }
    }
    this.d = add(this.d ?? new Fixed(this.n, this.s), v);
  }

  value(): Num {
    return this.d ?? new Fixed(this.n, this.s);
  }
}

export class Accumulator {
  private n = 0;
  private s = -1;
  /** Terms of several scales were added (the total is shown without trailing zeros). */
  private mixed = false;
  private wide: Wide | undefined;

  add(v: Num): void {
    if (v instanceof Fixed) {
      if (this.s === v.s || this.s === -1) {
        const t = this.n + v.n;
        if (Math.abs(t) <= MAX) {
          this.n = t;
          this.s = v.s;
          return;
        }
      } else if (v.s < this.s) {
        const x = v.n * POW10[this.s - v.s]!; // exact when it is a safe integer
        const t = this.n + x;
        if (Math.abs(x) <= MAX && Math.abs(t) <= MAX) {
          this.n = t;
          this.mixed = true;
          return;
        }
      } else {
        const y = this.n * POW10[v.s - this.s]!;
        const t = y + v.n;
        if (Math.abs(y) <= MAX && Math.abs(t) <= MAX) {
          this.n = t;
          this.s = v.s;
          this.mixed = true;
          return;
        }
      }
    }
    const w = new Wide(toDec(v).toString());
    this.wide = this.wide === undefined ? w : this.wide.plus(w);
  }

  /** Adds n × 10^-s (n a safe integer) without allocating while the scale stays the same. */
  addScaled(n: number, s: number): void {
    if (this.s === s || this.s === -1) {
      const t = this.n + n;
      if (Math.abs(t) <= MAX) {
        this.n = t;
        this.s = s;
        return;
      }
    }
    this.add(new Fixed(n, s));
  }

  value(): Num {
    if (this.wide === undefined && this.mixed) {
      // what `fromDec` makes of the same total: no trailing zeros
      let n = this.n;
      let s = this.s;
      while (s > 0 && n % 10 === 0) {
        n /= 10;
        s--;
      }
      return new Fixed(n, s);
    }
    const fixed = this.s === -1 ? undefined : new Fixed(this.n, this.s);
    if (this.wide === undefined) return fixed ?? ZERO;
    const total = fixed ? this.wide.plus(new Wide(toDec(fixed).toString())) : this.wide;
    return fromDec(new Dec(total.toSignificantDigits(34, Dec.ROUND_HALF_EVEN).toString()));
  }
}
