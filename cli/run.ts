/** `incent run` and `incent explain`: statements of a program over a data folder, and one partner's explanation. */
import { printable } from '../core/diagnostics.js';
import { parsePeriod } from '../core/periods.js';
import type { PeriodResult, PeriodStream } from '../runtime/evaluate.js';
import { explainPartner, statementCsv, statementJson, statementTable } from '../runtime/statement.js';
import { csvWriter, jsonWriter, tableWriter, Writer } from '../runtime/statement-stream.js';
import type { Artifact } from '../runtime/artifact.js';
import { coverageOfRun } from '../review/coverage.js';
import { COVERAGE_OPTIONS, coverageProgramOrFail, coverageRequest, writeCoverage } from './coverage.js';
import { evaluate, evaluateStreamed } from './data.js';
import { UsageError, type Io } from './io.js';
import { options, threadCount } from './options.js';
import { compileOrFail } from './program.js';
import { RunTimings } from './timings.js';
import { isWarehouseRun } from './usage.js';

function pickPeriod(results: PeriodResult[], period: string | undefined): PeriodResult {
  if (period === undefined) return results[results.length - 1]!;
  if (!parsePeriod(period)) throw new UsageError(`--period ${period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  const r = results.find((x) => x.period === period);
  if (!r) throw new UsageError(`--period ${period}: this run covers ${results.map((x) => x.period).join(', ')}`);
  return r;
}

export function cmdRun(io: Io, args: string[]): number | Promise<number> {
  // In a database (`--engine`, `--source`): cli/warehouse.ts, loaded only then.
  if (isWarehouseRun(args)) return import('./warehouse.js').then((m) => m.cmdRunWarehouse(io, args));
  const { values, positionals } = options(args, {
    data: { type: 'string' },
    period: { type: 'string' },
    all: { type: 'boolean', default: false },
    format: { type: 'string', default: 'table' },
    reject: { type: 'string' },
    threads: { type: 'string' },
    timings: { type: 'boolean', default: false },
    ...COVERAGE_OPTIONS,
  });
  // Two threads read event files of 96 MiB or more (`threads.ts`), unless --threads 1.
  const threads = threadCount(values.threads) ?? 2;
  if (positionals.length !== 1) throw new UsageError('incent run needs one FILE');
  if (values.data === undefined) throw new UsageError('incent run needs --data DIR');
  if (values.all && values.period !== undefined) throw new UsageError('give --period P or --all, not both');
  const fmt = values.format!;
  if (!['table', 'json', 'csv'].includes(fmt)) throw new UsageError(`--format must be table, json or csv, not "${fmt}"`);
  if (values.period !== undefined && !parsePeriod(values.period)) throw new UsageError(`--period ${values.period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  const coverage = coverageRequest(values);
  if (coverage && values.timings) throw new UsageError('--timings reports where a run\'s time went, not a coverage run\'s: give one or the other');
  const timings = values.timings ? new RunTimings() : undefined;
  if (coverage) {
    // Coverage of the run's periods (through --period P): the report, instead of the statements unless it goes to a file.
    if (coverage.output === undefined && (values.all || fmt !== 'table')) throw new UsageError('--coverage prints the coverage report instead of the statements: give --coverage-output FILE to have both');
    const path = positionals[0]!;
    const program = coverageProgramOrFail(io, path);
    let shown: PeriodResult[] = [];
    const { report } = coverageOfRun(
      program,
      (probe) => {
        const { results } = evaluate(io, program.artifact, values.data!, values.reject, undefined, { probe, ...(values.period !== undefined ? { through: values.period } : {}) });
        shown = values.all ? results : [pickPeriod(results, values.period)];
        return results;
      },
      { program: path, data: values.data },
    );
    writeCoverage(io, coverage, report);
    if (coverage.output !== undefined) printStatements(io, program.artifact, shown, fmt, values.all);
    return 0;
  }
  const { artifact: a } = compileOrFail(io, positionals[0]!);
  timings?.mark('compiled');
  const dir = values.data;
  const more = { threads, ...(timings ? { phase: (done: 'pass 1' | 'pass 2') => timings.mark(done) } : {}) };
  const written = printRun(io, a, { ...values, all: values.all!, format: fmt }, {
    whole: () => evaluate(io, a, dir, values.reject, undefined, more).results,
    streamed: (onPeriod) => evaluateStreamed(io, a, dir, values.reject, onPeriod, more),
  });
  if (timings) {
    timings.mark('written');
    timings.statements = written;
    timings.report(io);
  }
  return 0;
}

/** How a run is made: its periods held whole (`whole`), or each given to be finished as it comes (`streamed`). */
export interface RunMaker {
  whole(): PeriodResult[];
  streamed(onPeriod: (p: PeriodStream) => void): void;
}

/** Prints a run's statements: the period asked for (`--period`), the last, or all (`--all`), in the format asked for; returns how many (partners × periods). */
export function printRun(io: Io, a: Artifact, values: { period?: string | undefined; all: boolean; format: string }, run: RunMaker): number {
  const fmt = values.format;
  // §13.1: a redemption found invalid in a later period fails the run, or is counted as rejected in
  // every period's statement: a program with redemptions has its statements written once the run is over.
  if (a.redemptions?.length) {
    const results = run.whole();
    const chosen = values.all ? results : [pickPeriod(results, values.period)];
    printStatements(io, a, chosen, fmt, values.all);
    return chosen.reduce((n, r) => n + r.partners.length, 0);
  }
  // Statements are written as each partner's is made (runtime/statement-stream.ts): the same text
  // as statementJson/statementCsv/statementTable of the whole period, never held whole.
  const decoder = new TextDecoder();
  const bytes =
    io.outBytes ??
    ((b: Uint8Array) => {
      io.out(decoder.decode(b));
      return true; // (decoded: a copy)
    });
  const w = new Writer((s) => (typeof s === 'string' ? io.out(s) : bytes(s)));
  const writer = fmt === 'json' ? jsonWriter(a, w, values.all) : fmt === 'csv' ? csvWriter(a, w) : tableWriter(a, w, printable);
  const periods: string[] = [];
  let written = 0;
  run.streamed((p) => {
    periods.push(p.period);
    if (!(values.all || (values.period === undefined ? p.index === p.count - 1 : p.period === values.period))) return;
    io.progressDone?.();
    writer.begin(p.period);
    const t = p.finish((x) => {
      writer.partner(x);
      written++;
    });
    writer.end({ period: p.period, ...t, rejected: p.rejected });
  });
  if (!values.all && values.period !== undefined && !periods.includes(values.period)) throw new UsageError(`--period ${values.period}: this run covers ${periods.join(', ')}`);
  writer.close();
  return written;
}

/** Statements of periods held whole (a coverage run's, written beside its report). */
function printStatements(io: Io, a: Artifact, chosen: PeriodResult[], fmt: string, all: boolean): void {
  if (fmt === 'json') {
    const docs = chosen.map((r) => statementJson(a, r));
    io.out(JSON.stringify(all ? docs : docs[0], null, 2) + '\n');
  } else if (fmt === 'csv') io.out(statementCsv(a, chosen));
  else io.out(printable(chosen.map((r) => statementTable(a, r)).join('\n')));
}

export function cmdExplain(io: Io, args: string[]): number {
  const { values, positionals } = options(args, { data: { type: 'string' }, period: { type: 'string' }, partner: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('incent explain needs one FILE');
  if (values.data === undefined || values.period === undefined || values.partner === undefined) throw new UsageError('incent explain needs --data DIR --period P --partner ID');
  if (!parsePeriod(values.period)) throw new UsageError(`--period ${values.period}: expected a period like 2026, 2026-Q1 or 2026-03`);
  const { artifact: a } = compileOrFail(io, positionals[0]!);
  const { results } = evaluate(io, a, values.data, undefined, new Set([values.partner]));
  const r = pickPeriod(results, values.period);
  const text = explainPartner(a, r, values.partner);
  if (text === undefined) throw new UsageError(`--partner ${printable(values.partner)}: no such partner in ${r.period}`);
  io.out(printable(text));
  return 0;
}
