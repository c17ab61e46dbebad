/** Data folders loaded into databases, for the tests of pass 1 in a database (`runtime/warehouse/`). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDB, readCsv } from '../../runtime/warehouse/duckdb.js';
import { newPGlite } from '../../runtime/warehouse/pglite.js';

/** The CSV files of a folder, by base name (`sale`, `partners`); undefined when any data file is not CSV. */
export function csvFiles(dir: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir)) {
    if (/\.(json|ndjson)$/.test(f)) return undefined;
    if (f.endsWith('.csv')) out.set(f.slice(0, -4), join(dir, f));
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
