/**
 * A run's data folder and reject folder, checked before anything is evaluated, and the run
 * itself over the streamed folder: problems that stop it are printed (summarised past a
 * hundred), rejected records go to the reject folder in their own format.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { Artifact } from '../runtime/artifact.js';
import { DataProblemsError, openDataFolder, type DataStream } from '../runtime/data/node-stream.js';
import { rejectFiles } from '../runtime/data/rejects.js';
import type { CoverageProbe } from '../runtime/compile-ir.js';
import { Evaluator, type PeriodResult, type PeriodStream, type PushedPass1, type RunOptions } from '../runtime/evaluate.js';
import { threadOptions } from './threads.js';
import { ExitError, plural, printProblems, progressLine, UsageError, type Io } from './io.js';
import { LedgerProblemsError, type LedgerProblem } from '../runtime/ledger/ledger.js';
import { placeLedgerProblems } from '../runtime/ledger/place.js';

/** The data folder, or a usage error. */
export function dataFolder(dir: string): string {
  if (dir === '') throw new UsageError('--data needs a folder, not an empty path');
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`--data ${dir}: no such folder`);
  }
  if (!st.isDirectory()) throw new UsageError(`--data ${dir}: is a file, not a folder (give the folder that holds partners.csv and the event files)`);
  return dir;
}

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * The reject folder, checked before the run: never the data folder or inside it (a reject file
 * is named like its data file and would replace it), a folder that exists or can be made in a
 * folder that exists, and writable.
 */
export function rejectFolder(dir: string, data: string): string {
  if (dir === '') throw new UsageError('--reject needs a folder, not an empty path');
  const full = resolve(dir);
  if (inside(full, resolve(data))) throw new UsageError(`--reject ${dir}: is inside the data folder ${data}, where its files would replace the data; choose a folder outside it`);
  let exists = true;
  try {
    if (!statSync(full).isDirectory()) throw new UsageError(`--reject ${dir}: is a file; --reject takes a folder, where one file per data file is written`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    exists = false;
  }
  if (!exists) {
    let parent;
    try {
      parent = statSync(dirname(full));
    } catch {
      throw new UsageError(`--reject ${dir}: cannot be made, since ${dirname(full)} does not exist`);
    }
    if (!parent.isDirectory()) throw new UsageError(`--reject ${dir}: cannot be made, since ${dirname(full)} is not a folder`);
    try {
      mkdirSync(full);
    } catch (e) {
      throw new UsageError(`--reject ${dir}: cannot be made (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    accessSync(full, constants.W_OK);
  } catch {
    throw new UsageError(`--reject ${dir}: is not writable`);
  }
  return full;
}

/**
 * Runs a program over a data folder, streamed (`runtime/data/node-stream.ts`): the event files
 * are read again for each pass of the evaluator, so memory holds the partners, not the records.
 * Every period's statements are returned (for `incent explain`; `incent run` streams them).
 * The data's problems are all known after the evaluator's first pass; when they stop the run, it
 * fails before anything is printed.
 */
export function evaluate(
  io: Io,
  a: Artifact,
  dir: string,
  reject: string | undefined,
  explain?: ReadonlySet<string>,
  opts: { probe?: CoverageProbe; through?: string; pushed?: PushedPass1; threads?: number; phase?: RunOptions['phase'] } = {},
): { ev: Evaluator; results: PeriodResult[] } {
  let results: PeriodResult[] = [];
  const ev = runFolder(
    io,
    a,
    dir,
    reject,
    (ev, data, o) => {
      results = ev.runSource(data.partners, data, { ...(explain ? { explain } : {}), ...(opts.through ? { through: opts.through } : {}), ...o });
    },
    opts,
  );
  return { ev, results };
}

/**
 * `evaluate`, streamed: each period is given to `onPeriod` to finish (`PeriodStream.finish` gives
 * each partner's statement as it is made), so that the statements need not all be held.
 */
export function evaluateStreamed(io: Io, a: Artifact, dir: string, reject: string | undefined, onPeriod: (p: PeriodStream) => void, more: { pushed?: PushedPass1; threads?: number; phase?: RunOptions['phase'] } = {}): void {
  runFolder(io, a, dir, reject, (ev, data, opts) => ev.stream(data.partners, data, opts, onPeriod), more);
}

/** The data folder's checks, the run (`go`), and what is printed or written about the data: its problems, warnings and rejected records. */
function runFolder(io: Io, a: Artifact, dir: string, reject: string | undefined, go: (ev: Evaluator, data: DataStream, opts: RunOptions) => void, more: { probe?: CoverageProbe; pushed?: PushedPass1; threads?: number; phase?: RunOptions['phase'] }): Evaluator {
  const { probe, pushed } = more;
  const folder = dataFolder(dir);
  const rejectDir = reject === undefined ? undefined : rejectFolder(reject, folder);
  // `pushed`: the kinds a database aggregated (`incent run --engine duckdb`): their files are its to read.
  const data = openDataFolder(folder, a, { acceptRejects: rejectDir !== undefined, ...(pushed ? { readElsewhere: pushed.kinds } : {}), ...(probe || (more.threads ?? 1) < 2 ? {} : threadOptions(a, folder)) });
  const ev = new Evaluator(a, probe ? { probe } : {});
  // §13.1: redemptions the run cannot apply, set aside with --reject.
  let unapplied: readonly LedgerProblem[] = [];
  try {
    go(ev, data, { progress: progressLine(io), ...(more.phase ? { phase: more.phase } : {}), ...(pushed ? { pushed } : {}), ...(rejectDir !== undefined ? { rejectRedemptions: (found: readonly LedgerProblem[]) => (unapplied = found) } : {}) });
  } catch (e) {
    if (e instanceof LedgerProblemsError) {
      io.progressDone?.();
      const placed = placeLedgerProblems(readIn(folder), a, e.problems);
      printProblems(io, placed.problems);
      throw new ExitError(1, `${plural(placed.problems.length, 'problem')} in the data (redemptions that cannot be applied); nothing was run (with --reject DIR the invalid records are set aside in DIR and the rest is evaluated)`);
    }
    if (!(e instanceof DataProblemsError)) throw e;
    io.progressDone?.();
    const shown = e.problems.filter((p) => p.severity === 'warning' || p.scope === 'file' || rejectDir === undefined);
    printProblems(io, shown);
    const fatal = shown.filter((p) => p.severity === 'error').length;
    throw new ExitError(1, `${plural(fatal, 'problem')} in the data; nothing was run${rejectDir === undefined ? ' (with --reject DIR the invalid records are set aside in DIR and the rest is evaluated)' : ''}`);
  }
  io.progressDone?.();
  printProblems(
    io,
    data.problems().filter((q) => q.severity === 'warning'),
  );
  if (rejectDir !== undefined) {
    const rejected = [...data.rejectedRecords(), ...(unapplied.length ? placeLedgerProblems(readIn(folder), a, unapplied).rejected : [])];
    for (const [name, text] of rejectFiles(data.files(), rejected)) writeFileSync(join(rejectDir, name), text);
    if (rejected.length) io.err(`${plural(rejected.length, 'record')} rejected: see ${reject}\n`);
  }
  return ev;
}

/** A data file's text by name, read when asked (undefined when absent): for placing the redemptions a run could not apply. */
function readIn(folder: string): (name: string) => string | undefined {
  return (name) => {
    const path = join(folder, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
}
