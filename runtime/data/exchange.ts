/**
 * Several currencies (§13.4): `money any` values, the data's `rates.csv`, and the exact conversion
 * of each amount to the program's currency at the rate of its event's date.
 *
 * - A `money any` field's converter (`moneyAnyConverter`) reads an amount with its code
 *   (`12.50 GBP`), or — `money any by FIELD` — a plain amount whose code the record's field FIELD
 *   holds. An amount in the program's currency is its value; another is a `Foreign` amount, which
 *   the record's conversion (`convertRecord`, run by the reader once every field has converted)
 *   replaces by amount × rate: an exact decimal, never rounded here (rounding happens at §9's rule
 *   total). A record whose rate is missing is rejected (D0307) and names its currency and date.
 * - `rates.csv` (`readRates`) is read before the events, whole (it is small), by the same reader as
 *   any data file: its problems are coded, located and its bad rows go to `--reject`.
 * - What each record's conversion was (`conversionsOf`) is kept with its row, for traces.
 */
import { normalizeDecimalLiteral } from '../../core/decimal.js';
import { parseDate } from '../../core/periods.js';
import * as N from '../num.js';
import type { Artifact } from '../artifact.js';
import { converterFor, Failure, type Converter } from './convert.js';
import { placeText, problem, reason, show, type FileStats, type Problem, type Reason, type RecordAt, type RejectedRecord } from './problems.js';
import type { RecordSchema, Row, Value } from './schema.js';

/** An amount in another currency than the program's, read but not yet converted. */
export class Foreign {
  constructor(
    readonly amount: N.Num,
    /** Its code when the value carries one (`12.50 GBP`); undefined for a plain amount of `money any by FIELD`. */
    readonly code: string | undefined,
    /** The value as written, quoted, for messages. */
    readonly text: string,
    /** The amount as written (`12.50`), for traces. */
    readonly written: string,
  ) {}
}

const CODE = /^[A-Z]{3}$/;

/**
 * The converter of a `money any` field (`by`: the field holding the code, for `money any by FIELD`).
 * Gives the amount itself when it is in the program's currency, else a `Foreign` amount.
 */
export function moneyAnyConverter(currency: string, by: string | undefined): Converter {
  const decimal = converterFor('decimal', currency);
  return (v) => {
    if (typeof v !== 'string') {
      // JSON numbers: a plain amount (`by FIELD` only); absent values: as the decimal converter says
      if (typeof v === 'number' && by === undefined) return new Failure('D0221', { value: show(v) });
      const r = decimal(v);
      return r instanceof Failure ? r : foreign(new Foreign(r as N.Num, undefined, show(v), String(v)));
    }
    const space = v.lastIndexOf(' ');
    const number = space < 0 ? v : v.slice(0, space);
    const code = space < 0 ? undefined : v.slice(space + 1);
    if (code !== undefined && !CODE.test(code)) {
      // `12.50 gbp`: a code that is not one; else (`12,50`, `1 000`) not an amount
      if (normalizeDecimalLiteral(number) !== undefined) return new Failure('D0222', { value: show(v) });
      return new Failure('D0206', { value: show(v), noun: 'an amount with its currency code (12.50 GBP)' });
    }
    const r = decimal(v === '' ? v : number);
    if (r instanceof Failure) {
      if (r.reason.code === 'D0206') return new Failure('D0206', { value: show(v), noun: by === undefined ? 'an amount with its currency code (12.50 GBP)' : 'a decimal amount' });
      return r;
    }
    if (code === undefined && by === undefined) return new Failure('D0221', { value: show(v) });
    if (code === currency && by === undefined) return r;
    return foreign(new Foreign(r as N.Num, code, show(v), number));
  };
}

/** A `Foreign` amount where a converter gives a value: it lives in the row until the record's conversion replaces it. */
function foreign(f: Foreign): Value {
  return f as unknown as Value;
}

/** A `money any` field of a record schema. */
export interface AnyField {
  name: string;
  by?: string;
}

/** The `money any` fields of a schema. */
export function anyFields(schema: RecordSchema): AnyField[] {
  return schema.fields.flatMap((f) => (f.anyCurrency ? [{ name: f.name, ...(f.anyCurrency.by === undefined ? {} : { by: f.anyCurrency.by }) }] : []));
}

/** One amount's conversion, as traces show it. */
export interface Conversion {
  field: string;
  /** The amount as read, in its currency. */
  amount: N.Num;
  /** The amount as written (`12.50`). */
  written: string;
  currency: string;
  rate: N.Num;
  /** The month (`2026-03`) or day whose rate was used. */
  at: string;
  /** amount × rate, exactly: the field's value in the program's currency. */
  value: N.Num;
}

const conversions = new WeakMap<object, Conversion[]>();

/** The conversions of a record's `money any` amounts in another currency (none for the others). */
export function conversionsOf(row: object): readonly Conversion[] | undefined {
  return conversions.get(row);
}

/**
 * `amount 12.50 GBP × 1.17 = 14.625 EUR at the rate of 2026-03`, for traces: the amount as written,
 * the rate, and the exact value (with at least the currency's minor digits: `1430.40 EUR`).
 */
export function conversionText(c: Conversion, currency: string, minorDigits: number): string {
  const exact = N.toText(c.value);
  const decimals = exact.includes('.') ? exact.length - exact.indexOf('.') - 1 : 0;
  return `${c.field} ${c.written} ${c.currency} × ${N.toText(c.rate)} = ${N.toFixedText(c.value, Math.max(decimals, minorDigits))} ${currency} at the rate of ${c.at}`;
}

/** The rates of `rates.csv`, by currency and month (or day). */
export class RateTable {
  /** `GBP 2026-03` → the rate, and where its row is. */
  readonly rates = new Map<string, { rate: N.Num; at: string }>();
  /** Keys whose rows were rejected → where the first such row is. */
  readonly rejected = new Map<string, string>();
  /**
   * The file could not be read as declared (missing, a broken header): that file problem stops
   * every run, `--reject` or not, so records are not each reported as lacking a rate.
   */
  unreadable = false;

  constructor(
    readonly frequency: 'monthly' | 'daily',
    readonly currency: string,
    readonly file = 'rates.csv',
  ) {}

  /** The month or day of a date whose rate applies. */
  periodOf(date: string): string {
    return this.frequency === 'monthly' ? date.slice(0, 7) : date;
  }
}

/** The record schema of `rates.csv` (`month` or `date`, `currency`, `rate`), for a program with `exchange rates`. */
export function ratesSchema(a: Artifact): RecordSchema | undefined {
  const f = a.program.exchangeRates;
  if (!f) return undefined;
  return {
    file: 'rates',
    kind: 'rates',
    fields: [f === 'monthly' ? { name: 'month', type: 'text' } : { name: 'date', type: 'date' }, { name: 'currency', type: 'text' }, { name: 'rate', type: 'decimal' }],
    currency: a.program.currency,
    exchangeRates: f,
  };
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** Why a valid row of `rates.csv` cannot give a rate, or undefined when it can. */
function rowProblems(row: Row, table: RateTable): Reason[] {
  const out: Reason[] = [];
  if (table.frequency === 'monthly') {
    const m = MONTH.exec(row.month as string);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || m[1] === '0000') out.push(reason('D0224', { value: show(row.month), unit: 'month', example: 'YYYY-MM, e.g. 2026-03' }, 'month'));
  }
  const code = row.currency as string;
  if (!CODE.test(code)) out.push(reason('D0222', { value: show(code) }, 'currency'));
  const rate = row.rate as N.Num;
  if (N.sign(rate) <= 0) out.push(reason('D0225', { value: show(N.toText(rate)), currency: table.currency }, 'rate'));
  else if (code === table.currency && N.cmp(rate, N.ONE) !== 0) out.push(reason('D0226', { value: show(N.toText(rate)), currency: table.currency }, 'rate'));
  return out;
}

/** What reading `rates.csv` gives: its table, and its problems, rejected rows and counts, as any data file's. */
export interface RatesRead {
  table: RateTable;
  problems: Problem[];
  rejected: RejectedRecord[];
  files: FileStats[];
}

/** What `readRates` reads a file with: a reader of one schema (a `DatasetBuilder` with a sink), fed by the caller. */
export interface RatesReader {
  problems: readonly Problem[];
  fileStats(): FileStats[];
}

/**
 * Reads `rates.csv` through `read` (which makes a reader of the rates schema with the sink it is
 * given, feeds it the file, and returns it): every row converted and checked; rows for one
 * currency and month (or day) that differ are all rejected (D0306), identical ones count once.
 */
export function readRates(
  schema: RecordSchema,
  read: (sink: { record(at: RecordAt, row: Row, rejected: RejectedRecord | undefined): void; wantRaw(n: number): boolean; raw(n: number, raw: unknown): void }) => RatesReader,
): RatesRead {
  const table = new RateTable(schema.exchangeRates ?? 'monthly', schema.currency);
  const raws = new Map<number, unknown>();
  const rows: { at: RecordAt; row: Row }[] = [];
  const rejected: RejectedRecord[] = [];
  const problems: Problem[] = [];
  let file = `${schema.file}.csv`;
  const reader = read({
    record: (at, row, r) => {
      if (r) {
        // a row rejected when read: its currency and month (or day), when they converted, are known to be rejected
        rejected.push(r);
        const when = table.frequency === 'monthly' ? row.month : row.date;
        if (typeof row.currency === 'string' && typeof when === 'string') {
          const key = `${row.currency} ${when}`;
          if (!table.rejected.has(key)) table.rejected.set(key, placeText({ file: r.file, ...at }));
        }
        return;
      }
      rows.push({ at, row });
    },
    wantRaw: () => true,
    raw: (n, raw) => raws.set(n, raw),
  });
  const stats = reader.fileStats()[0];
  if (stats) file = stats.file;
  table.rates.clear();
  const keyOf = (row: Row): string => `${row.currency as string} ${(table.frequency === 'monthly' ? row.month : row.date) as string}`;
  const rejectRow = (at: RecordAt, row: Row, reasons: Reason[]): void => {
    for (const why of reasons) problems.push(problem({ file, ...at }, why));
    rejected.push({ kind: schema.file, file, ...at, raw: raws.get(at.n), reasons });
    if (typeof row.currency === 'string') {
      const key = keyOf(row);
      if (!table.rejected.has(key)) table.rejected.set(key, placeText({ file, ...at }));
    }
  };
  const byKey = new Map<string, { at: RecordAt; row: Row }[]>();
  for (const entry of rows) {
    const why = rowProblems(entry.row, table);
    if (why.length > 0) {
      rejectRow(entry.at, entry.row, why);
      continue;
    }
    const key = keyOf(entry.row);
    const group = byKey.get(key);
    if (group) group.push(entry);
    else byKey.set(key, [entry]);
  }
  let merged = 0;
  for (const [key, group] of byKey) {
    const first = group[0]!;
    if (group.every((g) => N.cmp(g.row.rate as N.Num, first.row.rate as N.Num) === 0)) {
      merged += group.length - 1;
      table.rates.set(key, { rate: first.row.rate as N.Num, at: placeText({ file, ...first.at }) });
      continue;
    }
    const [code, at] = key.split(' ') as [string, string];
    for (const g of group) {
      const others = group.filter((o) => o !== g).map((o) => placeText({ file, ...o.at }));
      rejectRow(g.at, g.row, [reason('D0306', { currency: code, at, others: others.join(', ') })]);
    }
  }
  const readProblems = [...reader.problems];
  // (no file read: it is missing, or several, which the choice of files reports)
  table.unreadable = stats === undefined || readProblems.some((p) => p.scope === 'file' && p.severity === 'error');
  const files = reader.fileStats().map((s) => {
    const rejectedCount = rejected.length;
    return { ...s, rejected: rejectedCount, merged, valid: s.input - rejectedCount - merged };
  });
  rejected.sort((a, b) => a.line - b.line || a.n - b.n);
  return { table, problems: [...readProblems, ...problems], rejected, files };
}

/**
 * Converts a record's `money any` amounts in another currency (replacing each `Foreign` value of
 * the row by amount × rate), or says why it cannot: a currency field that holds no code (D0222),
 * a code that differs from the field's (D0223), or no rate for the record's date (D0307). Values
 * that did not convert (a rejected record's) are skipped.
 */
export function convertRecord(fields: readonly AnyField[], row: Row, table: RateTable | undefined, currency: string): Reason[] {
  let out: Reason[] | undefined;
  let done: Conversion[] | undefined;
  for (const f of fields) {
    const v = row[f.name] as Value | Foreign | undefined;
    if (!(v instanceof Foreign)) continue;
    let code = v.code;
    if (f.by !== undefined) {
      const given = row[f.by];
      if (typeof given !== 'string') continue; // the currency field failed: reported already
      if (!CODE.test(given)) {
        (out ??= []).push(reason('D0222', { value: show(given) }, f.by));
        continue;
      }
      if (code !== undefined && code !== given) {
        (out ??= []).push(reason('D0223', { value: v.text, code, by: f.by, given: show(given) }, f.name));
        continue;
      }
      code = given;
    }
    if (code === undefined) continue; // (a converter gives no plain amount without `by`)
    if (code === currency) {
      row[f.name] = v.amount;
      continue;
    }
    const date = row.date;
    if (typeof date !== 'string' || parseDate(date) === undefined) continue; // the date failed: reported already
    const at = table?.periodOf(date) ?? date.slice(0, 7);
    const key = `${code} ${at}`;
    const hit = table?.rates.get(key);
    if (!hit && table?.unreadable) {
      // never evaluated: the rates file's own problem stops the run
      row[f.name] = v.amount;
      continue;
    }
    if (!hit) {
      const where = table?.rejected.get(key);
      const file = table?.file ?? 'rates.csv';
      const why = where ? `the rate for ${code} in ${at} was rejected (${where})` : `${file} has no rate for ${code} in ${at}`;
      (out ??= []).push(reason('D0307', { amount: `${v.written} ${code}`, date, why }, f.name));
      continue;
    }
    let value = N.mul(v.amount, hit.rate);
    if (!(value instanceof N.Fixed)) value = N.fromDec(value);
    row[f.name] = value;
    (done ??= []).push({ field: f.name, amount: v.amount, written: v.written, currency: code, rate: hit.rate, at, value });
  }
  if (done) conversions.set(row, done);
  return out ?? [];
}

/** The rows of a `rates.csv` for tests: `month`/`date`, `currency`, `rate` as written. */
export function ratesCsv(frequency: 'monthly' | 'daily', rows: readonly { at: string; currency: string; rate: string }[]): string {
  const q = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [`${frequency === 'monthly' ? 'month' : 'date'},currency,rate`, ...rows.map((r) => `${q(r.at)},${q(r.currency)},${q(r.rate)}`)].join('\n') + '\n';
}
