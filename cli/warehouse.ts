/**
 * Pass 1 in a database (issue 13): `incent sql` prints the queries, `incent run --engine duckdb
 * --data DIR` and `incent run --source duckdb:PATH|pglite:DIR|postgres://…` run them and finish in the runtime,
 * with the same statements as `incent run --data DIR`, byte for byte.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parsePeriod } from '../core/periods.js';
import type { Artifact } from '../runtime/artifact.js';
import { hasBlockingProblems } from '../runtime/data/builder.js';
import { evaluationData, recordSchemas } from '../runtime/data/load.js';
import { Evaluator, type PeriodStream } from '../runtime/evaluate.js';
import { DIALECTS, type DialectName, dialect } from '../runtime/warehouse/dialects.js';
import { pass1InDatabase, WarehouseUnavailable, type SqlConnection, type WarehousePass1 } from '../runtime/warehouse/engine.js';
import { describePushdown, pushdown } from '../runtime/warehouse/pushdown.js';
import { queriesOf, tables } from '../runtime/warehouse/sql.js';
import { readTables } from '../runtime/warehouse/tables.js';
import type { StreamedKind } from '../runtime/warehouse/pushdown.js';
import { dataFolder, evaluate, evaluateStreamed } from './data.js';
import { ExitError, plural, printProblems, UsageError, type Io } from './io.js';
import { options, threadCount } from './options.js';
import { compileOrFail } from './program.js';
import { printRun } from './run.js';

/** `incent sql FILE [--dialect D]`: what is pushed down and why not the rest, then each pushed kind's validation and aggregation queries. */
export function cmdSql(io: Io, args: string[]): number {
  const { values, positionals } = options(args, { dialect: { type: 'string', default: 'duckdb' } });
  if (positionals.length !== 1) throw new UsageError('incent sql needs one FILE');
  const name = values.dialect as DialectName;
  if (!DIALECTS.includes(name)) throw new UsageError(`--dialect must be duckdb, postgres, spark or bigquery, not "${values.dialect}"`);
  const { artifact: a } = compileOrFail(io, positionals[0]!);
  io.out(sqlText(a, name));
  return 0;
}

/** The text `incent sql` prints. */
export function sqlText(a: Artifact, name: DialectName): string {
  const p = pushdown(a, name);
  const parts = [`-- Pass 1 of ${JSON.stringify(a.program.name)} in ${name}: tables named after the event kinds${a.partner.declared ? ', and partners' : ''}.`, describePushdown(p)];
  for (const q of queriesOf(a, p, tables(dialect[name]))) {
    parts.push(`-- ${q.kind}: validation (the keys of records the runtime must read itself; none, or the kind is streamed)\n${q.validation}`);
    parts.push(`-- ${q.kind}: aggregation per partner and month\n${q.aggregate}`);
    for (const t of q.traces) parts.push(`-- ${q.kind}: ${t.replace(/^-- /, '')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** `incent run FILE --engine duckdb --data DIR` or `incent run FILE --source duckdb:PATH|pglite:DIR|postgres://…`. */
export async function cmdRunWarehouse(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = options(args, {
    data: { type: 'string' },
    source: { type: 'string' },
    engine: { type: 'string' },
    threads: { type: 'string' },
    'memory-limit': { type: 'string' },
    period: { type: 'string' },
    all: { type: 'boolean', default: false },
    format: { type: 'string', default: 'table' },
    'show-pushdown': { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('incent run needs one FILE');
  if ((values.source === undefined) === (values.data === undefined)) throw new UsageError('incent run in a database needs --source duckdb:PATH|pglite:DIR|postgres://…, or --data DIR with --engine duckdb (not both)');
  if (values.data !== undefined && values.engine !== 'duckdb') throw new UsageError(`--engine must be duckdb${values.engine === undefined ? '' : `, not "${values.engine}"`}`);
  if (values.source !== undefined && values.engine !== undefined) throw new UsageError('--engine goes with --data DIR; --source names its engine (duckdb:PATH, pglite:DIR, postgres://…)');
  if (values.all && values.period !== undefined) throw new UsageError('give --period P or --all, not both');
  const fmt = values.format!;
  if (!['table', 'json', 'csv'].includes(fmt)) throw new UsageError(`--format must be table, json or csv, not "${fmt}"`);
  if (values.period !== undefined && !parsePeriod(values.period)) throw new UsageError(`--period ${values.period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  const threads = threadCount(values.threads);
  const memory = values['memory-limit'];
  if (memory !== undefined && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory)) throw new UsageError(`--memory-limit must be a size like 512MB or 4GB, not "${memory}"`);
  const duck = { ...(threads === undefined ? {} : { threads }), ...(memory === undefined ? {} : { memoryLimit: memory }) };
  const { artifact: a } = compileOrFail(io, positionals[0]!);
  const shown = { period: values.period, all: values.all!, format: fmt };
  const show = (w: WarehousePass1) => {
    if (!values['show-pushdown']) return;
    io.err(`${describePushdown({ ...w.pushdown, pushed: w.pushdown.pushed.filter((k) => w.pushed?.kinds.has(k.kind)), streamed: w.streamed })}\n`);
  };
  try {
    if (values.data !== undefined) {
      const folder = dataFolder(values.data);
      const { openDuckDB, readCsv } = await import('../runtime/warehouse/duckdb.js');
      const conn = await openDuckDB(undefined, duck);
      const w = await withConnection(conn, (c) => pass1InDatabase(a, c, (file) => readCsv(join(folder, `${file}.csv`)), csvOnly(a, folder)));
      show(w);
      printRun(io, a, shown, {
        whole: () => evaluate(io, a, folder, undefined, undefined, w.pushed ? { pushed: w.pushed } : {}).results,
        streamed: (onPeriod) => evaluateStreamed(io, a, folder, undefined, onPeriod, w.pushed ? { pushed: w.pushed } : {}),
      });
      return 0;
    }
    const conn = await openSource(values.source!, duck);
    const { w, input } = await withConnection(conn, async (c) => {
      const w = await pass1InDatabase(a, c, tables(dialect[c.dialect]));
      // The partners, the exchange rates (§13.4) and the kinds not pushed down: read whole, through the record reader.
      const read = new Set(recordSchemas(a).flatMap((s) => (s.kind !== 'event' || !w.pushed?.kinds.has(s.file) ? [s.file] : [])));
      return { w, input: await readTables(a, c, read) };
    });
    show(w);
    if (hasBlockingProblems(input, false)) {
      printProblems(io, input.problems);
      throw new ExitError(1, `${plural(input.problems.filter((p) => p.severity === 'error').length, 'problem')} in the data; nothing was run`);
    }
    printProblems(
      io,
      input.problems.filter((p) => p.severity === 'warning'),
    );
    const data = evaluationData(a, input);
    const ev = new Evaluator(a);
    const src = { scan: (kind: string, each: (r: (typeof data.events)[string][number]) => void) => (data.events[kind] ?? []).forEach(each) };
    const opts = { rejected: 0, ...(w.pushed ? { pushed: w.pushed } : {}) };
    printRun(io, a, shown, {
      whole: () => ev.runSource(data.partners, src, opts),
      streamed: (onPeriod: (p: PeriodStream) => void) => ev.stream(data.partners, src, opts, onPeriod),
    });
    return 0;
  } catch (e) {
    if (e instanceof WarehouseUnavailable) throw new ExitError(1, e.message);
    throw e;
  }
}

async function withConnection<T>(conn: SqlConnection, f: (c: SqlConnection) => Promise<T>): Promise<T> {
  try {
    return await f(conn);
  } finally {
    await conn.close();
  }
}

/** `--source ENGINE:WHERE`. */
async function openSource(source: string, duck: { threads?: number; memoryLimit?: string }): Promise<SqlConnection> {
  const colon = source.indexOf(':');
  const engine = colon < 0 ? source : source.slice(0, colon);
  const where = colon < 0 ? '' : source.slice(colon + 1);
  if (engine === 'duckdb') {
    if (where === '' || !existsSync(where)) throw new UsageError(`--source duckdb:PATH: ${where === '' ? 'give the database file' : `no such file ${where}`}`);
    const { openDuckDB } = await import('../runtime/warehouse/duckdb.js');
    return openDuckDB(where, duck);
  }
  if (engine === 'pglite') {
    if (where === '' || !existsSync(where)) throw new UsageError(`--source pglite:DIR: ${where === '' ? 'give the PGlite data folder' : `no such folder ${where}`}`);
    const { newPGlite, pgliteConnection } = await import('../runtime/warehouse/pglite.js');
    return pgliteConnection(await newPGlite(where));
  }
  if (engine === 'postgres' || engine === 'postgresql') {
    // `postgres://…` (the URL itself) or `postgres:URL` (`postgres:postgresql://…`).
    const url = /^\/\//.test(where) ? `postgres:${where}` : /^postgres(ql)?:\/\//.test(where) ? where : undefined;
    if (!url) throw new UsageError('--source postgres:URL: give the server\'s URL, `postgres://USER:PASSWORD@HOST:PORT/DATABASE`');
    const { openPostgres } = await import('../runtime/warehouse/postgres.js');
    return openPostgres(url);
  }
  throw new UsageError(`--source must be duckdb:PATH, pglite:DIR or postgres://…, not "${source}"`);
}

/** `--data DIR --engine duckdb`: a kind is read by DuckDB only from a CSV file (and its partners, when checked, too). */
function csvOnly(a: Artifact, folder: string): (kind: string) => StreamedKind | undefined {
  const only = (file: string) => existsSync(join(folder, `${file}.csv`)) && !existsSync(join(folder, `${file}.json`)) && !existsSync(join(folder, `${file}.ndjson`));
  return (kind) => {
    if (!only(kind)) return { kind, what: `${kind} data`, why: `DuckDB reads ${kind}.csv, and the folder has ${kind}.json or ${kind}.ndjson or no ${kind}.csv` };
    if (a.partner.declared && !only('partners')) return { kind, what: 'partners data', why: 'the partners are checked in DuckDB from partners.csv, which the folder does not have alone' };
    return undefined;
  };
}
