/**
 * `--coverage` of `incent run` and `incent test` on the command line: where the report goes (one
 * document on standard output, or a file beside the usual output), its formats, and the usage
 * mistakes. What the report says is tested in test/review/coverage.test.ts and the golden
 * transcript test/golden/coverage/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchemas } from '../../review/schema.js';
import { cli } from '../helpers/cli.js';

const { CoverageReportSchema } = reportSchemas();

const golden = join(import.meta.dirname, '..', 'golden', 'coverage');
const program = join(golden, 'program.incent');
const data = join(golden, 'data');

const tmp = () => mkdtempSync(join(tmpdir(), 'incent-coverage-cli-'));

describe('incent run --coverage', () => {
  it('prints the report instead of the statements; JSON validates against its schema', () => {
    const r = cli('run', program, '--data', data, '--coverage-format', 'json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const report = CoverageReportSchema.parse(JSON.parse(r.out));
    expect(report).toMatchObject({ format: 1, mode: 'run', data, periods: ['2026-Q1', '2026-Q2'], partners: 3, summary: { items: 17, reached: 12 } });
  });

  it('--coverage-output FILE: the statements as usual, the report in FILE (any format)', () => {
    const dir = tmp();
    const file = join(dir, 'lcov.info');
    const r = cli('run', program, '--data', data, '--all', '--format', 'json', '--coverage-format', 'lcov', '--coverage-output', file);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as unknown[]).length).toBe(2);
    expect(r.err).toBe(`coverage: 12 of 17 items reached; written to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toMatch(/^TN:incent\nSF:.*program\.incent\n[^]*end_of_record\n$/);
  });

  it('usage mistakes exit 2', () => {
    expect(cli('run', program, '--data', data, '--coverage', '--format', 'json')).toMatchObject({ code: 2, err: expect.stringContaining('--coverage prints the coverage report instead of the statements: give --coverage-output FILE to have both') });
    expect(cli('run', program, '--data', data, '--coverage', '--all')).toMatchObject({ code: 2 });
    expect(cli('run', program, '--data', data, '--coverage-format', 'html')).toMatchObject({ code: 2, err: expect.stringContaining('--coverage-format must be text, json or lcov, not "html"') });
    expect(cli('run', program, '--data', data, '--coverage-output', '')).toMatchObject({ code: 2, err: expect.stringContaining('--coverage-output needs a file') });
    expect(cli('run', program, '--data', data, '--coverage-output', join(tmp(), 'no', 'such', 'dir', 'x'))).toMatchObject({ code: 2, err: expect.stringContaining('cannot be written (ENOENT)') });
  });

  it('a program with errors is not run: its diagnostics, exit 1', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.incent');
    writeFileSync(bad, readFileSync(program, 'utf8').replace('award 1 to points', 'award 1 to pionts'));
    const r = cli('run', bad, '--data', data, '--coverage');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('there is no payout `pionts`');
  });
});

describe('incent test --coverage', () => {
  it('text: the report after the tests', () => {
    const r = cli('test', program, '--coverage');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok {4}.*\n.*\n2 passed, 0 failed\n\nCoverage of .*program\.incent by its 2 tests\n/);
  });

  it('JSON or LCOV on standard output: the tests go to standard error', () => {
    const r = cli('test', program, '--coverage-format', 'lcov');
    expect(r.out.startsWith('TN:incent\n')).toBe(true);
    expect(r.err).toContain('2 passed, 0 failed');
  });

  it('--format json: the report is in the JSON, as `coverage`', () => {
    const r = cli('test', program, '--format', 'json', '--coverage-format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { passed: number; coverage: unknown };
    expect(doc.passed).toBe(2);
    expect(CoverageReportSchema.parse(doc.coverage)).toMatchObject({ mode: 'tests', tests: [{ passed: true }, { passed: true }] });
    expect(cli('test', program, '--format', 'json', '--coverage')).toMatchObject({ code: 2, err: expect.stringContaining('with --format json, the coverage report goes in the JSON') });
  });

  it('a failing test still exits 1, with its coverage', () => {
    const dir = tmp();
    const file = join(dir, 'p.incent');
    writeFileSync(file, readFileSync(program, 'utf8').replace('expect "P1" cash = 30 EUR', 'expect "P1" cash = 31 EUR'));
    const r = cli('test', file, '--coverage');
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 passed, 1 failed');
    expect(r.out).toContain('Coverage of');
  });

  it('covers one program FILE', () => {
    expect(cli('test', program, program, '--coverage')).toMatchObject({ code: 2, err: expect.stringContaining('incent test --coverage covers one program FILE') });
  });
});
