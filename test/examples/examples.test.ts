/**
 * The acceptance suite: every folder of examples/ with a program.incent. For each, the program
 * checks without errors, is formatted canonically, its test blocks pass, and a run over its data/
 * gives, period by period, the statements in expected/ (compared through the library, projected to
 * the stable contract by ./project.ts). Regenerate expected/ with `npx tsx examples/update-expected.mjs`.
 * Its plain-JS recomputation (check-by-hand.mjs, no Incent imports) agrees with expected/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { format } from '../../language/format.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { formatProblem } from '../../runtime/data/problems.js';
import { statementJson } from '../../runtime/statement.js';
import { runTests } from '../../runtime/tests.js';
import { project, type ProjectedStatement } from './project.js';

const root = join(import.meta.dirname, '..', '..', 'examples');
const names = readdirSync(root)
  .filter((n) => existsSync(join(root, n, 'program.incent')))
  .sort();

it('has at least seven examples', () => {
  expect(names.length).toBeGreaterThanOrEqual(7);
});

describe.each(names)('examples/%s', (name) => {
  const dir = join(root, name);
  const source = readFileSync(join(dir, 'program.incent'), 'utf8');
  const compiled = compile(source);

  it('checks without errors or warnings', () => {
    const shown = compiled.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
    expect(shown).toEqual([]);
    expect(compiled.artifact).toBeDefined();
  });

  it('is formatted canonically', () => {
    expect(format(source).text).toBe(source);
  });

  it('passes its test blocks', () => {
    const outcomes = runTests(compiled.artifact!);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.passed).map((o) => ({ name: o.name, failures: o.failures }))).toEqual([]);
  });

  it('gives the expected statements for every period', () => {
    const a = compiled.artifact!;
    const texts: Record<string, string> = {};
    for (const f of readdirSync(join(dir, 'data'))) texts[f] = readFileSync(join(dir, 'data', f), 'utf8');
    const { input, data } = loadData(a, texts);
    expect(input.problems.map(formatProblem)).toEqual([]);
    const actual = new Evaluator(a).run(data).map((r) => project(statementJson(a, r)));
    const files = readdirSync(join(dir, 'expected')).filter((f) => f.endsWith('.json')).sort();
    const expected: ProjectedStatement[] = files.map((f) => JSON.parse(readFileSync(join(dir, 'expected', f), 'utf8')));
    expect(actual.map((s) => s.period)).toEqual(expected.map((s) => s.period));
    for (let i = 0; i < actual.length; i++) expect(actual[i], `period ${expected[i]!.period}`).toEqual(expected[i]);
  });

  it('has a plain-JS recomputation that agrees with expected/', () => {
    expect(existsSync(join(dir, 'check-by-hand.mjs'))).toBe(true);
    const r = spawnSync(process.execPath, ['check-by-hand.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/(\d+) of \1 .*match/);
  });
});
