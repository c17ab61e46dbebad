/**
 * Rejected records written back in their own format, so that fixing them and running again is a
 * copy: one file per data file, named like it, with the input's own columns (or keys) and two
 * more — the line the record was on, and why it was rejected. CSV cells a spreadsheet would run
 * as formulas are neutralised (`'=…`): these files are read by people first.
 */
import { formatCsvRow, neutraliseFormula } from './csv.js';
import type { DataFormat } from './files.js';
import { reasonText, type FileStats, type RejectedRecord } from './problems.js';

/** The names of the two added columns: `line` and `reason`, or with `_` in front until the input has no such column. */
function addedNames(taken: ReadonlySet<string>): [string, string] {
  let line = 'line';
  let why = 'reason';
  while (taken.has(line)) line = `_${line}`;
  while (taken.has(why)) why = `_${why}`;
  return [line, why];
}

function why(r: RejectedRecord): string {
  return r.reasons.map((x) => `${x.code} ${reasonText(x)}`).join('; ');
}

/** A CSV data file's rejected records: its header (and any cells beyond it as `#N`), then `line` and `reason`. */
function csvRejects(columns: readonly string[], rejected: readonly RejectedRecord[]): string {
  let width = columns.length;
  for (const r of rejected) if (Array.isArray(r.raw)) width = Math.max(width, r.raw.length);
  const header = Array.from({ length: width }, (_, i) => columns[i] ?? `#${i + 1}`);
  const [line, reason] = addedNames(new Set(header));
  const rows = [formatCsvRow([...header, line, reason].map(neutraliseFormula))];
  for (const r of rejected) {
    const cells = Array.isArray(r.raw) ? (r.raw as string[]) : [];
    rows.push(formatCsvRow([...Array.from({ length: width }, (_, i) => cells[i] ?? ''), String(r.line), why(r)].map(neutraliseFormula)));
  }
  return rows.join('\n') + '\n';
}

/** A JSON record with its line and reason: the object as it was, or (another JSON value, a line that is not JSON) under `value` / `text`. */
function jsonReject(r: RejectedRecord): Record<string, unknown> {
  const raw = r.raw;
  const base: Record<string, unknown> =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : typeof raw === 'string' && r.reasons.some((x) => x.code === 'D0115' || x.code === 'D0118') ? { text: raw } : { value: raw };
  const [line, reason] = addedNames(new Set(Object.keys(base)));
  base[line] = r.line;
  base[reason] = why(r);
  return base;
}

/**
 * The reject files of a run: for each data file read (in `files`), its name → its text. A file
 * without rejected records gets one too (a header only, or an empty array), so that the folder
 * never holds the rejects of an earlier run.
 */
export function rejectFiles(files: readonly FileStats[], rejected: readonly RejectedRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const mine = rejected.filter((r) => r.file === f.file);
    const format = (/\.(csv|json|ndjson)$/.exec(f.file)?.[1] ?? 'csv') as DataFormat;
    if (format === 'csv') out.set(f.file, csvRejects(f.columns ?? [], mine));
    else if (format === 'json') out.set(f.file, mine.length ? `[\n${mine.map((r) => '  ' + JSON.stringify(jsonReject(r))).join(',\n')}\n]\n` : '[]\n');
    else out.set(f.file, mine.map((r) => JSON.stringify(jsonReject(r)) + '\n').join(''));
  }
  return out;
}
