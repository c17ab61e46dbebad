/** Money: ISO 4217 minor units, the spec's seven rounding modes, plain formatting, and an exact safe-integer fast path. */
import currencyCodes from 'currency-codes';
import type { Decimal } from 'decimal.js';
import { Dec, formatDecimal, DECIMAL_LITERAL } from './decimal.js';

// ---------------------------------------------------------------------------------------------
// Currencies

/**
 * ISO 4217 entries whose minor unit is "N.A." in the standard (precious metals, bond-market
 * units, SDR, the test and no-currency codes). currency-codes lists them with 0 digits; they are
 * not currencies money can be paid in, so `currencyDigits` rejects them.
 */
const NO_MINOR_UNIT = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

let digitsByCode: Map<string, number> | undefined;

function table(): Map<string, number> {
  if (digitsByCode === undefined) {
    digitsByCode = new Map();
    for (const c of currencyCodes.data) {
      if (!NO_MINOR_UNIT.has(c.code) && Number.isInteger(c.digits)) digitsByCode.set(c.code, c.digits);
    }
  }
  return digitsByCode;
}

/**
 * The number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3, CLF 4), or
 * undefined for an unknown code or one without a minor unit (XAU, XXX). Codes are upper case:
 * `eur` is not a code.
 */
export function currencyDigits(code: string): number | undefined {
  return table().get(code);
}

/** Every accepted currency code, sorted (for "did you mean" hints). */
export function currencyCodeList(): string[] {
  return [...table().keys()].sort();
}

/** The date of the ISO 4217 list the data comes from. */
export const ISO_4217_PUBLISH_DATE: string = currencyCodes.publishDate;

// ---------------------------------------------------------------------------------------------
// Rounding

export type RoundingMode = 'half-even' | 'half-up' | 'half-down' | 'down' | 'up' | 'floor' | 'ceiling';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-even', 'half-up', 'half-down', 'down', 'up', 'floor', 'ceiling'];

/**
 * The spec's modes as decimal.js rounding constants. `half-up` and `half-down` settle ties away
 * from zero and toward zero respectively (as Java, Python's decimal and ICU do), so they are
 * symmetric: -2.5 → -3 (half-up), -2 (half-down). `down` is toward zero, `up` away from zero.
 */
const DECIMAL_JS_MODE: Record<RoundingMode, Decimal.Rounding> = {
  'half-even': Dec.ROUND_HALF_EVEN,
  'half-up': Dec.ROUND_HALF_UP,
  'half-down': Dec.ROUND_HALF_DOWN,
  down: Dec.ROUND_DOWN,
  up: Dec.ROUND_UP,
  floor: Dec.ROUND_FLOOR,
  ceiling: Dec.ROUND_CEIL,
};

export function isRoundingMode(text: string): text is RoundingMode {
  return Object.prototype.hasOwnProperty.call(DECIMAL_JS_MODE, text);
}

/**
 * Rounds `value` to `digits` decimal places (0 = an integer) with `mode`. Exact: the result is
 * the nearest value with that many decimals in the mode's direction, never limited to 34 digits.
 */
export function roundTo(value: Dec, digits: number, mode: RoundingMode): Dec {
  if (!Number.isInteger(digits) || digits < 0) throw new Error(`internal: bad digit count ${digits}`);
  const r = value.toDecimalPlaces(digits, DECIMAL_JS_MODE[mode]);
  return r.isZero() ? new Dec(0) : r; // never -0
}

// ---------------------------------------------------------------------------------------------
// Formatting (for JSON/CSV output: plain, no grouping, no exponent)

/**
 * `value` with exactly `digits` decimals: formatFixed(1250, 2) = "1250.00", (1250, 0) = "1250",
 * (-0.5, 2) = "-0.50". Formatting never rounds: a value with more decimals than `digits` is an
 * internal error (round with roundTo first, with the mode the program says).
 */
export function formatFixed(value: Dec, digits: number): string {
  if (value.decimalPlaces() > digits) {
    throw new Error(`internal: ${formatDecimal(value)} has more than ${digits} decimals; round it first`);
  }
  const s = formatDecimal(value);
  if (digits === 0) return s;
  const dot = s.indexOf('.');
  const have = dot < 0 ? 0 : s.length - dot - 1;
  return (dot < 0 ? s + '.' : s) + '0'.repeat(digits - have);
}

/** Money with exactly its currency's minor digits: "1250.00" (EUR), "1250" (JPY). Throws if not yet rounded. */
export function formatMoney(value: Dec, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === undefined) throw new Error(`internal: unknown currency ${currency}`);
  return formatFixed(value, digits);
}

/** Points and item counts: an integer, "1250". Throws if `value` is not an integer. */
export function formatInteger(value: Dec): string {
  return formatFixed(value, 0);
}

/**
 * For traces people read (§11): thousands separated by commas, exactly `digits` decimals,
 * e.g. groupThousands("1500000.00") = "1,500,000.00". Takes the output of formatFixed.
 */
export function groupThousands(plain: string): string {
  const neg = plain.startsWith('-');
  const body = neg ? plain.slice(1) : plain;
  const dot = body.indexOf('.');
  const intPart = dot < 0 ? body : body.slice(0, dot);
  let out = '';
  for (let i = intPart.length; i > 0; i -= 3) out = intPart.slice(Math.max(0, i - 3), i) + (out ? ',' + out : '');
  return (neg ? '-' : '') + out + (dot < 0 ? '' : body.slice(dot));
}

// ---------------------------------------------------------------------------------------------
// Exact integer fast path: amounts as a safe integer count of minor units (cents).

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 9007199254740991
const MAX_SAFE_DIV_10 = 900719925474099; // floor(MAX_SAFE / 10)

/**
 * Parses a decimal literal into an exact integer number of minor units:
 * toMinorUnits("12.5", 2) = 1250, ("-0.07", 2) = -7, ("1250", 0) = 1250, ("12.500", 2) = 1250.
 * Returns undefined — the caller then uses `Dec` — when `text` is not a strict literal, when it
 * has a non-zero digit beyond `digits` decimals ("12.505", 2), or when the result would exceed
 * Number.MAX_SAFE_INTEGER in magnitude. Trailing fraction zeros beyond `digits` are accepted:
 * the value is still exact. Never returns -0.
 */
export function toMinorUnits(text: string, digits: number): number | undefined {
  const n = text.length;
  let i = 0;
  let neg = false;
  if (n > 0 && text.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  if (i >= n) return undefined;
  let v = 0;
  let sawDigit = false;
  // integer part
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c === -2) break; // '.'
    if (c < 0 || c > 9) return undefined;
    if (v > MAX_SAFE_DIV_10 || (v === MAX_SAFE_DIV_10 && c > 1)) return undefined;
    v = v * 10 + c;
    sawDigit = true;
  }
  if (!sawDigit) return undefined;
  let frac = 0;
  if (i < n) {
    i++; // past '.'
    if (i >= n) return undefined; // "12."
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      if (frac < digits) {
        if (v > MAX_SAFE_DIV_10 || (v === MAX_SAFE_DIV_10 && c > 1)) return undefined;
        v = v * 10 + c;
        frac++;
      } else if (c !== 0) return undefined;
    }
  }
  for (; frac < digits; frac++) {
    if (v > MAX_SAFE_DIV_10) return undefined;
    v = v * 10;
  }
  return neg && v !== 0 ? -v : v;
}

/**
 * a + b for safe integers, or undefined when the exact sum is not a safe integer. (Exact: when
 * the true sum is within ±MAX_SAFE the double sum is exact; when it is not, the rounded double is
 * at least 2^53 in magnitude, which is not a safe integer.)
 */
export function addMinor(a: number, b: number): number | undefined {
  const r = a + b;
  return Number.isSafeInteger(r) ? r : undefined;
}

/** a - b for safe integers, or undefined on overflow. */
export function subMinor(a: number, b: number): number | undefined {
  const r = a - b;
  return Number.isSafeInteger(r) ? (r === 0 ? 0 : r) : undefined;
}

/**
 * a × k for safe integers (minor units × a count), or undefined when the exact product is not a
 * safe integer (same argument as addMinor: rounding is monotonic and 2^53 is representable).
 * The scale is the caller's: cents × count = cents.
 */
export function mulMinor(a: number, k: number): number | undefined {
  const r = a * k;
  return Number.isSafeInteger(r) ? (r === 0 ? 0 : r) : undefined;
}

/** Minor units back to a plain string with exactly `digits` decimals: (125050, 2) → "1250.50", (-7, 2) → "-0.07". */
export function formatMinorUnits(units: number, digits: number): string {
  if (!Number.isSafeInteger(units)) throw new Error(`internal: not a safe integer: ${units}`);
  const neg = units < 0;
  let s = String(neg ? -units : units);
  if (digits === 0) return (neg ? '-' : '') + s;
  if (s.length <= digits) s = '0'.repeat(digits - s.length + 1) + s;
  return (neg ? '-' : '') + s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
}

/** Minor units as an exact Dec: (125050, 2) → 1250.5. */
export function fromMinorUnits(units: number, digits: number): Dec {
  return new Dec(formatMinorUnits(units, digits));
}

/** Re-exported so callers of the fast path can check literals the same way. */
export { DECIMAL_LITERAL, MAX_SAFE };
