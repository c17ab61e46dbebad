/** `incent sql` and `incent run --engine/--source`: usage, data problems (the same as the streaming run's), and the built command. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliAsync, root } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'incent-warehouse-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const example = (name: string) => ({ program: join(root, 'examples', name, 'program.incent'), data: join(root, 'examples', name, 'data') });

describe('incent sql', () => {
  it('prints what is pushed down, what is streamed and why, and the queries', () => {
    const { program } = example('sweepstakes');
    const r = cli('sql', program, '--dialect', 'postgres');
    expect(r.code).toBe(0);
    expect(r.out).toContain('-- sale: pushed down (measure revenue)');
    expect(r.out).toContain('CAST(SUM(CAST("amount" AS NUMERIC(18, 6))) AS TEXT) AS "v1"');
    expect(r.out).not.toMatch(/DOUBLE|FLOAT|REAL|round/i);
  });

  it('says which rule keeps a kind in the runtime, and why', () => {
    const r = cli('sql', example('northwind-distributor').program);
    expect(r.out).toContain('-- sale: streamed by the runtime: rule "Hardware points": it awards for each sale event and reads partner-level values, known only after pass 1');
  });

  it('usage errors', () => {
    expect(cli('sql').code).toBe(2);
    const r = cli('sql', example('sweepstakes').program, '--dialect', 'oracle');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--dialect must be duckdb, postgres, spark or bigquery, not "oracle"');
  });
});

describe('incent run in a database', () => {
  it('usage errors say what is wrong', async () => {
    const { program, data } = example('sweepstakes');
    expect((await cliAsync('run', program, '--engine', 'duckdb')).err).toContain('needs --source duckdb:PATH|pglite:DIR|postgres://…, or --data DIR with --engine duckdb');
    expect((await cliAsync('run', program, '--data', data, '--engine', 'spark')).err).toContain('--engine must be duckdb, not "spark"');
    expect((await cliAsync('run', program, '--source', 'postgres:localhost')).err).toContain("give the server's URL, `postgres://USER:PASSWORD@HOST:PORT/DATABASE`");
    const refused = await cliAsync('run', program, '--source', 'postgres://who:secret@127.0.0.1:1/x');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('cannot connect to the Postgres server postgres://who:***@127.0.0.1:1/x');
    expect(refused.err).not.toContain('secret');
    expect((await cliAsync('run', program, '--source', 'postgres:postgresql://who:secret@127.0.0.1:1/x')).err).toContain('cannot connect to the Postgres server postgresql://who:***@127.0.0.1:1/x');
    expect((await cliAsync('run', program, '--source', 'duckdb:/no/such.duckdb')).err).toContain('no such file /no/such.duckdb');
    expect((await cliAsync('run', program, '--source', 'mysql:x')).code).toBe(2);
    expect((await cliAsync('run', program, '--data', data, '--engine', 'duckdb', '--threads', '0')).err).toContain('--threads must be a whole number');
  });

  it('data problems of a pushed kind are the streaming run\'s, word for word (the kind is read by the streaming reader)', async () => {
    const { program, data } = example('sweepstakes');
    const dir = join(tmp, 'bad');
    cpSync(data, dir, { recursive: true });
    // An unknown partner, a duplicate id, a bad amount, and an amount in a form only the runtime reads.
    writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,amount\nS1,P9,2026-01-05,10.00\nS2,H001,2026-01-05,12\nS2,H001,2026-01-06,13\nS3,H002,2026-02-01,abc\nS4,H002,2026-02-02,15.00 EUR\n');
    const streamed = cli('run', program, '--data', dir);
    expect(streamed.code).toBe(1);
    const r = await cliAsync('run', program, '--data', dir, '--engine', 'duckdb', '--show-pushdown');
    expect(r.code).toBe(1);
    expect(r.err).toContain('-- sale: streamed by the runtime: sale data: the validation query names');
    expect(r.err.replace(/^-- .*\n/gm, '')).toBe(streamed.err);
  });

  it('a value only the runtime reads exactly (more decimals than the database is given) is read by the runtime: the same statements', async () => {
    const { program, data } = example('sweepstakes');
    const dir = join(tmp, 'odd');
    cpSync(data, dir, { recursive: true });
    writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,amount\nS1,H001,2026-01-05,6000.1234567\nS2,H001,2026-01-05,12.50 EUR\n');
    const streamed = cli('run', program, '--data', dir, '--all', '--format', 'json');
    const r = await cliAsync('run', program, '--data', dir, '--engine', 'duckdb', '--all', '--format', 'json');
    expect(streamed.code).toBe(0);
    expect(r.out).toBe(streamed.out);
  });

  it('a missing column is the streaming run\'s problem', async () => {
    const { program, data } = example('marginal-rebate');
    const dir = join(tmp, 'column');
    cpSync(data, dir, { recursive: true });
    writeFileSync(join(dir, 'purchase.csv'), 'id,partner,date\nX1,P1,2026-01-05\n');
    const streamed = cli('run', program, '--data', dir);
    const r = await cliAsync('run', program, '--data', dir, '--engine', 'duckdb');
    expect(r.code).toBe(streamed.code);
    expect(r.err).toBe(streamed.err);
  });

  it('the built command runs it (bin/incent.js, DuckDB loaded from the optional dependency)', () => {
    const { program, data } = example('marginal-rebate');
    const bin = join(root, 'bin', 'incent.js');
    const a = spawnSync('node', [bin, 'run', program, '--data', data, '--all', '--format', 'csv'], { encoding: 'utf8' });
    const b = spawnSync('node', [bin, 'run', program, '--data', data, '--engine', 'duckdb', '--all', '--format', 'csv'], { encoding: 'utf8' });
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('Postgres (PGlite) reads dates as text', () => {
  it('an impossible date (2026-02-30) is found by its checks without failing the query: the kind is read by the record reader, which reports it', async () => {
    const { program, data } = example('marginal-rebate');
    const dir = join(tmp, 'pg-date');
    cpSync(data, dir, { recursive: true });
    writeFileSync(join(dir, 'purchase.csv'), 'id,partner,date,amount\nX1,D001,2026-02-30,10.00\n');
    const { pgliteFromFolder } = await import('../helpers/warehouse.js');
    await pgliteFromFolder(dir, join(tmp, 'pg-date.pglite'));
    const r = await cliAsync('run', program, '--source', `pglite:${join(tmp, 'pg-date.pglite')}`, '--show-pushdown');
    expect(r.err).toContain('-- purchase: streamed by the runtime: purchase data: the validation query names 1 record (first: id "X1" of partner "D001": date: expected a date YYYY-MM-DD)');
    expect(r.err).toContain('error[D0213]: table purchase:1');
    expect(r.code).toBe(1);
  }, 60_000);
});
