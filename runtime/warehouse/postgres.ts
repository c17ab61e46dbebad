/**
 * A Postgres server (`--source postgres:URL`) through node-postgres (`pg`), an optional
 * dependency. Every value comes back as Postgres writes it as text — no type parser turns a
 * `numeric` into a float or a `date` into a `Date` — so the runtime reads it as it reads a data
 * file. Tested against Postgres over its wire protocol (PGlite's socket server) in
 * test/runtime/warehouse/postgres.test.ts.
 */
import { WarehouseUnavailable, type SqlConnection } from './engine.js';
import { loadDriver } from './load.js';

const MODULE = 'pg';

interface PgResult {
  rows: unknown[][];
  fields: { name: string }[];
}
interface PgClient {
  connect(): Promise<void>;
  query(config: { text: string; rowMode: 'array'; types: { getTypeParser: () => (v: string) => string } }): Promise<PgResult>;
  end(): Promise<void>;
}

/** Every column as the text Postgres sends. */
const RAW = { getTypeParser: () => (v: string) => v };

/** A pass-1 connection to the Postgres server at `url` (`postgres://user:password@host:port/database`). */
export async function openPostgres(url: string): Promise<SqlConnection> {
  let api: { Client: new (options: { connectionString: string }) => PgClient };
  try {
    const m = (await loadDriver(MODULE)) as { Client?: unknown; default?: { Client: unknown } };
    api = (m.Client ? m : m.default) as typeof api;
  } catch (e) {
    throw new WarehouseUnavailable(`the Postgres client is not installed (${MODULE}, an optional dependency of Incent: \`npm install ${MODULE}\`; ${(e as Error).message.split('\n')[0]})`);
  }
  const client = new api.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    throw new WarehouseUnavailable(`cannot connect to the Postgres server ${redact(url)}: ${(e as Error).message.split('\n')[0]}`);
  }
  const run = (text: string) => client.query({ text: text.replace(/;\s*$/, ''), rowMode: 'array', types: RAW });
  return {
    dialect: 'postgres',
    async query(sql) {
      const r = await run(sql);
      return r.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v))));
    },
    async columns(relation) {
      return (await run(`SELECT * FROM ${relation} LIMIT 0`)).fields.map((f) => f.name);
    },
    async close() {
      await client.end();
    },
  };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
