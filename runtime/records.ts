/** Input records at the boundary: zod schemas generated from record declarations, typed values, every problem of every record, and the whole-dataset checks (duplicates, partners). */
import { z } from 'zod';
import { normalizeDecimalLiteral } from '../core/decimal.js';
import { currencyDigits, toMinorUnits } from '../core/money.js';
import { parseDate, looksLikeDate, type Day } from '../core/periods.js';
import { CsvScanner, CsvSyntaxError, scanCsv } from './csv.js';
import * as N from './num.js';
import type { EventRow, Value as EvalValue } from './compile-ir.js';
import type { PartnerRow } from './results.js';

// ---------------------------------------------------------------------------------------------
// Schema descriptions (independent of the compiler: it translates its declarations into these)

export type FieldType = 'text' | 'integer' | 'decimal' | 'money' | 'date' | 'boolean' | { enum: readonly string[] };

export interface FieldSpec {
  name: string;
  type: FieldType;
}

export interface RecordSchema {
  /** The base name of the data file: `partners` for partners, the event's name (`sale`) for events. */
  file: string;
  kind: 'partner' | 'event';
  /** The declared fields, without the implicit ones (`id`; for events also `partner` and `date`). */
  fields: readonly FieldSpec[];
  /** The program's currency: money values may be followed by this code and no other. */
  currency: string;
}

/**
 * A typed value, as the evaluator reads it: text, dates and enumeration members are strings;
 * money, decimals and integers `Num` (exact, from `num.ts`); booleans.
 */
export type Value = EvalValue;

/**
 * A valid record, as the evaluator reads it: every field by name, the implicit ones included. For
 * events this is the evaluator's `EventRow` (`id`, `partner`, `date` and the declared fields); for
 * partners `id` and the declared fields. Where a valid record was read (file, line) is not kept
 * with it: only rejected records need their place.
 */
export type Row = Record<string, Value>;

export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  /** 1-based line; 0 for a problem of the whole file (a missing file). */
  line: number;
  field?: string;
  message: string;
  severity: Severity;
  /**
   * `record`: the record is rejected (with `--reject` the run goes on without it);
   * `file`: the file cannot be read as declared (missing file or column, broken quoting, bad
   * JSON): the run fails even with `--reject`.
   */
  scope: 'record' | 'file';
}

export interface RejectedRecord {
  /** The schema's base name (`sale`, `partners`). */
  kind: string;
  file: string;
  line: number;
  /** The record as read: CSV cells by column name (all columns), or the JSON value itself. */
  raw: unknown;
  /** Why, each formatted like a problem without its location: `field "amount": "12,50" is not a decimal amount`. */
  reasons: string[];
}

export interface FileStats {
  kind: string;
  file: string;
  /** Records read (data rows, JSON elements, NDJSON lines). input = valid + rejected + merged. */
  input: number;
  valid: number;
  rejected: number;
  /** Records identical in every field to another with the same id, counted once. */
  merged: number;
}

export interface Dataset {
  /** Valid partner records sorted by id, when a partner schema was given; else undefined. */
  partners: PartnerRow[] | undefined;
  /** Every partner id, sorted: from the partner file, or (without one) the ids that valid events name. */
  partnerIds: string[];
  /** Valid events per kind (the schema's `file`), in the order read. */
  events: Map<string, EventRow[]>;
  /** Every problem, errors and warnings, sorted by file then line. */
  problems: Problem[];
  rejected: RejectedRecord[];
  files: FileStats[];
  /** The day of the latest valid event (for the periods of a run without an `end`). */
  latestDay: Day | undefined;
  /** Partner ids whose every record was rejected → where the first such record is (`partners.csv:4`). */
  rejectedPartners: Map<string, string>;
}

/** `sale.csv:14: field "amount": "12,50" is not a decimal amount` (warnings say `warning:` after the location). */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}: ` : `${p.file}: `;
  return where + (p.severity === 'warning' ? 'warning: ' : '') + reasonText(p.field, p.message);
}

export function reasonText(field: string | undefined, message: string): string {
  return field === undefined ? message : `field "${field}": ${message}`;
}

/** Whether a run must stop: any error (record errors only when rejected records are not accepted). */
export function hasBlockingProblems(d: Dataset, acceptRejects: boolean): boolean {
  return d.problems.some((p) => p.severity === 'error' && (p.scope === 'file' || !acceptRejects));
}

// ---------------------------------------------------------------------------------------------
// Value conversion: one function per type, shared by the CSV and JSON paths.

class Failure {
  constructor(readonly message: string) {}
}
type Converted = Value | Failure;
type Converter = (v: unknown) => Converted;

const MISSING = new Failure('is missing');
const EMPTY = new Failure('is empty');

/** How a raw value is quoted in a message: strings JSON-quoted, other JSON values as JSON (shortened). */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

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

function intNum(n: number): N.Num {
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

function converterFor(type: FieldType, currency: string): Converter {
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

// ---------------------------------------------------------------------------------------------
// Compiled schemas (cached per RecordSchema object)

const IMPLICIT: Record<'partner' | 'event', FieldSpec[]> = {
  partner: [{ name: 'id', type: 'text' }],
  event: [
    { name: 'id', type: 'text' },
    { name: 'partner', type: 'text' },
    { name: 'date', type: 'date' },
  ],
};

export interface CompiledSchema {
  schema: RecordSchema;
  /** Implicit fields first, then the declared ones. */
  fields: FieldSpec[];
  names: string[];
  converters: Converter[];
  /** The zod schema of a record: an object of every field (raw strings or JSON values) → typed values. */
  zod: z.ZodType<Record<string, Value>>;
}

const compiled = new WeakMap<RecordSchema, CompiledSchema>();

/** Checks a schema description (an internal error if the compiler produced a bad one) and compiles it, once. */
export function compileSchema(schema: RecordSchema): CompiledSchema {
  const hit = compiled.get(schema);
  if (hit) return hit;
  if (currencyDigits(schema.currency) === undefined) throw new Error(`internal: unknown currency ${schema.currency}`);
  const fields = [...IMPLICIT[schema.kind], ...schema.fields];
  const names = fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`internal: field "${n}" is declared twice in ${schema.file} (or is implicit)`);
    seen.add(n);
  }
  for (const f of schema.fields) if (typeof f.type === 'object' && f.type.enum.length === 0) throw new Error(`internal: empty enumeration for ${f.name}`);
  const converters = fields.map((f) => converterFor(f.type, schema.currency));
  const shape: Record<string, z.ZodType<Value>> = {};
  fields.forEach((f, i) => {
    const convert = converters[i];
    shape[f.name] = z
      .unknown()
      .optional()
      .transform((v, ctx) => {
        const r = convert(v);
        if (r instanceof Failure) {
          ctx.issues.push({ code: 'custom', message: r.message, input: v });
          return z.NEVER;
        }
        return r;
      });
  });
  const c: CompiledSchema = { schema, fields, names, converters, zod: z.object(shape) as unknown as z.ZodType<Record<string, Value>> };
  compiled.set(schema, c);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Reading files into a dataset

/** Where an entry stands after the whole-dataset checks. */
const VALID = 0;
const REJECTED = 1;
const MERGED = 2;

/**
 * The records of one kind, in the order read, as parallel columns: the row (a valid record's typed
 * row; for a rejected one the fields that did convert, for the dataset checks), the line, the
 * file (index into `files`) and the status. Rejected records' details live in `rejected`. Ids are
 * indexed as they arrive: the first index per id, and every index of the ids seen more than once.
 */
interface KindState {
  kind: string;
  compiled: CompiledSchema;
  files: FileStats[];
  n: number;
  rows: Row[];
  lines: Int32Array;
  fileOf: Uint16Array;
  status: Uint8Array;
  rejected: Map<number, RejectedRecord>;
  firstById: IdIndex;
  duplicates: Map<string, number[]>;
}

/**
 * Ids → the first entry with that id: open addressing with linear probing over typed arrays (a
 * `Map` of a million fresh string keys costs ~3× the time and ~3× the memory). The hash is
 * FNV-1a over the UTF-16 code units, seeded per index, so that no data can be made to collide
 * on purpose; slots keep the hash too, so that growing never hashes an id again.
 */
class IdIndex {
  // slot k: [2k] the id's hash (0: free), [2k + 1] the entry; one cache line per probe
  private slots = new Int32Array(2048);
  private count = 0;
  private readonly seed = (Math.random() * 0x7fffffff) | 0;

  /** The first entry with `id`; when there is none, records `entry` as that and returns -1. */
  firstOrAdd(id: string, entry: number, rows: readonly Row[]): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
    h ^= h >>> 15;
    if (h === 0) h = 1;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = slots[2 * slot];
      if (e === 0) {
        slots[2 * slot] = h;
        slots[2 * slot + 1] = entry;
        if (++this.count * 4 > slots.length) this.resize();
        return -1;
      }
      if (e === h && rows[slots[2 * slot + 1]].id === id) return slots[2 * slot + 1];
    }
  }

  private resize(): void {
    this.slots = growPairTable(this.slots);
  }
}

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

// Column codes of the CSV fast path (see FastRow).
const C_TEXT = 0;
const C_SHARED_TEXT = 1;
const C_DATE = 2;
const C_NUMBER = 3;
const C_INTEGER = 4;
const C_ENUM = 5;
const C_OTHER = 6;
const C_PLAIN_DATE = 7;

/** Most distinct values kept per column for sharing strings (partner ids, SKUs, dates) between records. */
const SHARE_LIMIT = 1 << 16;

/**
 * One string per distinct value: open addressing over the values' FNV-1a hashes (cheaper than a
 * `Map` lookup, which must hash every fresh cell in the runtime). Holds up to SHARE_LIMIT values;
 * past that, cells are returned as they are.
 */
class StringPool {
  private hashes = new Int32Array(256);
  private strings: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  private count = 0;

  share(s: string): string {
    let h = 0x811c9dc5;
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    h ^= h >>> 15;
    if (h === 0) h = 1;
    const mask = this.hashes.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.hashes[slot];
      if (e === 0) {
        if (this.count >= SHARE_LIMIT) return s;
        this.hashes[slot] = h;
        this.strings[slot] = s;
        if (++this.count * 2 > this.hashes.length) this.resize();
        return s;
      }
      if (e === h) {
        const t = this.strings[slot]!;
        if (t === s) return t;
      }
    }
  }

  private resize(): void {
    const hashes = this.hashes;
    const strings = this.strings;
    this.hashes = new Int32Array(hashes.length * 2);
    this.strings = new Array<string | undefined>(hashes.length * 2).fill(undefined);
    const mask = this.hashes.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === 0) continue;
      let slot = hashes[i] & mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[i];
      this.strings[slot] = strings[i];
    }
  }
}

/**
 * The CSV fast path: every cell is a string, so the zod object schema's work reduces to the field
 * converters' — done here directly, for the common cases, else by calling the converters (zod's
 * object machinery costs ~1.5 µs per record). Returns the typed row, or undefined when any cell
 * fails; the caller then goes through zod, which reports every problem. A property test in
 * `test/runtime/records.test.ts` checks that this and zod agree on every row.
 *
 * Repeated strings (text other than `id`, such as partner ids and SKUs; dates; enumeration
 * members) are shared between records: one string per distinct value instead of one per cell.
 * Money and decimals go straight to a `Num` (`decimalNum`), small integers to shared `Num`s.
 */
export class FastRow {
  private readonly codes: number[];
  private readonly pools: StringPool[];
  private readonly members: (readonly string[])[];
  private readonly dates = new Map<number, string>();
  private readonly values: Value[];
  private readonly make: (values: Value[]) => Row;

  /**
   * `share`: share repeated strings between rows (worth it for rows kept in memory); `partner`:
   * only the partner ids (rows streamed through: the evaluator looks partners up by id, and a
   * shared string is hashed once).
   */
  constructor(
    private readonly c: CompiledSchema,
    share: boolean | 'partner' = true,
  ) {
    this.codes = c.fields.map((f) => {
      if (typeof f.type === 'object') return f.type.enum.length <= 16 ? C_ENUM : C_OTHER;
      if (f.type === 'text') return f.name === 'id' || (share !== true && !(share === 'partner' && f.name === 'partner')) ? C_TEXT : C_SHARED_TEXT;
      if (f.type === 'date') return share === true ? C_DATE : C_PLAIN_DATE;
      if (f.type === 'decimal' || f.type === 'money') return C_NUMBER;
      if (f.type === 'integer') return C_INTEGER;
      return C_OTHER;
    });
    this.pools = c.fields.map(() => new StringPool());
    this.members = c.fields.map((f) => (typeof f.type === 'object' ? f.type.enum : []));
    this.values = c.fields.map(() => '');
    this.make = rowMaker(c.names);
  }

  /** The typed row of a CSV row (`columnOf[i]`: the cell of field i), or undefined if any cell fails. */
  convert(cells: readonly string[], columnOf: readonly number[]): Row | undefined {
    const codes = this.codes;
    const values = this.values;
    for (let i = 0; i < codes.length; i++) {
      const cell = cells[columnOf[i]];
      switch (codes[i]) {
        case C_TEXT:
          if (cell === '') return undefined;
          values[i] = cell;
          break;
        case C_SHARED_TEXT:
          if (cell === '') return undefined;
          values[i] = this.pools[i].share(cell);
          break;
        case C_DATE: {
          const day = parseDate(cell);
          if (day === undefined) return undefined;
          const d = this.dates.get(day);
          if (d !== undefined) values[i] = d;
          else {
            if (this.dates.size < SHARE_LIMIT) this.dates.set(day, cell);
            values[i] = cell;
          }
          break;
        }
        case C_PLAIN_DATE:
          if (parseDate(cell) === undefined) return undefined;
          values[i] = cell;
          break;
        case C_ENUM: {
          const members = this.members[i];
          let m: string | undefined;
          for (let k = 0; k < members.length; k++) {
            if (members[k] === cell) {
              m = members[k];
              break;
            }
          }
          if (m === undefined) return undefined;
          values[i] = m;
          break;
        }
        case C_INTEGER: {
          // up to 15 digits, optionally negative; anything else is left to the converter
          const len = cell.length;
          let k = len > 0 && cell.charCodeAt(0) === 45 ? 1 : 0;
          let n = 0;
          if (k === len || len - k > 15) {
            const v = this.c.converters[i](cell);
            if (v instanceof Failure) return undefined;
            values[i] = v;
            break;
          }
          for (; k < len; k++) {
            const d = cell.charCodeAt(k) - 48;
            if (d < 0 || d > 9) return undefined;
            n = n * 10 + d;
          }
          values[i] = intNum(cell.charCodeAt(0) === 45 && n !== 0 ? -n : n);
          break;
        }
        case C_NUMBER: {
          // a plain decimal; else money with the currency code (`12.50 EUR`), or a failure
          const v = decimalNum(cell) ?? this.c.converters[i](cell);
          if (v instanceof Failure) return undefined;
          values[i] = v;
          break;
        }
        default: {
          const v = this.c.converters[i](cell);
          if (v instanceof Failure) return undefined;
          values[i] = v;
        }
      }
    }
    return this.make(values);
  }
}

/**
 * A function building a row object from values in field order. Where the platform allows it, a
 * generated object literal (all fields in-object, one allocation, the same hidden class for every
 * record; the names are JSON-quoted, nothing else is generated); else a loop.
 */
function rowMaker(names: readonly string[]): (values: Value[]) => Row {
  try {
    const body = `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')}};`;
    return new Function('v', body) as (values: Value[]) => Row;
  } catch {
    return (values) => {
      const o: Row = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = values[i];
      return o;
    };
  }
}

/**
 * Where a streaming reader (`node-stream.ts`) takes the records instead of the builder keeping
 * them: each record as converted, in the order read; the builder keeps nothing per record.
 */
export interface RecordSink {
  /** A valid record's row (`rejected` undefined), or a rejected record's converted fields and its record (whose `raw` is attached just after). */
  record(line: number, row: Row, rejected: RejectedRecord | undefined): void;
  /** Records starting on this line are not converted (a later read of a file whose bad lines are known). */
  skip?(line: number): boolean;
}

/**
 * Collects the records of a data set file by file, then checks the whole (finish()).
 * Every record read ends up exactly once as valid, rejected, or merged into an identical one.
 * With a `sink`, records go to it as they are read and nothing per record is kept (finish() is
 * then not for use); the messages are the same.
 */
export class DatasetBuilder {
  private readonly kinds = new Map<string, KindState>();
  private readonly partnerKind: string | undefined;
  /** Every problem in the order found (record problems of whole-dataset checks come after those of reading). */
  readonly problems: Problem[] = [];

  constructor(
    schemas: readonly RecordSchema[],
    private readonly sink?: RecordSink,
  ) {
    let partnerKind: string | undefined;
    for (const s of schemas) {
      if (this.kinds.has(s.file)) throw new Error(`internal: two schemas for ${s.file}`);
      if (s.kind === 'partner') {
        if (partnerKind !== undefined) throw new Error('internal: two partner schemas');
        partnerKind = s.file;
      }
      this.kinds.set(s.file, {
        kind: s.file,
        compiled: compileSchema(s),
        files: [],
        n: 0,
        rows: [],
        lines: new Int32Array(1024),
        fileOf: new Uint16Array(1024),
        status: new Uint8Array(1024),
        rejected: new Map(),
        firstById: new IdIndex(),
        duplicates: new Map(),
      });
    }
    this.partnerKind = partnerKind;
  }

  private state(kind: string): KindState {
    const st = this.kinds.get(kind);
    if (!st) throw new Error(`internal: no schema for ${kind}`);
    return st;
  }

  private newStats(kind: string, file: string): FileStats {
    const stats: FileStats = { kind, file, input: 0, valid: 0, rejected: 0, merged: 0 };
    const st = this.state(kind);
    if (st.files.length === 0xffff) throw new Error(`internal: too many files for ${kind}`);
    st.files.push(stats);
    return stats;
  }

  /** A problem of a whole file (missing file, bad header, broken quoting, bad JSON). */
  fileProblem(file: string, line: number, message: string, severity: Severity = 'error'): void {
    this.problems.push({ file, line, message, severity, scope: 'file' });
  }

  /** The kind's file is absent from the data folder. */
  missingFile(kind: string, expected: string): void {
    this.fileProblem(expected, 0, missingFileMessage({ file: kind, kind: kind === this.partnerKind ? 'partner' : 'event', fields: [], currency: '' }));
  }

  /** Appends an entry (a valid row, or a rejected record's converted fields); returns its index. */
  private push(st: KindState, fileIndex: number, line: number, row: Row, status: number, rejected?: RejectedRecord): number {
    if (this.sink) {
      this.sink.record(line, row, rejected);
      return -1;
    }
    const i = st.n++;
    if (i === st.lines.length) {
      const size = i * 2;
      st.lines = grow(st.lines, size);
      st.fileOf = grow(st.fileOf, size);
      st.status = grow(st.status, size);
    }
    st.rows.push(row);
    st.lines[i] = line;
    st.fileOf[i] = fileIndex;
    st.status[i] = status;
    if (rejected) st.rejected.set(i, rejected);
    const id = row.id;
    if (typeof id === 'string') {
      const first = st.firstById.firstOrAdd(id, i, st.rows);
      if (first >= 0) {
        const all = st.duplicates.get(id);
        if (all) all.push(i);
        else st.duplicates.set(id, [first, i]);
      }
    }
    return i;
  }

  /**
   * Converts one record. `extra`: problems found before conversion (then the record is rejected);
   * `quiet`: they are already reported once for the file, so they only go to the rejected record.
   * Returns the rejected record, if it was rejected, for the caller to attach its raw form.
   */
  private add(kind: string, stats: FileStats, line: number, obj: Record<string, unknown>, extra: { field?: string; message: string }[], quiet = false): RejectedRecord | undefined {
    const st = this.state(kind);
    const c = st.compiled;
    stats.input++;
    const r = extra.length === 0 ? c.zod.safeParse(obj) : undefined;
    if (r?.success) {
      this.push(st, st.files.indexOf(stats), line, r.data, VALID);
      return undefined;
    }
    // Rejected: collect every problem, and the values that did convert (for the dataset checks).
    const partial: Row = {};
    const reasons: Problem[] = [];
    for (const e of extra) reasons.push({ file: stats.file, line, field: e.field, message: e.message, severity: 'error', scope: 'record' });
    for (let i = 0; i < c.fields.length; i++) {
      const name = c.names[i];
      const v = c.converters[i](obj[name]);
      if (v instanceof Failure) {
        if (!(extra.length > 0 && v === MISSING)) reasons.push({ file: stats.file, line, field: name, message: v.message, severity: 'error', scope: 'record' });
      } else partial[name] = v;
    }
    return this.reject(kind, stats, line, partial, reasons, quiet ? extra.length : 0);
  }

  /** Records a rejected record; its reasons are problems too, except the first `quiet` ones. */
  private reject(kind: string, stats: FileStats, line: number, partial: Row, reasons: Problem[], quiet = 0): RejectedRecord {
    this.problems.push(...reasons.slice(quiet));
    const rejected: RejectedRecord = { kind, file: stats.file, line, raw: undefined, reasons: reasons.map((p) => reasonText(p.field, p.message)) };
    const st = this.state(kind);
    this.push(st, st.files.indexOf(stats), line, partial, REJECTED, rejected);
    return rejected;
  }

  /**
   * Starts a CSV file: returns a row handler for the CsvScanner (or scanCsv) and a function to
   * call at the end. The first row is the header.
   */
  csvFile(kind: string, file: string): { row: (fields: string[], line: number) => void; end: () => void } {
    const st = this.state(kind);
    const c = st.compiled;
    const stats = this.newStats(kind, file);
    const fileIndex = st.files.length - 1;
    const fast = new FastRow(c, this.sink === undefined || 'partner');
    let header: string[] | undefined;
    let columnOf: number[] = [];
    let headerBroken: string | undefined;
    let sawHeader = false;
    const row = (fields: string[], line: number): void => {
      if (!sawHeader) {
        sawHeader = true;
        header = fields;
        const index = new Map<string, number>();
        fields.forEach((h, i) => {
          if (index.has(h)) this.fileProblem(file, line, `column "${h}" appears twice in the header`);
          else index.set(h, i);
        });
        const missing = c.names.filter((n) => !index.has(n));
        for (const n of missing) this.fileProblem(file, line, `missing column "${n}" (the header has: ${fields.join(', ')})`);
        for (const h of fields) if (!c.names.includes(h)) this.fileProblem(file, line, `unknown column "${h}" is ignored`, 'warning');
        if (missing.length > 0) headerBroken = `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`;
        else if (index.size !== fields.length) headerBroken = 'a column appears twice in the header';
        columnOf = c.names.map((n) => index.get(n) ?? -1);
        return;
      }
      const h = header!;
      if (this.sink?.skip?.(line)) {
        stats.input++;
        return;
      }
      if (headerBroken === undefined && fields.length === h.length) {
        const r = fast.convert(fields, columnOf);
        if (r !== undefined) {
          stats.input++;
          this.push(st, fileIndex, line, r, VALID);
          return;
        }
      }
      const extra: { field?: string; message: string }[] = [];
      if (headerBroken) extra.push({ message: `not read: ${headerBroken}` });
      else if (fields.length !== h.length) extra.push({ message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${h.length}` });
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < columnOf.length; i++) {
        const k = columnOf[i];
        obj[c.names[i]] = k >= 0 ? fields[k] : undefined;
      }
      const rejected = this.add(kind, stats, line, obj, extra, headerBroken !== undefined);
      if (rejected) {
        // every cell, by column name (cells beyond the header as #N)
        const raw: Record<string, string> = {};
        for (let i = 0; i < Math.max(h.length, fields.length); i++) raw[i < h.length ? h[i] : `#${i + 1}`] = fields[i] ?? '';
        rejected.raw = raw;
      }
    };
    const end = (): void => {
      if (!sawHeader) this.fileProblem(file, 1, 'the file is empty: a CSV file needs a header row that names the fields');
    };
    return { row, end };
  }

  /** A whole CSV text (a syntax error is a problem of the file; the rows before it were read). */
  addCsvText(kind: string, file: string, text: string | Uint8Array): void {
    const f = this.csvFile(kind, file);
    try {
      scanCsv(text, f.row);
      f.end();
    } catch (e) {
      this.csvError(file, e);
    }
  }

  /** Reports an exception from a CsvScanner or from UTF-8 decoding as a problem of the file. */
  csvError(file: string, e: unknown): void {
    if (e instanceof CsvSyntaxError) this.fileProblem(file, e.line, e.reason);
    else if (e instanceof TypeError) this.fileProblem(file, 0, 'is not valid UTF-8 text');
    else throw e;
  }

  /** A streaming CSV reader for this file: push decoded text chunks, then end(). */
  csvScanner(kind: string, file: string): { push: (chunk: string) => void; end: () => void } {
    const f = this.csvFile(kind, file);
    const scanner = new CsvScanner(f.row);
    let failed = false;
    return {
      push: (chunk) => {
        if (failed) return;
        try {
          scanner.push(chunk);
        } catch (e) {
          failed = true;
          this.csvError(file, e);
        }
      },
      end: () => {
        if (failed) return;
        try {
          scanner.end();
          f.end();
        } catch (e) {
          this.csvError(file, e);
        }
      },
    };
  }

  private jsonElement(kind: string, stats: FileStats, unknownKeys: Set<string>, line: number, v: unknown): void {
    const c = this.state(kind).compiled;
    if (this.sink?.skip?.(line)) {
      stats.input++;
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      const rejected = this.add(kind, stats, line, {}, [{ message: `${show(v)} is not a JSON object` }]);
      if (rejected) rejected.raw = v;
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!c.names.includes(k) && !unknownKeys.has(k)) {
        unknownKeys.add(k);
        this.fileProblem(stats.file, line, `unknown field "${k}" is ignored`, 'warning');
      }
    }
    const rejected = this.add(kind, stats, line, o, []);
    if (rejected) rejected.raw = v;
  }

  /** A JSON file: an array of objects. Line numbers are those where each element starts. */
  addJsonText(kind: string, file: string, text: string): void {
    const stats = this.newStats(kind, file);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const line = m ? lineAt(text, Number(m[1])) : 1;
      this.fileProblem(file, line, `is not valid JSON (${(e as Error).message})`);
      return;
    }
    if (!Array.isArray(data)) {
      this.fileProblem(file, 1, 'a JSON data file must be an array of objects ([{...}, {...}])');
      return;
    }
    const lines = jsonArrayElementLines(text);
    const unknownKeys = new Set<string>();
    data.forEach((v, i) => this.jsonElement(kind, stats, unknownKeys, lines[i] ?? 1, v));
  }

  /** An NDJSON reader: push text chunks, then end(). One JSON object per line; empty lines are skipped. */
  ndjsonFile(kind: string, file: string): { push: (chunk: string) => void; end: () => void } {
    const stats = this.newStats(kind, file);
    const unknownKeys = new Set<string>();
    let buffer = '';
    let line = 1;
    let first = true;
    const one = (text: string, at: number): void => {
      if (text.trim() === '') return;
      if (this.sink?.skip?.(at)) {
        stats.input++;
        return;
      }
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        stats.input++;
        const rejected = this.reject(kind, stats, at, {}, [{ file, line: at, message: `is not valid JSON (${(e as Error).message})`, severity: 'error', scope: 'record' }]);
        rejected.raw = text;
        return;
      }
      this.jsonElement(kind, stats, unknownKeys, at, v);
    };
    const push = (chunk: string): void => {
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      let start = 0;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n', start)) {
        one(buffer.slice(start, nl), line++);
        start = nl + 1;
      }
      buffer = buffer.slice(start);
    };
    const end = (): void => {
      if (buffer.length > 0) one(buffer, line);
      buffer = '';
    };
    return { push, end };
  }

  addNdjsonText(kind: string, file: string, text: string): void {
    const f = this.ndjsonFile(kind, file);
    f.push(text);
    f.end();
  }

  /** The whole-dataset checks; then the result. Call once. */
  finish(): Dataset {
    // 1. duplicate ids, per kind
    for (const st of this.kinds.values()) this.resolveDuplicates(st);

    // 2. partners
    let partners: PartnerRow[] | undefined;
    let partnerIds: string[];
    const validPartner = new Set<string>();
    const rejectedPartner = new Map<string, string>();
    if (this.partnerKind !== undefined) {
      const st = this.state(this.partnerKind);
      const valid: Row[] = [];
      for (let i = 0; i < st.n; i++) {
        const r = st.rows[i];
        if (st.status[i] === VALID) {
          valid.push(r);
          validPartner.add(r.id as string);
        } else if (st.status[i] === REJECTED && typeof r.id === 'string' && !rejectedPartner.has(r.id)) {
          rejectedPartner.set(r.id, `${st.files[st.fileOf[i]].file}:${st.lines[i]}`);
        }
      }
      valid.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const fieldNames = st.compiled.names.filter((n) => n !== 'id');
      partners = valid.map((r) => {
        const attrs: Record<string, Value> = {};
        for (const n of fieldNames) attrs[n] = r[n];
        return { id: r.id as string, attrs };
      });
      partnerIds = partners.map((p) => p.id);
      const partnerFiles = st.files.map((f) => f.file).join(', ') || 'the partner file';
      for (const ks of this.kinds.values()) {
        if (ks.kind === this.partnerKind) continue;
        for (let i = 0; i < ks.n; i++) {
          if (ks.status[i] === MERGED) continue;
          const p = ks.rows[i].partner;
          if (typeof p !== 'string' || validPartner.has(p)) continue;
          const where = rejectedPartner.get(p);
          const message = unknownPartnerMessage(p, where, partnerFiles);
          this.rejectEntry(ks, i, 'partner', message);
        }
      }
    }

    // 3. results
    const events = new Map<string, EventRow[]>();
    const rejected: RejectedRecord[] = [];
    const files: FileStats[] = [];
    const idsFromEvents = new Set<string>();
    let latestDate: string | undefined; // YYYY-MM-DD: the latest date is the greatest string
    for (const st of this.kinds.values()) {
      files.push(...st.files);
      const isEvent = st.kind !== this.partnerKind;
      // counts: valid = input - rejected - merged (only the few others are looked at)
      for (const stats of st.files) stats.valid = stats.input;
      for (const i of [...st.rejected.keys()].sort((a, b) => a - b)) {
        const stats = st.files[st.fileOf[i]];
        stats.valid--;
        stats.rejected++;
        rejected.push(st.rejected.get(i)!); // in the order read (the sort below is stable)
      }
      for (const group of st.duplicates.values()) {
        for (const i of group) {
          if (st.status[i] !== MERGED) continue;
          const stats = st.files[st.fileOf[i]];
          stats.valid--;
          stats.merged++;
        }
      }
      if (!isEvent) continue;
      const all = st.rejected.size === 0 && st.duplicates.size === 0; // every entry valid
      const list: EventRow[] = all ? (st.rows as EventRow[]) : [];
      for (let i = 0; i < st.n; i++) {
        if (!all && st.status[i] !== VALID) continue;
        const r = st.rows[i] as EventRow;
        if (!all) list.push(r);
        if (this.partnerKind === undefined) idsFromEvents.add(r.partner);
        if (latestDate === undefined || r.date > latestDate) latestDate = r.date;
      }
      events.set(st.kind, list);
    }
    if (this.partnerKind === undefined) partnerIds = [...idsFromEvents].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const byPlace = <T extends { file: string; line: number }>(a: T, b: T) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
    rejected.sort(byPlace);
    const problems = [...this.problems].sort(byPlace); // stable: same-line problems keep their order
    const latestDay = latestDate === undefined ? undefined : parseDate(latestDate);
    return { partners, partnerIds: partnerIds!, events, problems, rejected, files, latestDay, rejectedPartners: rejectedPartner };
  }

  /** Rejects entry i (valid or already rejected) for one more reason, found by a whole-dataset check. */
  private rejectEntry(st: KindState, i: number, field: string, message: string): void {
    const file = st.files[st.fileOf[i]].file;
    const line = st.lines[i];
    this.problems.push({ file, line, field, message, severity: 'error', scope: 'record' });
    let r = st.rejected.get(i);
    if (r === undefined) {
      r = { kind: st.kind, file, line, raw: rawOfRow(st.rows[i]), reasons: [] };
      st.rejected.set(i, r);
      st.status[i] = REJECTED;
    }
    r.reasons.push(reasonText(field, message));
  }

  private resolveDuplicates(st: KindState): void {
    const names = st.compiled.names;
    const place = (i: number) => `${st.files[st.fileOf[i]].file}:${st.lines[i]}`;
    for (const [id, group] of st.duplicates) {
      group.sort((a, b) => {
        const fa = st.files[st.fileOf[a]].file;
        const fb = st.files[st.fileOf[b]].file;
        return fa < fb ? -1 : fa > fb ? 1 : st.lines[a] - st.lines[b];
      });
      const first = st.rows[group[0]];
      const identical = group.every((i) => st.status[i] === VALID && names.every((n) => sameValue(st.rows[i][n], first[n])));
      if (identical) {
        for (const i of group.slice(1)) st.status[i] = MERGED; // counted once (the first by file and line)
        continue;
      }
      for (const i of group) {
        const others = group.filter((o) => o !== i).map(place);
        this.rejectEntry(st, i, 'id', duplicateMessage(id, others));
      }
    }
  }
}

/** Why an event's partner id is not usable: its record was rejected (at `where`), or there is none in the partner files. */
export function unknownPartnerMessage(p: string, where: string | undefined, partnerFiles: string): string {
  return where ? `${show(p)} is a partner whose record was rejected (${where})` : `${show(p)} is not a known partner id (not in ${partnerFiles})`;
}

/** The message of a duplicate id whose records differ (`others`: the other records' places, by file and line). */
export function duplicateMessage(id: string, others: readonly string[]): string {
  return `${show(id)} is a duplicate id (also ${others.join(', ')}); every record with this id is rejected, since the records differ`;
}

/** Equal typed values (`10` and `10.00 EUR` are the same amount). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return N.cmp(a, b) === 0;
}

/** A valid record rejected by a whole-dataset check, as text: its typed values by field name. */
export function rawOfRow(r: Row): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'object' ? N.toText(v) : String(v);
  return out;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The line on which each element of a top-level JSON array starts (the text must be valid JSON). */
export function jsonArrayElementLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (expectElement && c !== 93) {
      out.push(line);
      expectElement = false;
    }
    if (c === 34) {
      // skip a string
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      continue;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth === 1 && c === 91) expectElement = true;
    } else if (c === 93 || c === 125) {
      depth--;
      expectElement = false;
    } else if (c === 44 && depth === 1) expectElement = true;
  }
  return out;
}

/** Convenience for tests and the browser: a whole data set from texts keyed by file name (`sale.csv`, `partners.json`). */
export function loadDataset(schemas: readonly RecordSchema[], texts: ReadonlyMap<string, string> | Record<string, string>): Dataset {
  const map = texts instanceof Map ? texts : new Map(Object.entries(texts));
  const b = new DatasetBuilder(schemas);
  const { files } = chooseDataFiles(schemas, (name) => map.has(name), (file, message) => b.fileProblem(file, 0, message));
  for (const { schema, name, format } of files) {
    const text = map.get(name)!;
    if (format === 'csv') b.addCsvText(schema.file, name, text);
    else if (format === 'json') b.addJsonText(schema.file, name, text);
    else b.addNdjsonText(schema.file, name, text);
  }
  return b.finish();
}

// ---------------------------------------------------------------------------------------------
// Shared by the in-memory and the streaming readers

/** The extensions a data file may have, in the order they are looked for. */
export const DATA_EXTENSIONS = ['csv', 'json', 'ndjson'] as const;
export type DataFormat = (typeof DATA_EXTENSIONS)[number];

/** The message for a declared data file that is absent. */
export function missingFileMessage(schema: RecordSchema): string {
  return `missing file (the program declares ${schema.kind === 'partner' ? 'partner' : `event ${schema.file}`}; an empty file with a header row is fine)`;
}

/**
 * Which file holds each schema's records among the file names present: exactly one of
 * `NAME.csv|json|ndjson`. A missing file or several are file problems (`problem(file, message)`).
 * Also returns every name a schema could use, to warn about stray files.
 */
export function chooseDataFiles(
  schemas: readonly RecordSchema[],
  present: (name: string) => boolean,
  problem: (file: string, message: string) => void,
): { files: { schema: RecordSchema; name: string; format: DataFormat }[]; known: Set<string> } {
  const files: { schema: RecordSchema; name: string; format: DataFormat }[] = [];
  const known = new Set<string>();
  for (const s of schemas) {
    const found = DATA_EXTENSIONS.filter((ext) => present(`${s.file}.${ext}`));
    for (const ext of DATA_EXTENSIONS) known.add(`${s.file}.${ext}`);
    if (found.length === 0) problem(`${s.file}.csv`, missingFileMessage(s));
    else if (found.length > 1) problem(`${s.file}.${found[0]}`, `more than one file for ${s.file}: ${found.map((e) => `${s.file}.${e}`).join(', ')} (keep one)`);
    else files.push({ schema: s, name: `${s.file}.${found[0]}`, format: found[0]! });
  }
  return { files, known };
}

/**
 * Doubles an open-addressing table of [hash, value] pairs of Int32 (hash 0 marks a free slot),
 * placing each pair again by its hash with linear probing.
 */
export function growPairTable(old: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(old.length * 2);
  const mask = (slots.length >> 1) - 1;
  for (let i = 0; i < old.length; i += 2) {
    const h = old[i]!;
    if (h === 0) continue;
    let slot = h & mask;
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = h;
    slots[2 * slot + 1] = old[i + 1]!;
  }
  return slots;
}
