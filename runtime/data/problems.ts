/** Problems of input data (every one located: file, line, field) and rejected records, with the messages shared by the in-memory and streaming readers. */
import type { RecordSchema } from './schema.js';

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

/** `sale.csv:14: field "amount": "12,50" is not a decimal amount` (warnings say `warning:` after the location). */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}: ` : `${p.file}: `;
  return where + (p.severity === 'warning' ? 'warning: ' : '') + reasonText(p.field, p.message);
}

export function reasonText(field: string | undefined, message: string): string {
  return field === undefined ? message : `field "${field}": ${message}`;
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
export function unknownPartnerMessage(p: string, where: string | undefined, partnerFiles: string): string {
  return where ? `${show(p)} is a partner whose record was rejected (${where})` : `${show(p)} is not a known partner id (not in ${partnerFiles})`;
}

/** The message of a duplicate id whose records differ (`others`: the other records' places, by file and line). */
export function duplicateMessage(id: string, others: readonly string[]): string {
  return `${show(id)} is a duplicate id (also ${others.join(', ')}); every record with this id is rejected, since the records differ`;
}


/** The message for a declared data file that is absent. */
export function missingFileMessage(schema: RecordSchema): string {
  return `missing file (the program declares ${schema.kind === 'partner' ? 'partner' : `event ${schema.file}`}; an empty file with a header row is fine)`;
}

