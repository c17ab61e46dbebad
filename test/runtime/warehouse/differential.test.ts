/**
 * Issue 13's differential tests: every example's statements (JSON, CSV, table, every period)
 * through DuckDB over the data folder (`--engine duckdb`), through DuckDB tables (`--source
 * duckdb:PATH`) and through Postgres (PGlite, `--source pglite:DIR`) are byte for byte those of
 * the streaming runtime. DuckDB and PGlite are optional dependencies that `npm ci` installs: these
 * tests run in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliAsync, exampleNames, root } from '../../helpers/cli.js';
import { csvFiles, duckdbFromFolder, pgliteFromFolder } from '../../helpers/warehouse.js';

const tmp = mkdtempSync(join(tmpdir(), 'incent-warehouse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FORMATS = ['json', 'csv', 'table'];

describe.each(exampleNames({ data: true }))('example %s', (name) => {
  const program = join(root, 'examples', name, 'program.incent');
  const data = join(root, 'examples', name, 'data');
  const streamed = Object.fromEntries(FORMATS.map((f) => [f, cli('run', program, '--data', data, '--all', '--format', f)]));

  it('streams with no error', () => {
    for (const f of FORMATS) expect(streamed[f]!.code, streamed[f]!.err).toBe(0);
  });

  it('through DuckDB over the folder (--engine duckdb): the same statements', async () => {
    for (const f of FORMATS) {
      const r = await cliAsync('run', program, '--data', data, '--engine', 'duckdb', '--all', '--format', f);
      expect(r.err).toBe(streamed[f]!.err);
      expect(r.code).toBe(0);
      expect(r.out).toBe(streamed[f]!.out);
    }
  });

  const tables = csvFiles(data) !== undefined;
  it.runIf(tables)('through DuckDB tables (--source duckdb:PATH): the same statements', async () => {
    const file = join(tmp, `${name}.duckdb`);
    await duckdbFromFolder(data, file);
    for (const f of FORMATS) {
      const r = await cliAsync('run', program, '--source', `duckdb:${file}`, '--all', '--format', f);
      expect(r.err).toBe('');
      expect(r.out).toBe(streamed[f]!.out);
    }
  });

  // Also where nothing is pushed down: the runtime then reads the whole tables from Postgres.
  it.runIf(tables)('through Postgres (PGlite, --source pglite:DIR): the same statements', async () => {
    const dir = join(tmp, `${name}.pglite`);
    await pgliteFromFolder(data, dir);
    const r = await cliAsync('run', program, '--source', `pglite:${dir}`, '--all', '--format', 'json');
    expect(r.err).toBe('');
    expect(r.out).toBe(streamed['json']!.out);
  }, 60_000);
});
