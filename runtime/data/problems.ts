/**
 * Problems of input data — each a diagnostic with a stable code from `core/codes.ts`, a location
 * (file, line, field) and the code's message — and rejected records with their reasons; the
 * messages shared by the in-memory and streaming readers.
 */
import { DATA, dataMessage, type DataCode } from '../../core/codes.js';
import type { DataDiagnostic } from '../../core/diagnostics.js';
import type { RecordSchema } from './schema.js';

export type Severity = 'error' | 'warning';

/** A data problem: a diagnostic located in a data file. */
export interface Problem extends DataDiagnostic {
  /**
   * `record`: the record is rejected (with `--reject` the run goes on without it);
   * `file`: the file cannot be read as declared (missing file or column, broken quoting, bad
   * JSON): the run fails even with `--reject`.
   */
  scope: 'record' | 'file';
}

/** Why a record is rejected: a problem without its place. */
export interface Reason {
  code: string;
  field?: string;
  /** The column (or JSON key) the field is read from, when it is not the field's name (`from "…"`). */
  column?: string;
  message: string;
}

/** Where a record is: its line, its number in its file (1-based, counting every record read), and — when it shares its line with another record (a JSON array on one line) — that number shown too. */
export interface RecordAt {
  line: number;
  n: number;
  record?: number;
}

export interface RejectedRecord extends RecordAt {
  /** The schema's base name (`sale`, `partners`). */
  kind: string;
  file: string;
  /**
   * The record as read: a CSV row's cells (the header is the file's `columns`), a JSON value as
   * it was, or the text of an NDJSON line that is not JSON.
   */
  raw: unknown;
  reasons: Reason[];
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
  /** A CSV file's header: its columns as written. */
  columns?: string[];
}

/** The arguments of a data code's message. */
export type DataArgs<C extends DataCode> = Parameters<(typeof DATA)[C]['message']>[0];

/** A reason: a code, its message, and the field it is about. */
export function reason<C extends DataCode>(code: C, args: DataArgs<C>, field?: string): Reason {
  return { code, ...(field === undefined ? {} : { field }), message: dataMessage(code, args) };
}

/** A data problem at a place: its severity and scope come from its code. */
export function problem(at: { file: string; line: number; record?: number }, r: Reason): Problem {
  const info = DATA[r.code as DataCode];
  return {
    file: at.file,
    line: at.line,
    ...(at.record === undefined ? {} : { record: at.record }),
    ...(r.field === undefined ? {} : { field: r.field }),
    ...(r.column === undefined ? {} : { column: r.column }),
    code: r.code,
    message: r.message,
    severity: info.severity,
    scope: info.stage === 'data files' ? 'file' : 'record',
    ...(info.hint ? { hint: info.hint } : {}),
  };
}

/** `sale.csv:14: field "amount": "12,50" is not a decimal amount` (warnings say `warning:` after the location). */
export function formatProblem(p: Problem): string {
  return `${placeText(p)}: ${p.severity === 'warning' ? 'warning: ' : ''}${reasonText(p)}`;
}

/** `sale.csv:14`, `sale.json:1 (record 3)` when records share the line, or `sale.csv` for the whole file. */
export function placeText(p: { file: string; line: number; record?: number }): string {
  return p.line > 0 ? `${p.file}:${p.line}${p.record === undefined ? '' : ` (record ${p.record})`}` : p.file;
}

/** A reason (or a problem) without its place: `field "amount": "12,50" is not a decimal amount`, `field "amount" (column "Net Amount (€)"): …`. */
export function reasonText(r: { field?: string; column?: string; message: string }): string {
  if (r.field === undefined) return r.message;
  return `field "${r.field}"${r.column === undefined ? '' : ` (column ${JSON.stringify(r.column)})`}: ${r.message}`;
}

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

/** Why an event's partner id is not usable: its record was rejected (at `where`), or there is none in the partner files. */
export function unknownPartner(p: string, where: string | undefined, partnerFiles: string): Reason {
  return where ? reason('D0303', { id: show(p), where }, 'partner') : reason('D0302', { id: show(p), files: partnerFiles }, 'partner');
}

/** Why a `ref` field's id is not usable (§12.3): its record was rejected (at `where`), or there is none of its kind. */
export function unknownRecord(id: string, kind: string, field: string, where: string | undefined, files: string): Reason {
  return where ? reason('D0305', { id: show(id), kind, where }, field) : reason('D0304', { id: show(id), kind, files }, field);
}

/** A duplicate id whose records differ (`others`: the other records' places, by file and line). */
export function duplicateId(id: string, others: readonly string[]): Reason {
  return reason('D0301', { id: show(id), others: others.join(', ') }, 'id');
}

/** A declared data file that is absent. */
export function missingFile(schema: RecordSchema): Reason {
  return reason('D0001', { declares: schema.kind === 'partner' ? 'partner' : schema.kind === 'rates' ? `exchange rates ${schema.exchangeRates ?? 'monthly'}` : `event ${schema.file}` });
}
