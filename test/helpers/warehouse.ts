/** Data folders loaded into databases, for the tests of pass 1 in a database (`runtime/warehouse/`). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDB, readCsv } from '../../runtime/warehouse/duckdb.js';
import { newPGlite } from '../../runtime/warehouse/pglite.js';

/**
 * The data files of a folder as CSV files, by base name (`sale`, `partners`): CSV files as they
 * are; JSON and NDJSON files (records of strings, numbers and booleans) written as CSV text beside
 * each other in a temporary folder, every value as JSON wrote it — as a warehouse's staging table
 * of text columns would hold them. Undefined when a record holds a nested value.
 */
export function csvFiles(dir: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let converted: string | undefined;
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.csv')) out.set(f.slice(0, -4), join(dir, f));
    else if (/\.(json|ndjson)$/.test(f)) {
      const text = readFileSync(join(dir, f), 'utf8');
      const records = (f.endsWith('.ndjson') ? text.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l)) : JSON.parse(text)) as Record<string, unknown>[];
      const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
      const cell = (v: unknown): string => {
        if (v === undefined || v === null) return '';
        if (typeof v === 'object') throw new Error('nested');
        const t = String(v);
        return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
      };
      let csv: string;
      try {
        csv = [columns.map(cell).join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
      } catch {
        return undefined;
      }
      if (converted === undefined) {
        const made = (converted = mkdtempSync(join(tmpdir(), 'incent-tables-')));
        process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      }
      const name = f.replace(/\.(json|ndjson)$/, '');
      writeFileSync(join(converted, `${name}.csv`), csv);
      out.set(name, join(converted, `${name}.csv`));
    }
  }
  return out;
}

/** A DuckDB database file at `file` with one table per CSV file of `dir`, every column text (as a warehouse's staging tables often are). */
export async function duckdbFromFolder(dir: string, file: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  for (const [name, path] of csvFiles(dir) ?? []) await c.run(`CREATE TABLE "${name}" AS SELECT * FROM ${readCsv(path)}`);
  c.disconnectSync();
  db.closeSync();
  void openDuckDB; // (the runtime's opener reads it back)
}

/** A PGlite data folder at `pgdir` with one TEXT table per CSV file of `dir` (loaded with COPY … CSV HEADER). */
export async function pgliteFromFolder(dir: string, pgdir: string): Promise<void> {
  const db = await newPGlite(pgdir);
  for (const [name, path] of csvFiles(dir) ?? []) {
    const text = readFileSync(path, 'utf8');
    const header = text.slice(0, text.search(/\r?\n/)).replace(/^\uFEFF/, '');
    const cols = header.split(',').map((c) => `"${c.replace(/^"|"$/g, '').replaceAll('"', '""')}" TEXT`);
    await db.exec(`CREATE TABLE "${name}" (${cols.join(', ')})`);
    await db.query(`COPY "${name}" FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: new Blob([text]) } as never);
  }
  await db.close();
}
