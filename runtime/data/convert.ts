/** Value conversion at the boundary: one converter per field type, shared by the CSV and JSON paths; a failure says what is wrong with the value. */
import { normalizeDecimalLiteral } from '../../core/decimal.js';
import { toMinorUnits } from '../../core/money.js';
import { parseDate, looksLikeDate } from '../../core/periods.js';
import * as N from '../num.js';
import type { FieldType, Value } from './schema.js';
import { reason, show, type DataArgs, type Reason } from './problems.js';
import type { DataCode } from '../../core/codes.js';
import { decimalTextProblem, MAX_EXPONENT } from '../../core/limits.js';
import { MAX_FIELD_CHARS, MAX_SIGNIFICANT_DIGITS } from './limits.js';

/** A value that does not convert: why (a code and its message). */
export class Failure {
  readonly reason: Reason;
  constructor(code: DataCode, args: DataArgs<DataCode>) {
    this.reason = reason(code, args as never);
  }
  get message(): string {
    return this.reason.message;
  }
}

function fail<C extends DataCode>(code: C, args: DataArgs<C>): Failure {
  return new Failure(code, args as DataArgs<DataCode>);
}
type Converted = Value | Failure;
export type Converter = (v: unknown) => Converted;

export const MISSING = fail('D0203', {});
const EMPTY = fail('D0204', {});

function tooLong(v: string): Failure {
  return fail('D0108', { length: v.length.toLocaleString('en-US'), limit: MAX_FIELD_CHARS.toLocaleString('en-US') });
}

function jsonNumberFailure(v: number, what: string): Failure {
  if (Number.isInteger(v)) return fail('D0209', { value: show(v) });
  return fail('D0208', { value: show(v), what });
}

/** A string, or a failure for a missing/null/empty or too long value, or undefined when it is some other JSON type. */
function preface(v: unknown): string | Failure | undefined {
  if (typeof v === 'string') return v === '' ? EMPTY : v.length > MAX_FIELD_CHARS ? tooLong(v) : v;
  if (v === undefined || v === null) return MISSING;
  return undefined;
}

function textConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s !== undefined) return s;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v); // JSON ids like 17
    return fail('D0205', { value: show(v) });
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
      return fail('D0206', { value: show(v), noun });
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
            if (normalizeDecimalLiteral(m[1]) !== undefined) return fail('D0207', { value: show(s), code: m[2], currency });
          } else number = m[1];
        }
      }
    }
    const n = decimalNum(number);
    if (n === undefined) return fail('D0206', { value: show(s), noun });
    // A Fixed has at most 15 digits at a scale of at most 15: within every limit. Beyond decimal128's
    // 34 digits a value could only be kept by rounding it, and beyond the size of numbers no
    // program could compute with it: both are refused, as the checker refuses such literals.
    if (!(n instanceof N.Fixed)) {
      const problem = decimalTextProblem(number);
      if (problem === 'digits') return fail('D0216', { value: show(s), limit: MAX_SIGNIFICANT_DIGITS });
      if (problem !== undefined) return fail('D0217', { value: show(s), limit: String(MAX_EXPONENT) });
    }
    return n;
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
        if (Number.isInteger(v)) return fail('D0211', { value: show(v), largest: String(Number.MAX_SAFE_INTEGER) });
      }
      return fail('D0210', { value: show(v) });
    }
    if (s instanceof Failure) return s;
    if (s.indexOf('.') < 0) {
      const n = toMinorUnits(s, 0); // exactly -?[0-9]+ when there is no `.`
      if (n !== undefined) return intNum(n);
    }
    if (!/^-?\d+$/.test(s)) return fail('D0210', { value: show(s) });
    return fail('D0211', { value: show(s), largest: String(Number.MAX_SAFE_INTEGER) });
  };
}

function dateConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s === undefined) return fail('D0212', { value: show(v) });
    if (s instanceof Failure) return s;
    if (parseDate(s) !== undefined) return s;
    return looksLikeDate(s) ? fail('D0213', { value: show(s) }) : fail('D0212', { value: show(s) });
  };
}

function booleanConverter(): Converter {
  return (v) => {
    if (typeof v === 'boolean') return v;
    const s = preface(v);
    if (s instanceof Failure) return s;
    if (s === 'true') return true;
    if (s === 'false') return false;
    return fail('D0214', { value: show(v) });
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
    return fail('D0215', { value: show(v), members: list });
  };
}

/** The converter of a field: its type's, then its declared range's check (D0220), when it has one. */
export function converterFor(type: FieldType, currency: string, range?: { readonly min: string; readonly max: string }): Converter {
  const convert = typeConverter(type, currency);
  return range ? rangeChecked(convert, type, currency, range) : convert;
}

/** A converter that also rejects a converted value outside `range` (numbers and money by value, dates as ISO text). */
function rangeChecked(convert: Converter, type: FieldType, currency: string, range: { readonly min: string; readonly max: string }): Converter {
  const text = type === 'money' ? `${range.min} ${currency}..${range.max} ${currency}` : `${range.min}..${range.max}`;
  if (type === 'date') {
    return (v) => {
      const r = convert(v);
      if (r instanceof Failure || ((r as string) >= range.min && (r as string) <= range.max)) return r;
      return fail('D0220', { value: show(v), range: text });
    };
  }
  const lo = N.parseNum(range.min);
  const hi = N.parseNum(range.max);
  return (v) => {
    const r = convert(v);
    if (r instanceof Failure || (N.cmp(r as N.Num, lo) >= 0 && N.cmp(r as N.Num, hi) <= 0)) return r;
    return fail('D0220', { value: show(v), range: text });
  };
}

function typeConverter(type: FieldType, currency: string): Converter {
  if (typeof type === 'object') return 'ref' in type ? textConverter() : enumConverter(type.enum);
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
