/**
 * The records a run reads one by one from database tables (`--source`): the partners, and the
 * event kinds not pushed down. Each table is read as text and given to Incent's own reader as
 * NDJSON records, so that every value is checked and converted exactly as from a file, and every
 * problem is reported with its code (its place: `table sale`, record N in order of id).
 */
import type { Artifact } from '../artifact.js';
import { DatasetBuilder, type InputDataset } from '../data/builder.js';
import { recordSchemas } from '../data/load.js';
import { compileSchema } from '../data/schema.js';
import { dialect } from './dialects.js';
import { WarehouseUnavailable, type SqlConnection } from './engine.js';

/** The place a table's records are reported at. */
export function tablePlace(file: string): string {
  return `table ${file}`;
}

/** Reads the tables of `files` (`partners`, event kinds) whole, through the record reader. */
export async function readTables(a: Artifact, conn: SqlConnection, files: ReadonlySet<string>): Promise<InputDataset> {
  const d = dialect[conn.dialect];
  const schemas = recordSchemas(a).filter((s) => files.has(s.file));
  const b = new DatasetBuilder(schemas);
  for (const s of schemas) {
    const c = compileSchema(s);
    let have: Set<string>;
    try {
      have = new Set(await conn.columns(d.id(s.file)));
    } catch (e) {
      throw new WarehouseUnavailable(`the ${s.kind === 'partner' ? 'partners' : `${s.file} events`} cannot be read: no table ${s.file}? (${(e as Error).message.split('\n')[0]})`);
    }
    const cols = c.columns.filter((col) => have.has(col));
    const select = cols.length ? cols.map((col) => `CAST(${d.id(col)} AS ${d.text}) AS ${d.id(col)}`).join(', ') : `CAST(NULL AS ${d.text}) AS ${d.id('_')}`;
    const order = have.has(c.columns[0]!) ? ` ORDER BY ${d.id(c.columns[0]!)}` : '';
    const rows = await conn.query(`SELECT ${select} FROM ${d.id(s.file)}${order}`);
    const f = b.ndjsonFile(s.file, tablePlace(s.file));
    let chunk = '';
    for (const row of rows) {
      const rec: Record<string, string | null> = {};
      cols.forEach((col, i) => (rec[col] = row[i] ?? null));
      chunk += `${JSON.stringify(rec)}\n`;
      if (chunk.length > 1 << 20) {
        f.push(chunk);
        chunk = '';
      }
    }
    if (chunk) f.push(chunk);
    f.end();
  }
  return b.finish();
}
