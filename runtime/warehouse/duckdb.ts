/**
 * DuckDB embedded (`@duckdb/node-api`, an optional dependency): the default engine of pass 1 in a
 * database. Loaded only when a run asks for it; its absence is a message, not a stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WarehouseUnavailable, type SqlConnection } from './engine.js';
import { loadDriver } from './load.js';

const MODULE = '@duckdb/node-api';
/** DuckDB's memory limit unless `--memory-limit` says otherwise. */
export const DEFAULT_MEMORY = '1GB';

interface DuckRows {
  getRows(): unknown[][];
  columnNames(): string[];
}
interface DuckConnection {
  runAndReadAll(sql: string): Promise<DuckRows>;
  closeSync?(): void;
  disconnectSync?(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync?(): void;
}

/**
 * A DuckDB connection: to a database file (`--source duckdb:PATH`, opened read-only) or in memory
 * (`--data DIR --engine duckdb`, which reads the folder's CSV files with `read_csv`).
 */
export async function openDuckDB(path: string | undefined, opts: { threads?: number; memoryLimit?: string } = {}): Promise<SqlConnection> {
  let api: { DuckDBInstance: { create(path: string, options?: Record<string, string>): Promise<DuckInstance> } };
  try {
    api = (await loadDriver(MODULE)) as typeof api;
  } catch (e) {
    throw new WarehouseUnavailable(`DuckDB is not installed (${MODULE}, an optional dependency of Incent: \`npm install ${MODULE}\`; ${(e as Error).message.split('\n')[0]})`);
  }
  const options: Record<string, string> = {};
  if (path !== undefined) options['access_mode'] = 'READ_ONLY';
  if (opts.threads !== undefined) options['threads'] = String(opts.threads);
  // DuckDB holds at most this much and spills the rest (the duplicate-id check of 20M records holds every id: 4 GB unbounded) to a folder of its own.
  const spill = mkdtempSync(join(tmpdir(), 'incent-duckdb-'));
  options['memory_limit'] = opts.memoryLimit ?? DEFAULT_MEMORY;
  options['temp_directory'] = spill;
  let instance: DuckInstance;
  try {
    instance = await api.DuckDBInstance.create(path ?? ':memory:', options);
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw new WarehouseUnavailable(`duckdb:${path ?? ':memory:'}: cannot be opened (${(e as Error).message.split('\n')[0]})`);
  }
  const conn = await instance.connect();
  return {
    dialect: 'duckdb',
    async query(sql) {
      const r = await conn.runAndReadAll(sql);
      return r.getRows().map((row) => row.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v))));
    },
    async columns(relation) {
      return (await conn.runAndReadAll(`SELECT * FROM ${relation} LIMIT 0`)).columnNames();
    },
    async close() {
      conn.disconnectSync?.();
      instance.closeSync?.();
      rmSync(spill, { recursive: true, force: true });
    },
  };
}

/** A CSV file as DuckDB reads it for pass 1: every column as text, RFC 4180 quoting, a header row. */
export function readCsv(path: string): string {
  return `read_csv('${path.replaceAll("'", "''")}', header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)`;
}
