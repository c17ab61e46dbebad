/** Test helpers for the evaluator: compile a program and run it over inline CSV data, failing loudly. */
import { compile } from '../../compiler/compile.js';
import type { Artifact } from '../../runtime/artifact.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PartnerResult, type PeriodResult, type PotResult } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import type { Num } from '../../runtime/num.js';
import { formatProblem } from '../../runtime/data/problems.js';

/** Compiles `source`; throws with every error diagnostic when it does not compile. */
export function compileOrThrow(source: string): Artifact {
  const r = compile(source);
  const errors = r.diagnostics.filter((d) => (d as { severity?: string }).severity !== 'warning');
  if (!r.artifact || errors.length) throw new Error(`program does not compile:\n${r.diagnostics.map((d) => JSON.stringify(d)).join('\n')}`);
  return r.artifact;
}

/** Strips the indentation of inline CSV so tests can indent it. */
function dedent(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join('\n') + '\n';
}

export interface Run {
  artifact: Artifact;
  evaluator: Evaluator;
  results: PeriodResult[];
}

/** Compiles, loads and evaluates; any diagnostic error or data problem (even a warning) fails the test. */
export function runFull(source: string, files: Record<string, string>): Run {
  const artifact = compileOrThrow(source);
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) texts[k] = dedent(v);
  const { input, data } = loadData(artifact, texts);
  if (input.problems.length) throw new Error(`data problems:\n${input.problems.map(formatProblem).join('\n')}`);
  const evaluator = new Evaluator(artifact);
  return { artifact, evaluator, results: evaluator.run(data, { explain: true }) };
}

export function runProgram(source: string, files: Record<string, string>): PeriodResult[] {
  return runFull(source, files).results;
}

/** The result of one period (`2026-Q1`); throws if the run has no such period. */
export function period(results: PeriodResult[], p: string): PeriodResult {
  const r = results.find((x) => x.period === p);
  if (!r) throw new Error(`no period ${p}; the run has ${results.map((x) => x.period).join(', ')}`);
  return r;
}

export function partner(r: PeriodResult, id: string): PartnerResult {
  const p = r.partners.find((x) => x.id === id);
  if (!p) throw new Error(`no partner ${id} in ${r.period}`);
  return p;
}

export function pot(results: PeriodResult[], p: string, id: string, name: string): PotResult {
  const x = partner(period(results, p), id).pots[name];
  if (!x) throw new Error(`no pot ${name}`);
  return x;
}

/** Plain text of a number, for comparisons: `1250.5`, `0`. */
export function t(v: Num | undefined): string {
  return v === undefined ? 'undefined' : N.toText(v);
}

/** What a pot paid a partner in a period, as plain text. */
export function paid(results: PeriodResult[], p: string, id: string, name: string): string {
  return t(pot(results, p, id, name).paid);
}

/** Sum of a partner's awards in a pot from one rule (rule totals after rounding), as plain text. */
export function award(results: PeriodResult[], p: string, id: string, rule: string, potName?: string): string {
  const aws = partner(period(results, p), id).awards.filter((a) => a.rule === rule && (potName === undefined || a.pot === potName));
  return aws.length ? t(aws.reduce((s, a) => N.add(s, a.amount), N.ZERO as Num)) : 'none';
}

/** A measure's (or let's) value as plain text. */
export function value(results: PeriodResult[], p: string, id: string, name: string): string {
  const v = partner(period(results, p), id).values[name];
  if (!v) throw new Error(`no value ${name}`);
  return typeof v.value === 'object' ? N.toText(v.value) : String(v.value);
}

export function tier(results: PeriodResult[], p: string, id: string, name: string): string {
  return partner(period(results, p), id).tiers[name] ?? 'none';
}

export function why(results: PeriodResult[], p: string, id: string, rule: string): string {
  const u = partner(period(results, p), id).unfired.find((x) => x.rule === rule);
  return u ? u.why : 'fired';
}

/** A program header: quarterly EUR program from 2026-01-01 through 2026-12-31 unless overridden. */
export function header(opts: { period?: string; start?: string; end?: string | null; rounding?: string; currency?: string } = {}): string {
  return `program "T" {
  currency ${opts.currency ?? 'EUR'}
  period ${opts.period ?? 'quarter'}
  start ${opts.start ?? '2026-01-01'}
${opts.end === null ? '' : `  end ${opts.end ?? '2026-12-31'}\n`}${opts.rounding ? `  rounding ${opts.rounding}\n` : ''}}
`;
}
