/**
 * The limits of Incent's programs, in one place: how big a program may be, how deeply its
 * expressions may nest, how far a window may reach back, and which numbers exist (the data's own
 * limits are in runtime/data/limits.ts). Each is documented in
 * language/REFERENCE.md ("Limits") and exceeding it is an ordinary diagnostic or evaluation error.
 */
import type { Dec } from './decimal.js';

/** A program's text: at most this many characters (UTF-16 code units, about 4 MB), for any caller of the parser. */
export const MAX_PROGRAM_CHARS = 4_000_000;

/**
 * A program file, as the command line and the playground read it: at most 1 MiB of UTF-8 text (a
 * program is a page or two of rules; a larger file is a mistake, such as a data file given as the
 * program). Refused before it is read.
 */
export const MAX_PROGRAM_BYTES = 1 << 20;

/**
 * How deeply an expression may nest: each parenthesis, `[…]` list, function call, `if`, `lookup`,
 * `bands`/`marginal`, unary `-` and `not` opens one level. Chains of binary operators
 * (`a + b + …`, `x and y and …`) do not nest and may be as long as the program allows.
 */
export const MAX_NESTING = 64;

/** How far back a window may reach: `last N months|quarters|years|periods` spans at most this many months (100 years). */
export const MAX_WINDOW_MONTHS = 1200;

/**
 * A cycle of lets, measures and tiers longer than this is reported without following it name by
 * name (the checker follows shorter cycles to name every step).
 */
export const MAX_CYCLE_FOLLOWED = 100;

/** Every number has at most this many significant digits (IEEE decimal128's precision, the spec's §5). */
export const MAX_DIGITS = 34;

/**
 * The size of numbers: every number a program writes or computes is zero, or at least
 * 10^-MAX_EXPONENT and below 10^MAX_EXPONENT in absolute value. Within that range an integer is
 * exact (it has at most 34 digits, like the precision), and so is money to the cent below 10^32.
 */
export const MAX_EXPONENT = 34;

/** Whether a decimal is within the size of numbers (zero, or 10^-34 ≤ |x| < 10^34); false for NaN and infinities. */
export function inRange(d: Dec): boolean {
  if (d.isZero()) return true;
  if (!d.isFinite()) return false;
  // decimal.js keeps the exponent of the most significant digit: |d| = m × 10^e with 1 ≤ m < 10.
  return d.e < MAX_EXPONENT && d.e >= -MAX_EXPONENT;
}

/**
 * What is wrong with a plain decimal text (digits, an optional fraction, an optional `-`; no `_`
 * or `%`) as a number: more than 34 significant digits, or a size outside the range. Undefined
 * when it is a number. Significant digits run from the first non-zero digit to the last non-zero
 * digit (`1_000_000`: 1; `0.0250`: 2; `1.5`: 2). Works on the text, without decimal.js, so that it
 * is cheap enough for every value of a data file.
 */
export function decimalTextProblem(text: string): 'digits' | 'too large' | 'too small' | undefined {
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const dot = text.indexOf('.');
  const intEnd = dot < 0 ? text.length : dot;
  let first = -1; // position (in the digit sequence without the point) of the first non-zero digit
  let last = -1;
  let pos = 0;
  let intDigits = 0; // digits of the integer part from its first non-zero digit
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) continue;
    if (c !== 48) {
      if (first < 0) first = pos;
      last = pos;
    }
    if (i < intEnd && first >= 0) intDigits++;
    pos++;
  }
  if (first < 0) return undefined; // zero
  if (last - first + 1 > MAX_DIGITS) return 'digits';
  if (intDigits > MAX_EXPONENT) return 'too large';
  if (intDigits === 0) {
    // 0.000ddd: the first significant digit is at 10^-(leading zeros of the fraction + 1).
    const leadingZeros = first - (intEnd - (text.charCodeAt(0) === 45 ? 1 : 0));
    if (leadingZeros + 1 > MAX_EXPONENT) return 'too small';
  }
  return undefined;
}

/** `3.4028 × 10^38`: a number's size for a message, with 5 significant digits. */
export function magnitudeText(d: Dec): string {
  if (!d.isFinite()) return d.toString();
  const [m, e] = d.toSignificantDigits(5).toExponential().split('e') as [string, string];
  return `${m} × 10^${e.startsWith('+') ? e.slice(1) : e}`;
}

/** The rule a decimal outside the size of numbers breaks, for messages: `numbers must stay below 10^34 in size`. */
export function rangeRule(d: Dec): string {
  return d.isFinite() && d.e < MAX_EXPONENT ? `a number other than zero must be at least 10^-${MAX_EXPONENT} in size` : `numbers must stay below 10^${MAX_EXPONENT} in size`;
}
