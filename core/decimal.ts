/** The one configured decimal constructor (34 digits, half-even, never exponent notation) and strict decimal literals. */
import { Decimal } from 'decimal.js';

/**
 * decimal.js configured as the spec's §5 says: 34 significant digits (IEEE decimal128), ties to
 * even, and exponent limits so wide that `toString()` never uses exponent notation.
 * Always use `Dec`, never the bare `decimal.js` default (20 digits, half-up).
 */
export const Dec = Decimal.clone({
  precision: 34,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Dec = Decimal;

/** A decimal literal as data and the command line write it: digits, an optional fraction, an optional leading minus. */
export const DECIMAL_LITERAL = /^-?\d+(\.\d+)?$/;

/** Whether `text` is a strict decimal literal: no exponent, no `+`, no grouping commas, no spaces. */
export function isDecimalLiteral(text: string): boolean {
  return DECIMAL_LITERAL.test(text);
}

/**
 * Parses a strict decimal literal exactly (however many digits it has: the value is kept, not
 * rounded to 34 digits). Returns undefined when `text` is not a literal (`1e3`, `1,5`, `.5`, `+1`).
 */
export function parseDecimal(text: string): Dec | undefined {
  if (!DECIMAL_LITERAL.test(text)) return undefined;
  return new Dec(text);
}

/** Like parseDecimal, but throws (an internal error: callers validate first). */
export function dec(text: string): Dec {
  const d = parseDecimal(text);
  if (d === undefined) throw new Error(`internal: not a decimal literal: ${JSON.stringify(text)}`);
  return d;
}

/**
 * Plain notation, no exponent, no trailing fraction zeros, never `-0`: `1250.5`, `-0.001`, `0`.
 * Two equal values always format identically.
 */
export function formatDecimal(d: Dec): string {
  if (d.isZero()) return '0';
  if (!d.isFinite()) throw new Error(`internal: not a finite decimal: ${d.toString()}`);
  return d.toString();
}

/**
 * The canonical form of a decimal literal, computed on the string (no decimal.js): leading zeros
 * of the integer part and trailing zeros of the fraction removed, `-0` → `0`.
 * `"007.50"` → `"7.5"`. Returns undefined when `text` is not a literal. Same result as
 * `formatDecimal(parseDecimal(text))`, but several times faster (used on every input record).
 */
export function normalizeDecimalLiteral(text: string): string | undefined {
  if (!DECIMAL_LITERAL.test(text)) return undefined;
  const neg = text.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  const dot = text.indexOf('.');
  const intEnd = dot < 0 ? text.length : dot;
  while (i < intEnd - 1 && text.charCodeAt(i) === 48) i++;
  let intPart = text.slice(i, intEnd);
  let frac = '';
  if (dot >= 0) {
    let e = text.length;
    while (e > dot + 1 && text.charCodeAt(e - 1) === 48) e--;
    frac = text.slice(dot + 1, e);
  }
  if (intPart === '') intPart = '0';
  if (intPart === '0' && frac === '') return '0';
  return (neg ? '-' : '') + intPart + (frac ? '.' + frac : '');
}
