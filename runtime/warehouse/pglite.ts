/**
 * Postgres through PGlite (`@electric-sql/pglite`, Postgres compiled to WASM: no server), an
 * optional dependency: `--source pglite:DIR` reads the tables of a PGlite data folder, and the
 * differential tests run the Postgres dialect on it for real.
 */
import { WarehouseUnavailable, type SqlConnection } from './engine.js';
import { loadDriver } from './load.js';

const MODULE = '@electric-sql/pglite';

interface PgResults {
  rows: unknown[][];
  fields: { name: string }[];
}
export interface PGliteLike {
  query(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }): Promise<PgResults>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A new PGlite database: in memory (`dir` undefined), or the data folder `dir`. */
export async function newPGlite(dir?: string): Promise<PGliteLike> {
  let api: { PGlite: new (dir?: string) => PGliteLike };
  try {
    api = (await loadDriver(MODULE)) as typeof api;
  } catch (e) {
    throw new WarehouseUnavailable(`PGlite is not installed (${MODULE}, an optional dependency of Incent: \`npm install ${MODULE}\`; ${(e as Error).message.split('\n')[0]})`);
  }
  return new api.PGlite(dir);
}

/** A pass-1 connection over a PGlite database (the Postgres dialect). */
export function pgliteConnection(db: PGliteLike, own = true): SqlConnection {
  return {
    dialect: 'postgres',
    async query(sql) {
      const r = await db.query(sql.replace(/;\s*$/, ''), [], { rowMode: 'array' });
      return r.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v))));
    },
    async columns(relation) {
      return (await db.query(`SELECT * FROM ${relation} LIMIT 0`, [], { rowMode: 'array' })).fields.map((f) => f.name);
    },
    async close() {
      if (own) await db.close();
    },
  };
}
