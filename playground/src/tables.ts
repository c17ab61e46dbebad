/**
 * The data panel's model: one table per data file (`partners`, and one per event kind), cells as
 * text exactly as a CSV file holds them. Tables are serialised to CSV for the runtime (which then
 * reports problems with the same file names and lines as the command line), and read from CSV,
 * pasted spreadsheet cells (tab-separated) and JSON/NDJSON files. Pure: no DOM.
 */
import { formatCsvRow, parseCsv } from '../../runtime/data/csv.js';

export interface Table {
  columns: string[];
  rows: string[][];
}

/** A table as a CSV text, and for each CSV line the row it belongs to (for problems' `file:line`). */
export function tableToCsv(t: Table): { text: string; rowOfLine: Map<number, number> } {
  const lines = [formatCsvRow(t.columns)];
  const rowOfLine = new Map<number, number>();
  let line = 2;
  t.rows.forEach((row, i) => {
    const cells = t.columns.map((_, c) => row[c] ?? '');
    const text = formatCsvRow(cells);
    rowOfLine.set(line, i);
    lines.push(text);
    line += 1 + (text.match(/\r\n|\n|\r/g)?.length ?? 0);
  });
  return { text: lines.join('\n') + '\n', rowOfLine };
}

/** Reads a CSV text (first row = header). Throws the runtime's CsvSyntaxError on broken quoting. */
export function csvToTable(text: string): Table {
  const rows = parseCsv(text).map((r) => r.fields);
  const columns = rows.shift() ?? [];
  return { columns, rows: rows.map((r) => normalizeRow(r, columns.length)) };
}

function normalizeRow(r: string[], width: number): string[] {
  if (r.length >= width) return r;
  return [...r, ...new Array<string>(width - r.length).fill('')];
}

/**
 * Pasted text, as a spreadsheet copies it (tab-separated) or as CSV. Returns the rows of cells;
 * quoted cells follow CSV rules in both forms. A trailing empty line is dropped.
 */
export function parsePaste(text: string): string[][] {
  const t = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (t === '') return [];
  const firstLine = t.split('\n', 1)[0]!;
  const sep = firstLine.includes('\t') ? '\t' : firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  return splitDelimited(t, sep);
}

/** A small delimited-text reader (CSV quoting rules, any one-character separator). */
export function splitDelimited(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let atCellStart = true;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
      i++;
      continue;
    }
    if (c === sep) {
      row.push(cell);
      cell = '';
      atCellStart = true;
      i++;
      continue;
    }
    if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      i++;
      continue;
    }
    cell += c;
    atCellStart = false;
    i++;
  }
  row.push(cell);
  rows.push(row);
  return rows;
}

/**
 * Pasted rows into a table. When the first pasted row is a header naming the table's columns, cells
 * go to their columns by name and rows are appended; otherwise the cells fill the table from
 * (row, col), growing it as needed.
 */
export function applyPaste(t: Table, pasted: string[][], at: { row: number; col: number }): Table {
  const columns = [...t.columns];
  const rows = t.rows.map((r) => [...r]);
  if (pasted.length === 0) return { columns, rows };
  const header = pasted[0]!;
  const isHeader = header.length > 1 && header.every((h) => columns.includes(h.trim())) && new Set(header).size === header.length;
  if (isHeader) {
    const idx = header.map((h) => columns.indexOf(h.trim()));
    for (const p of pasted.slice(1)) {
      const r = new Array<string>(columns.length).fill('');
      idx.forEach((ci, k) => (r[ci] = p[k] ?? ''));
      rows.push(r);
    }
    return { columns, rows };
  }
  pasted.forEach((p, dr) => {
    const ri = at.row + dr;
    while (rows.length <= ri) rows.push(new Array<string>(columns.length).fill(''));
    p.forEach((v, dc) => {
      const ci = at.col + dc;
      if (ci < columns.length) rows[ri]![ci] = v;
    });
  });
  return { columns, rows };
}

/** A JSON value as a CSV cell: strings as they are, numbers and booleans as JSON writes them. */
function cellOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A JSON array of objects (or NDJSON, one object per line) as a table; columns in first-seen order. */
export function jsonToTable(text: string, ndjson: boolean): Table {
  const items: unknown[] = ndjson
    ? text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as unknown)
    : (JSON.parse(text) as unknown[]);
  if (!Array.isArray(items)) throw new Error('expected a JSON array of records');
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const it of items) {
    if (it === null || typeof it !== 'object' || Array.isArray(it)) throw new Error('expected every element to be an object');
    for (const k of Object.keys(it)) if (!seen.has(k)) {
      seen.add(k);
      columns.push(k);
    }
  }
  return { columns, rows: items.map((it) => columns.map((c) => cellOf((it as Record<string, unknown>)[c]))) };
}

/** Reads a data file by its name: `.csv`, `.json`, `.ndjson`. */
export function fileToTable(name: string, text: string): Table {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return jsonToTable(text, false);
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return jsonToTable(text, true);
  return csvToTable(text);
}

/** The base name a data file belongs to: `sale.csv` → `sale`, `partners.json` → `partners`. */
export function baseName(fileName: string): string {
  const f = fileName.replace(/^.*[\\/]/, '');
  return f.replace(/\.(csv|json|ndjson|jsonl)$/i, '');
}

/** Adds the schema's columns that a table lacks (empty cells); never removes a column. */
export function withColumns(t: Table | undefined, wanted: readonly string[]): Table {
  if (!t) return { columns: [...wanted], rows: [] };
  const missing = wanted.filter((c) => !t.columns.includes(c));
  if (missing.length === 0) return t;
  return { columns: [...t.columns, ...missing], rows: t.rows.map((r) => [...r, ...missing.map(() => '')]) };
}
