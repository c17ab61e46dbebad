/** Value conversion at the boundary: one converter per field type, shared by the CSV and JSON paths; a failure says what is wrong with the value. */
import { normalizeDecimalLiteral } from '../../core/decimal.js';
import { toMinorUnits } from '../../core/money.js';
import { parseDate, looksLikeDate } from '../../core/periods.js';
import * as N from '../num.js';
import type { FieldType, Value } from './schema.js';
import { show } from './problems.js';

export class Failure {
  constructor(readonly message: string) {}
}
type Converted = Value | Failure;
export type Converter = (v: unknown) => Converted;

export const MISSING = new Failure('is missing');
const EMPTY = new Failure('is empty');


function jsonNumberFailure(v: number, what: string): Failure {
  if (Number.isInteger(v)) return new Failure(`${show(v)} is too large to be exact as a JSON number; write it as a string`);
  return new Failure(`${show(v)} is a JSON number with a fraction, which may not be exact; write ${what} as a string ("…")`);
}

/** A string, or a failure for a missing/null/empty value, or undefined when it is some other JSON type. */
function preface(v: unknown): string | Failure | undefined {
  if (typeof v === 'string') return v === '' ? EMPTY : v;
  if (v === undefined || v === null) return MISSING;
  return undefined;
}

function textConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s !== undefined) return s;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v); // JSON ids like 17
    return new Failure(`${show(v)} is not text (write it as a string)`);
  };
}

/**
 * The exact value of a strict decimal literal (`-?[0-9]+(\.[0-9]+)?`), or undefined when `text` is
 * not one. Always the same as `parseNum(normalizeDecimalLiteral(text))` (a property test checks
 * it): a `Fixed` with no trailing fraction zeros when the canonical literal has at most 15 digits,
 * else a `Dec`. One pass over the characters; no intermediate strings for the usual amounts.
 */
export function decimalNum(text: string): N.Num | undefined {
  const len = text.length;
  let i = 0;
  const neg = len > 0 && text.charCodeAt(0) === 45;
  if (neg) i = 1;
  const intStart = i;
  let v = 0; // the digits so far, without leading zeros (exact while sig <= 15)
  let sig = 0; // significant digits of the integer part
  for (; i < len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    if (sig > 0 || c !== 0) {
      sig++;
      v = v * 10 + c;
    }
  }
  if (i === intStart) return undefined;
  let scale = 0; // fraction digits up to the last non-zero one
  if (i < len) {
    if (text.charCodeAt(i) !== 46 || i + 1 === len) return undefined;
    const fracStart = ++i;
    let pending = 0; // zeros seen since the last non-zero fraction digit
    for (; i < len; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      if (c === 0) pending++;
      else {
        scale += pending + 1;
        if (sig + scale <= 15) for (; pending > 0; pending--) v *= 10; // else the value goes to parseNum below
        pending = 0;
        v = v * 10 + c;
      }
    }
    if (i === fracStart) return undefined;
  }
  // the canonical literal's digits: the integer part (`0` when zero) and the fraction
  if ((sig === 0 ? 1 : sig) + scale <= 15) return v === 0 ? ZERO : new N.Fixed(neg ? -v : v, scale);
  return N.parseNum(normalizeDecimalLiteral(text)!);
}

const ZERO = new N.Fixed(0, 0);

function decimalConverter(what: 'decimal' | 'money', currency: string): Converter {
  const noun = what === 'money' ? 'a decimal amount' : 'a decimal number';
  return (v) => {
    let s = preface(v);
    if (s === undefined) {
      if (typeof v === 'number') return Number.isSafeInteger(v) ? N.parseNum(String(v === 0 ? 0 : v)) : jsonNumberFailure(v, what === 'money' ? 'amounts' : 'decimals');
      return new Failure(`${show(v)} is not ${noun}`);
    }
    if (s instanceof Failure) return s;
    let number = s;
    if (what === 'money') {
      // `12.50` or `12.50 EUR`
      const last = s.charCodeAt(s.length - 1);
      if (last < 48 || last > 57) {
        const m = /^(\S+) ([A-Z]{3})$/.exec(s);
        if (m) {
          if (m[2] !== currency) {
            if (normalizeDecimalLiteral(m[1]) !== undefined) return new Failure(`${show(s)} is in ${m[2]}, not in the program's currency ${currency}`);
          } else number = m[1];
        }
      }
    }
    const n = decimalNum(number);
    return n === undefined ? new Failure(`${show(s)} is not ${noun}`) : n;
  };
}

/** Shared `Num`s for small integers (quantities): `Fixed` values are immutable. */
const SMALL_INTS: N.Fixed[] = Array.from({ length: 1024 }, (_, i) => new N.Fixed(i, 0));

export function intNum(n: number): N.Num {
  return n >= 0 && n < 1024 ? SMALL_INTS[n] : N.int(n);
}

function integerConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s === undefined) {
      if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) return intNum(v === 0 ? 0 : v);
        if (Number.isInteger(v)) return new Failure(`${show(v)} is too large for an integer (the largest is ${Number.MAX_SAFE_INTEGER})`);
      }
      return new Failure(`${show(v)} is not an integer`);
    }
    if (s instanceof Failure) return s;
    if (s.indexOf('.') < 0) {
      const n = toMinorUnits(s, 0); // exactly -?[0-9]+ when there is no `.`
      if (n !== undefined) return intNum(n);
    }
    if (!/^-?\d+$/.test(s)) return new Failure(`${show(s)} is not an integer`);
    return new Failure(`${show(s)} is too large for an integer (the largest is ${Number.MAX_SAFE_INTEGER})`);
  };
}

function dateConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s === undefined) return new Failure(`${show(v)} is not a date (write YYYY-MM-DD)`);
    if (s instanceof Failure) return s;
    if (parseDate(s) !== undefined) return s;
    return new Failure(looksLikeDate(s) ? `${show(s)} is not a date that exists` : `${show(s)} is not a date (write YYYY-MM-DD)`);
  };
}

function booleanConverter(): Converter {
  return (v) => {
    if (typeof v === 'boolean') return v;
    const s = preface(v);
    if (s instanceof Failure) return s;
    if (s === 'true') return true;
    if (s === 'false') return false;
    return new Failure(`${show(v)} is not a boolean (true or false)`);
  };
}

function enumConverter(members: readonly string[]): Converter {
  // member → the member's own string, so that every record shares it
  const set = new Map(members.map((m) => [m, m]));
  const list = members.map((m) => JSON.stringify(m)).join(', ');
  return (v) => {
    const s = preface(v);
    if (s instanceof Failure) return s;
    if (s !== undefined) {
      const m = set.get(s);
      if (m !== undefined) return m;
    }
    return new Failure(`${show(v)} is not one of ${list}`);
  };
}

export function converterFor(type: FieldType, currency: string): Converter {
  if (typeof type === 'object') return enumConverter(type.enum);
  switch (type) {
    case 'text':
      return textConverter();
    case 'integer':
      return integerConverter();
    case 'decimal':
      return decimalConverter('decimal', currency);
    case 'money':
      return decimalConverter('money', currency);
    case 'date':
      return dateConverter();
    case 'boolean':
      return booleanConverter();
  }
}
