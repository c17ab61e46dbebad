/**
 * The records a run reads one by one from database tables (`--source`): the partners, and the
 * event kinds not pushed down. Each table is read as text and given to Incent's own reader as
 * NDJSON records, so that every value is checked and converted exactly as from a file, and every
 * problem is reported with its code (its place: `table sale`, record N in order of id).
 */
import type { Artifact } from '../artifact.js';
import { byPlace, DatasetBuilder, readRatesText, type InputDataset } from '../data/builder.js';
import { recordSchemas } from '../data/load.js';
import { compileSchema, type RecordSchema } from '../data/schema.js';
import { dialect } from './dialects.js';
import { WarehouseUnavailable, type SqlConnection } from './engine.js';

/** The place a table's records are reported at. */
export function tablePlace(file: string): string {
  return `table ${file}`;
}

/** Reads the tables of `files` (`partners`, `rates`, event kinds) whole, through the record reader; the rates first (§13.4: amounts are converted as they are read). */
export async function readTables(a: Artifact, conn: SqlConnection, files: ReadonlySet<string>): Promise<InputDataset> {
  const all = recordSchemas(a).filter((s) => files.has(s.file));
  const texts = new Map<RecordSchema, string>();
  for (const s of all) texts.set(s, await tableText(conn, s));
  const ratesSchema = all.find((s) => s.kind === 'rates');
  const rates = ratesSchema ? readRatesText(ratesSchema, tablePlace(ratesSchema.file), 'ndjson', texts.get(ratesSchema)!) : undefined;
  const schemas = all.filter((s) => s !== ratesSchema).sort((x, y) => (x.kind === 'partner' ? 0 : 1) - (y.kind === 'partner' ? 0 : 1));
  const b = new DatasetBuilder(schemas, undefined, rates?.table);
  for (const s of schemas) b.addNdjsonText(s.file, tablePlace(s.file), texts.get(s)!);
  const d = b.finish();
  if (rates) {
    d.problems = [...d.problems, ...rates.problems].sort(byPlace);
    d.rejected = [...d.rejected, ...rates.rejected].sort(byPlace);
    d.files = [...d.files, ...rates.files];
  }
  return d;
}

/** A table's records as NDJSON, every value as text (null when absent), in order of its first column (the id). */
async function tableText(conn: SqlConnection, s: RecordSchema): Promise<string> {
  const d = dialect[conn.dialect];
  const c = compileSchema(s);
  let have: Set<string>;
  try {
    have = new Set(await conn.columns(d.id(s.file)));
  } catch (e) {
    throw new WarehouseUnavailable(`the ${s.kind === 'event' ? `${s.file} events` : s.file} cannot be read: no table ${s.file}? (${(e as Error).message.split('\n')[0]})`);
  }
  const cols = c.columns.filter((col) => have.has(col));
  const select = cols.length ? cols.map((col) => `CAST(${d.id(col)} AS ${d.text}) AS ${d.id(col)}`).join(', ') : `CAST(NULL AS ${d.text}) AS ${d.id('_')}`;
  const order = have.has(c.columns[0]!) ? ` ORDER BY ${d.id(c.columns[0]!)}` : '';
  const rows = await conn.query(`SELECT ${select} FROM ${d.id(s.file)}${order}`);
  const lines: string[] = [];
  for (const row of rows) {
    const rec: Record<string, string | null> = {};
    cols.forEach((col, i) => (rec[col] = row[i] ?? null));
    lines.push(JSON.stringify(rec));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
