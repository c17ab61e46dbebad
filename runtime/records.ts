/** Input records at the boundary: zod schemas generated from record declarations, typed values, every problem of every record, and the whole-dataset checks (duplicates, partners). */
import { z } from 'zod';
import { normalizeDecimalLiteral } from './decimal.js';
import { currencyDigits, toMinorUnits } from './money.js';
import { parseDate, looksLikeDate, type Day } from './periods.js';
import { CsvScanner, CsvSyntaxError, scanCsv } from './csv.js';

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

/** A typed value: text, decimal, money (canonical decimal strings), date (`YYYY-MM-DD`), enum: string; integer: a safe integer; boolean. */
export type Value = string | number | boolean;

export interface InputRecord {
  /** The file it was read from (`sale.csv`) and the line its row starts on (for traces and messages). */
  file: string;
  line: number;
  id: string;
  /** Events: the partner id; partner records: their own id. */
  partner: string;
  /** Events: the date and its day number; undefined for partner records. */
  date?: string;
  day?: Day;
  /** Every field by name, the implicit ones included (`id`, `partner`, `date`). */
  values: Record<string, Value>;
}

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
  partners: InputRecord[] | undefined;
  /** Every partner id, sorted: from the partner file, or (without one) the ids that valid events name. */
  partnerIds: string[];
  /** Valid events per kind (the schema's `file`), in the order read. */
  events: Map<string, InputRecord[]>;
  /** Every problem, errors and warnings, sorted by file then line. */
  problems: Problem[];
  rejected: RejectedRecord[];
  files: FileStats[];
  /** The day of the latest valid event (for the periods of a run without an `end`). */
  latestDay: Day | undefined;
}

/** `sale.csv:14: field "amount": "12,50" is not a decimal amount` (warnings say `warning:` after the location). */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}: ` : `${p.file}: `;
  return where + (p.severity === 'warning' ? 'warning: ' : '') + reasonText(p.field, p.message);
}

function reasonText(field: string | undefined, message: string): string {
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

function decimalConverter(what: 'decimal' | 'money', currency: string): Converter {
  const noun = what === 'money' ? 'a decimal amount' : 'a decimal number';
  return (v) => {
    let s = preface(v);
    if (s === undefined) {
      if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : jsonNumberFailure(v, what === 'money' ? 'amounts' : 'decimals');
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
    const n = normalizeDecimalLiteral(number);
    return n === undefined ? new Failure(`${show(s)} is not ${noun}`) : n;
  };
}

function integerConverter(): Converter {
  return (v) => {
    const s = preface(v);
    if (s === undefined) {
      if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) return v === 0 ? 0 : v;
        if (Number.isInteger(v)) return new Failure(`${show(v)} is too large for an integer (the largest is ${Number.MAX_SAFE_INTEGER})`);
      }
      return new Failure(`${show(v)} is not an integer`);
    }
    if (s instanceof Failure) return s;
    if (!/^-?\d+$/.test(s)) return new Failure(`${show(s)} is not an integer`);
    const n = toMinorUnits(s, 0);
    return n === undefined ? new Failure(`${show(s)} is too large for an integer (the largest is ${Number.MAX_SAFE_INTEGER})`) : n;
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
  const set = new Set(members);
  const list = members.map((m) => JSON.stringify(m)).join(', ');
  return (v) => {
    const s = preface(v);
    if (s instanceof Failure) return s;
    if (s !== undefined && set.has(s)) return s;
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

interface Entry {
  record?: InputRecord; // valid (so far)
  rejected?: RejectedRecord;
  partial: Record<string, Value>; // the fields that converted (all of them for a valid record)
  stats: FileStats;
}

interface KindState {
  compiled: CompiledSchema;
  entries: Entry[];
  files: FileStats[];
}

/**
 * Collects the records of a data set file by file, then checks the whole (finish()).
 * Every record read ends up exactly once as valid, rejected, or merged into an identical one.
 */
export class DatasetBuilder {
  private readonly kinds = new Map<string, KindState>();
  private readonly partnerKind: string | undefined;
  private readonly problems: Problem[] = [];

  constructor(schemas: readonly RecordSchema[]) {
    let partnerKind: string | undefined;
    for (const s of schemas) {
      if (this.kinds.has(s.file)) throw new Error(`internal: two schemas for ${s.file}`);
      if (s.kind === 'partner') {
        if (partnerKind !== undefined) throw new Error('internal: two partner schemas');
        partnerKind = s.file;
      }
      this.kinds.set(s.file, { compiled: compileSchema(s), entries: [], files: [] });
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
    this.state(kind).files.push(stats);
    return stats;
  }

  /** A problem of a whole file (missing file, bad header, broken quoting, bad JSON). */
  fileProblem(file: string, line: number, message: string, severity: Severity = 'error'): void {
    this.problems.push({ file, line, message, severity, scope: 'file' });
  }

  /** The kind's file is absent from the data folder. */
  missingFile(kind: string, expected: string): void {
    this.fileProblem(expected, 0, `missing file (the program declares ${kind === this.partnerKind ? 'partner' : `event ${kind}`}; an empty file with a header row is fine)`);
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
      this.accept(st, stats, line, r.data);
      return undefined;
    }
    // Rejected: collect every problem, and the values that did convert (for the dataset checks).
    const partial: Record<string, Value> = {};
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

  private accept(st: KindState, stats: FileStats, line: number, values: Record<string, Value>): void {
    const record: InputRecord = { file: stats.file, line, id: values.id as string, partner: (values.partner ?? values.id) as string, values };
    if (values.date !== undefined) {
      record.date = values.date as string;
      record.day = parseDate(record.date);
    }
    st.entries.push({ record, partial: values, stats });
  }

  /** Records a rejected record; its reasons are problems too, except the first `quiet` ones. */
  private reject(kind: string, stats: FileStats, line: number, partial: Record<string, Value>, reasons: Problem[], quiet = 0): RejectedRecord {
    this.problems.push(...reasons.slice(quiet));
    const rejected: RejectedRecord = { kind, file: stats.file, line, raw: undefined, reasons: reasons.map((p) => reasonText(p.field, p.message)) };
    this.state(kind).entries.push({ rejected, partial, stats });
    return rejected;
  }

  /**
   * Starts a CSV file: returns a row handler for the CsvScanner (or scanCsv) and a function to
   * call at the end. The first row is the header.
   */
  csvFile(kind: string, file: string): { row: (fields: string[], line: number) => void; end: () => void } {
    const c = this.state(kind).compiled;
    const stats = this.newStats(kind, file);
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
      if (headerBroken === undefined && fields.length === h.length) {
        // Fast path for CSV: every cell is a string, so the zod object schema's work reduces to
        // its field converters (the same functions: test/runtime/records.test.ts checks that
        // both agree). Zod's object machinery costs ~1.5 µs per record; this path is 3× faster.
        // Any failure falls through to the zod path, which reports every problem.
        const values: Record<string, Value> = {};
        let ok = true;
        for (let i = 0; i < columnOf.length; i++) {
          const v = c.converters[i](fields[columnOf[i]]);
          if (v instanceof Failure) {
            ok = false;
            break;
          }
          values[c.names[i]] = v;
        }
        if (ok) {
          stats.input++;
          this.accept(this.state(kind), stats, line, values);
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
    for (const [kind, st] of this.kinds) this.resolveDuplicates(kind, st);

    // 2. partners
    let partners: InputRecord[] | undefined;
    let partnerIds: string[];
    const validPartner = new Set<string>();
    const rejectedPartner = new Map<string, string>();
    if (this.partnerKind !== undefined) {
      const st = this.state(this.partnerKind);
      partners = [];
      for (const e of st.entries) {
        if (e.record) {
          partners.push(e.record);
          validPartner.add(e.record.id);
        } else if (e.rejected && typeof e.partial.id === 'string' && !rejectedPartner.has(e.partial.id)) {
          rejectedPartner.set(e.partial.id, `${e.rejected.file}:${e.rejected.line}`);
        }
      }
      partners.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      partnerIds = partners.map((p) => p.id);
      const partnerFiles = st.files.map((f) => f.file).join(', ') || 'the partner file';
      for (const [kind, ks] of this.kinds) {
        if (kind === this.partnerKind) continue;
        for (const e of ks.entries) {
          if (!e.record && !e.rejected) continue; // merged
          const p = e.partial.partner;
          if (typeof p !== 'string' || validPartner.has(p)) continue;
          const where = rejectedPartner.get(p);
          const message = where ? `${show(p)} is a partner whose record was rejected (${where})` : `${show(p)} is not a known partner id (not in ${partnerFiles})`;
          this.rejectEntry(kind, e, 'partner', message);
        }
      }
    }

    // 3. results
    const events = new Map<string, InputRecord[]>();
    const rejected: RejectedRecord[] = [];
    const files: FileStats[] = [];
    const idsFromEvents = new Set<string>();
    let latestDay: Day | undefined;
    for (const [kind, st] of this.kinds) {
      files.push(...st.files);
      const list: InputRecord[] = [];
      for (const e of st.entries) {
        if (e.record) {
          e.stats.valid++;
          if (kind !== this.partnerKind) {
            list.push(e.record);
            idsFromEvents.add(e.record.partner);
            if (e.record.day !== undefined && (latestDay === undefined || e.record.day > latestDay)) latestDay = e.record.day;
          }
        } else if (e.rejected) {
          e.stats.rejected++;
          rejected.push(e.rejected);
        } else e.stats.merged++;
      }
      if (kind !== this.partnerKind) events.set(kind, list);
    }
    if (this.partnerKind === undefined) partnerIds = [...idsFromEvents].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const byPlace = <T extends { file: string; line: number }>(a: T, b: T) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
    rejected.sort(byPlace);
    const problems = [...this.problems].sort(byPlace); // stable: same-line problems keep their order
    return { partners, partnerIds: partnerIds!, events, problems, rejected, files, latestDay };
  }

  private rejectEntry(kind: string, e: Entry, field: string, message: string): void {
    const file = e.stats.file;
    const line = e.record?.line ?? e.rejected!.line;
    this.problems.push({ file, line, field, message, severity: 'error', scope: 'record' });
    if (e.record) {
      e.rejected = { kind, file, line, raw: rawOfRecord(e.record), reasons: [] };
      e.record = undefined;
    }
    e.rejected!.reasons.push(reasonText(field, message));
  }

  private resolveDuplicates(kind: string, st: KindState): void {
    const byId = new Map<string, Entry | Entry[]>();
    for (const e of st.entries) {
      const id = e.partial.id;
      if (typeof id !== 'string') continue;
      const prev = byId.get(id);
      if (prev === undefined) byId.set(id, e);
      else if (Array.isArray(prev)) prev.push(e);
      else byId.set(id, [prev, e]);
    }
    const names = st.compiled.names;
    for (const [id, group] of byId) {
      if (!Array.isArray(group)) continue;
      group.sort((a, b) => (a.stats.file < b.stats.file ? -1 : a.stats.file > b.stats.file ? 1 : lineOf(a) - lineOf(b)));
      const first = group[0];
      const identical = group.every((e) => e.record !== undefined && names.every((n) => e.partial[n] === first.partial[n]));
      if (identical) {
        for (const e of group.slice(1)) e.record = undefined; // merged: counted once (the first by file and line)
        continue;
      }
      for (const e of group) {
        const others = group.filter((o) => o !== e).map((o) => `${o.stats.file}:${lineOf(o)}`);
        this.rejectEntry(kind, e, 'id', `${show(id)} is a duplicate id (also ${others.join(', ')}); every record with this id is rejected, since the records differ`);
      }
    }
  }
}

function lineOf(e: Entry): number {
  return e.record?.line ?? e.rejected!.line;
}

function rawOfRecord(r: InputRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.values)) out[k] = String(v);
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
  for (const s of schemas) {
    const found = (['csv', 'json', 'ndjson'] as const).filter((ext) => map.has(`${s.file}.${ext}`));
    if (found.length === 0) {
      b.missingFile(s.file, `${s.file}.csv`);
      continue;
    }
    if (found.length > 1) {
      b.fileProblem(`${s.file}.${found[0]}`, 0, `more than one file for ${s.file}: ${found.map((e) => `${s.file}.${e}`).join(', ')} (keep one)`);
      continue;
    }
    const name = `${s.file}.${found[0]}`;
    const text = map.get(name)!;
    if (found[0] === 'csv') b.addCsvText(s.file, name, text);
    else if (found[0] === 'json') b.addJsonText(s.file, name, text);
    else b.addNdjsonText(s.file, name, text);
  }
  return b.finish();
}
