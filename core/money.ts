/** Money: ISO 4217 minor units, the spec's seven rounding modes, and parsing amounts into exact integers of minor units. */
import currencyCodes from 'currency-codes';
import type { Decimal } from 'decimal.js';
import { Dec } from './decimal.js';

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

