/**
 * The `incent` command line: check, fmt, test, run, explain. Every user error is a message and an
 * exit code, never a stack trace.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from '../compiler/compile.js';
import { diagnosticToJson, renderDiagnostics, SourceText, type Diagnostic } from '../core/diagnostics.js';
import { format } from '../language/format.js';
import type { Artifact } from '../runtime/artifact.js';
import { DataProblemsError, openDataFolder } from '../runtime/data/node-stream.js';
import { EvalError } from '../runtime/compile-ir.js';
import { Evaluator, type PeriodResult } from '../runtime/evaluate.js';
import { formatProblem, reasonText } from '../runtime/data/problems.js';
import { explainPartner, statementCsv, statementJson, statementTable } from '../runtime/statement.js';
import { runTests } from '../runtime/tests.js';
import { parsePeriod } from '../core/periods.js';
import { formatCsvRow } from '../runtime/data/csv.js';

const USAGE = `incent — incentive programs as code

usage:
  incent check [--format text|json] FILE…          diagnostics (exit 1 on errors)
  incent fmt [--check] FILE…                        canonical formatting (in place; --check: exit 1 if not formatted)
  incent test FILE…                                 run the test blocks
  incent run FILE --data DIR [--period P | --all] [--format table|json|csv] [--reject FILE]
  incent explain FILE --data DIR --period P --partner ID
`;

export class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  /** A terminal on stderr: long runs show their progress there (never on stdout). */
  tty?: boolean;
  progressDone?: () => void;
}

/** Progress on stderr for a run that takes more than a second, on a terminal only. */
function progressLine(io: Io): ((what: string) => void) | undefined {
  if (!io.tty) return undefined;
  const start = Date.now();
  let shown = false;
  io.progressDone = () => {
    if (shown) io.err('\r\x1b[K');
  };
  return (what) => {
    if (Date.now() - start < 1000) return;
    shown = true;
    io.err(`\r\x1b[K${what}…`);
  };
}

function readSource(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a folder, not a program file`);
  return readFileSync(path, 'utf8');
}

function printDiagnostics(io: Io, path: string, text: string, diags: Diagnostic[]): void {
  if (diags.length === 0) return;
  io.err(renderDiagnostics(new SourceText(path, text), diags, { color: io.color }) + '\n\n');
}

function summary(diags: Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  const w = diags.length - e;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

/** Compiles a program for run/explain/test, or prints its diagnostics and fails. */
function compileOrFail(io: Io, path: string): Artifact {
  const text = readSource(path);
  const r = compile(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.artifact) {
    printDiagnostics(io, path, text, errors);
    throw new ExitError(1, `${path}: ${summary(errors)}; nothing was run`);
  }
  return r.artifact;
}

export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function cmdCheck(io: Io, args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('incent check needs at least one FILE');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}"`);
  let failed = false;
  const json: unknown[] = [];
  for (const path of positionals) {
    const text = readSource(path);
    const r = compile(text);
    if (r.diagnostics.some((d) => d.severity === 'error')) failed = true;
    if (values.format === 'json') {
      const src = new SourceText(path, text);
      json.push(...r.diagnostics.map((d) => diagnosticToJson(src, d)));
    } else {
      printDiagnostics(io, path, text, r.diagnostics);
      io.err(`${path}: ${r.diagnostics.length ? summary(r.diagnostics) : 'ok'}\n`);
    }
  }
  if (values.format === 'json') io.out(JSON.stringify(json, null, 2) + '\n');
  return failed ? 1 : 0;
}

function cmdFmt(io: Io, args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { check: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('incent fmt needs at least one FILE');
  let status = 0;
  for (const path of positionals) {
    const text = readSource(path);
    const r = format(text);
    if (r.text === undefined) {
      printDiagnostics(io, path, text, r.diagnostics);
      io.err(`${path}: not formatted: it has syntax errors\n`);
      status = Math.max(status, 2);
      continue;
    }
    if (r.text === text) continue;
    if (values.check) {
      io.err(`${path}: not in canonical form (run incent fmt ${path})\n`);
      status = Math.max(status, 1);
    } else {
      writeFileSync(path, r.text);
      io.err(`${path}: formatted\n`);
    }
  }
  return status;
}

function cmdTest(io: Io, args: string[]): number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('incent test needs at least one FILE');
  let passed = 0;
  let failed = 0;
  for (const path of positionals) {
    const a = compileOrFail(io, path);
    for (const t of runTests(a)) {
      if (t.passed) {
        passed++;
        io.out(`ok    ${path}:${t.line}: ${t.name}\n`);
        continue;
      }
      failed++;
      io.out(`FAIL  ${path}:${t.line}: ${t.name}\n`);
      for (const f of t.failures) {
        io.out(`      ${path}:${f.line}: ${f.message}\n`);
        if (f.expected !== undefined) io.out(`        expected: ${f.expected}\n        actual:   ${f.actual}\n`);
        for (const line of f.trace ?? []) io.out(`        | ${line}\n`);
      }
    }
  }
  io.out(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/**
 * Runs a program over a data folder, streamed (`runtime/data/node-stream.ts`): the event files are read
 * again for each pass of the evaluator, so memory holds the partners, not the records. The data's
 * problems are all known after the evaluator's first pass; when they stop the run, it fails before
 * anything is printed, listing every problem.
 */
function evaluate(io: Io, file: string, dir: string, rejectFile: string | undefined, explain?: ReadonlySet<string>): { a: Artifact; ev: Evaluator; results: PeriodResult[] } {
  const a = compileOrFail(io, file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--data ${dir}: no such folder`);
  const data = openDataFolder(dir, a, { acceptRejects: rejectFile !== undefined });
  const ev = new Evaluator(a);
  let results: PeriodResult[];
  try {
    results = ev.runSource(data.partners, data, { ...(explain ? { explain } : {}), progress: progressLine(io) });
  } catch (e) {
    if (!(e instanceof DataProblemsError)) throw e;
    io.progressDone?.();
    const fatal = e.problems.filter((p) => p.severity === 'error' && (p.scope === 'file' || rejectFile === undefined));
    for (const p of e.problems.filter((q) => q.severity === 'warning')) io.err(`${formatProblem(p)}\n`);
    for (const p of fatal) io.err(`${formatProblem(p)}\n`);
    throw new ExitError(1, `${fatal.length} problem${fatal.length === 1 ? '' : 's'} in the data; nothing was run${rejectFile === undefined ? ' (with --reject FILE the invalid records are set aside and the rest is evaluated)' : ''}`);
  }
  io.progressDone?.();
  for (const p of data.problems().filter((q) => q.severity === 'warning')) io.err(`${formatProblem(p)}\n`);
  if (rejectFile !== undefined) {
    const rejected = data.rejectedRecords();
    const rows = [formatCsvRow(['file', 'line', 'reasons', 'record'])];
    for (const r of rejected) rows.push(formatCsvRow([r.file, String(r.line), r.reasons.map(reasonText).join('; '), JSON.stringify(r.raw)]));
    writeFileSync(rejectFile, rows.join('\n') + '\n');
    if (rejected.length) io.err(`${rejected.length} record${rejected.length === 1 ? '' : 's'} rejected: see ${rejectFile}\n`);
  }
  return { a, ev, results };
}

function pickPeriod(results: PeriodResult[], period: string | undefined): PeriodResult {
  if (period === undefined) return results[results.length - 1]!;
  if (!parsePeriod(period)) throw new UsageError(`--period ${period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  const r = results.find((x) => x.period === period);
  if (!r) throw new UsageError(`--period ${period}: this run covers ${results.map((x) => x.period).join(', ')}`);
  return r;
}

function cmdRun(io: Io, args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { data: { type: 'string' }, period: { type: 'string' }, all: { type: 'boolean', default: false }, format: { type: 'string', default: 'table' }, reject: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('incent run needs one FILE');
  if (!values.data) throw new UsageError('incent run needs --data DIR');
  if (values.all && values.period) throw new UsageError('give --period P or --all, not both');
  const fmt = values.format!;
  if (!['table', 'json', 'csv'].includes(fmt)) throw new UsageError(`--format must be table, json or csv, not "${fmt}"`);
  const { a, results } = evaluate(io, positionals[0]!, values.data, values.reject);
  const chosen = values.all ? results : [pickPeriod(results, values.period)];
  if (fmt === 'json') {
    const docs = chosen.map((r) => statementJson(a, r));
    io.out(JSON.stringify(values.all ? docs : docs[0], null, 2) + '\n');
  } else if (fmt === 'csv') io.out(statementCsv(a, chosen));
  else io.out(chosen.map((r) => statementTable(a, r)).join('\n'));
  return 0;
}

function cmdExplain(io: Io, args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { data: { type: 'string' }, period: { type: 'string' }, partner: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('incent explain needs one FILE');
  if (!values.data || !values.period || !values.partner) throw new UsageError('incent explain needs --data DIR --period P --partner ID');
  const { ev, results } = evaluate(io, positionals[0]!, values.data, undefined, new Set([values.partner]));
  const r = pickPeriod(results, values.period);
  const text = explainPartner(ev.artifact, r, values.partner);
  if (text === undefined) throw new UsageError(`--partner ${values.partner}: no such partner in ${r.period}`);
  io.out(text);
  return 0;
}

export function main(argv: string[], io: Io): number {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'check':
        return cmdCheck(io, rest);
      case 'fmt':
        return cmdFmt(io, rest);
      case 'test':
        return cmdTest(io, rest);
      case 'run':
        return cmdRun(io, rest);
      case 'explain':
        return cmdExplain(io, rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`incent: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ExitError) {
      io.err(`incent: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof EvalError) {
      io.err(`incent: evaluation error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError && /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(String((e as NodeJS.ErrnoException).code ?? e.message))) {
      io.err(`incent: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const err = e as Error;
    io.err(`incent: internal error: ${err.message}\nThis is a bug in Incent; please report it with the program and data that caused it.\n`);
    if (process.env['INCENT_DEBUG']) io.err(`${err.stack}\n`);
    return 70;
  }
}

export function runCli(): void {
  const code = main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stderr.isTTY) && !process.env['NO_COLOR'],
    tty: Boolean(process.stderr.isTTY),
  });
  process.exitCode = code;
}

