/**
 * `incent diff OLD NEW`: what changed in meaning between two versions of a program (files or git
 * revisions, `main:rules/program.incent`), and with `--data DIR` what it does to payouts — both
 * versions over one read of the data. `incent diff --git` is git's external diff driver (seven
 * arguments: path old-file old-hex old-mode new-file new-hex new-mode).
 */
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../compiler/compile.js';
import { printable } from '../core/diagnostics.js';
import { MAX_PROGRAM_BYTES } from '../core/limits.js';
import { parsePeriod } from '../core/periods.js';
import type { Artifact } from '../runtime/artifact.js';
import { recordSchemas } from '../runtime/data/load.js';
import { DataProblemsError, openDataFolder, type DataStream } from '../runtime/data/node-stream.js';
import { Evaluator, type PeriodResult } from '../runtime/evaluate.js';
import { headSpec, GitError, showRevision } from '../review/git.js';
import { impact, periodsOf } from '../review/impact.js';
import { compareSources } from '../review/meaning.js';
import { renderMarkdown, renderText, type DiffReport } from '../review/render.js';
import { dataFolder } from './data.js';
import { ExitError, plural, printDiagnostics, printProblems, progressLine, summary, UsageError, type Io } from './io.js';
import { options } from './options.js';
import { readSource } from './program.js';

/** One side of the comparison: what to call it, and its text. */
interface Side {
  label: string;
  text: string;
}

function decode(bytes: Uint8Array, label: string): string {
  if (bytes.length > MAX_PROGRAM_BYTES) throw new ExitError(2, `${label}: is ${bytes.length.toLocaleString('en-US')} bytes; a program is at most ${MAX_PROGRAM_BYTES.toLocaleString('en-US')} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ExitError(2, `${label}: is not valid UTF-8 text`);
  }
}

function fromGit(spec: string, cwd: string): string {
  try {
    return decode(showRevision(spec, cwd, MAX_PROGRAM_BYTES), spec);
  } catch (e) {
    if (e instanceof GitError) throw new ExitError(2, `${spec}: ${e.message}`);
    throw e;
  }
}

/** A file, or `REV:PATH` read from git (a name that is an existing file is always the file). */
function readSide(arg: string): Side {
  if (!existsSync(arg) && /^[^:]*:/.test(arg) && !/^[A-Za-z]:[\\/]/.test(arg)) return { label: arg, text: fromGit(arg, process.cwd()) };
  return { label: arg, text: readSource(arg) };
}

/** The committed version of a working file. */
function headOf(file: string): Side {
  readSource(file); // the usual messages for a missing file, a folder…
  let where;
  try {
    where = headSpec(file);
  } catch (e) {
    if (e instanceof GitError) throw new ExitError(2, `${file}: ${e.message}; give OLD and NEW to compare two files`);
    throw e;
  }
  return { label: where.spec, text: fromGit(where.spec, where.cwd) };
}

/** git's side of a file: `/dev/null` when the file is added or deleted (an empty program). */
function gitSide(file: string, path: string, prefix: string): Side {
  if (file === '/dev/null') return { label: '/dev/null', text: '' };
  return { label: `${prefix}${path}`, text: readSource(file) };
}

export function cmdDiff(io: Io, args: string[]): number {
  const { values, positionals } = options(args, {
    data: { type: 'string' },
    period: { type: 'string' },
    all: { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
    'exit-code': { type: 'boolean', default: false },
    git: { type: 'boolean', default: false },
  });
  const fmt = values.format!;
  if (!['text', 'markdown', 'json'].includes(fmt)) throw new UsageError(`--format must be text, markdown or json, not "${fmt}"`);
  if (values.all && values.period !== undefined) throw new UsageError('give --period P or --all, not both');
  if (values.period !== undefined && !parsePeriod(values.period)) throw new UsageError(`--period ${values.period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  if ((values.period !== undefined || values.all) && values.data === undefined) throw new UsageError('--period and --all choose periods of the data: give --data DIR too');
  let old: Side;
  let neu: Side;
  if (values.git) {
    if (positionals.length !== 7) throw new UsageError(`incent diff --git takes the seven arguments git gives an external diff (path old-file old-hex old-mode new-file new-hex new-mode), not ${positionals.length}`);
    const [path, oldFile, , , newFile] = positionals as [string, string, string, string, string];
    old = gitSide(oldFile, path, 'a/');
    neu = gitSide(newFile, path, 'b/');
  } else if (positionals.length === 1) {
    old = headOf(positionals[0]!);
    neu = { label: positionals[0]!, text: readSource(positionals[0]!) };
  } else if (positionals.length === 2) {
    old = readSide(positionals[0]!);
    neu = readSide(positionals[1]!);
  } else throw new UsageError('incent diff needs OLD and NEW (files or git revisions like main:program.incent), or one FILE to compare with HEAD');

  const compared = compareSources(old.text, neu.text);
  if ('diagnostics' in compared) {
    const side = compared.side === 'old' ? old : neu;
    printDiagnostics(io, side.label, side.text, compared.diagnostics);
    throw new ExitError(1, `${side.label}: ${summary(compared.diagnostics)}; nothing was compared`);
  }
  const report: DiffReport = { format: 1, old: old.label, new: neu.label, meaning: compared.diff };
  if (values.data !== undefined) {
    const oa = compileSide(io, old);
    const na = compileSide(io, neu);
    const [ro, rn] = runBoth(io, oa, na, dataFolder(values.data));
    const input = { old: { artifact: oa, results: ro }, new: { artifact: na, results: rn } };
    if (values.period !== undefined && !periodsOf(input).includes(values.period)) throw new UsageError(`--period ${values.period}: these runs cover ${periodsOf(input).join(', ')}`);
    report.data = values.data;
    report.impact = impact({ ...input, ...(values.period !== undefined ? { period: values.period } : {}) });
  }
  if (fmt === 'json') io.out(JSON.stringify(report, null, 2) + '\n');
  else if (fmt === 'markdown') io.out(renderMarkdown(report));
  else io.out(printable(renderText(report)));
  return values['exit-code'] && !values.git && report.meaning.changed ? 1 : 0;
}

function compileSide(io: Io, side: Side): Artifact {
  const r = compile(side.text);
  if (r.artifact) return r.artifact;
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  printDiagnostics(io, side.label, side.text, errors);
  throw new ExitError(1, `${side.label}: ${summary(errors)}; nothing was run`);
}

/**
 * Both versions over the data. When they read the same records (equal record schemas), one stream
 * serves both and each kind is read once per pass (`Evaluator.runTogether`); otherwise each version
 * reads the folder itself. Data that must not run stops the diff with the problems of each
 * version, as `incent run` prints them.
 */
function runBoth(io: Io, oa: Artifact, na: Artifact, dir: string): [PeriodResult[], PeriodResult[]] {
  const progress = progressLine(io);
  if (isDeepStrictEqual(recordSchemas(oa), recordSchemas(na))) {
    const data = openDataFolder(dir, na);
    const results = guard(io, data, 'the data', () => Evaluator.runTogether([new Evaluator(oa), new Evaluator(na)], data.partners, data, { progress }));
    return [results[0]!, results[1]!];
  }
  const od = openDataFolder(dir, oa);
  const nd = openDataFolder(dir, na);
  let failed = false;
  const run = (a: Artifact, data: DataStream, label: string): PeriodResult[] => {
    try {
      return guard(io, data, label, () => new Evaluator(a).runSource(data.partners, data, { progress }));
    } catch (e) {
      if (!(e instanceof ExitError)) throw e;
      failed = true;
      return [];
    }
  };
  const ro = run(oa, od, 'the data, as the old version reads it');
  const rn = run(na, nd, 'the data, as the new version reads it');
  if (failed) throw new ExitError(1, 'the data does not suit both versions; nothing was compared');
  return [ro, rn];
}

function guard<X>(io: Io, data: DataStream, label: string, body: () => X): X {
  let out: X;
  try {
    out = body();
  } catch (e) {
    if (!(e instanceof DataProblemsError)) throw e;
    io.progressDone?.();
    io.err(`${label}:\n`);
    printProblems(io, e.problems);
    const fatal = e.problems.filter((p) => p.severity === 'error').length;
    throw new ExitError(1, `${plural(fatal, 'problem')} in ${label}; nothing was compared`);
  }
  io.progressDone?.();
  printProblems(
    io,
    data.problems().filter((q) => q.severity === 'warning'),
  );
  return out;
}
