/**
 * The usage text, and what the command does before anything else is loaded: `incent help` prints
 * it without loading the compiler or the runtime (cli/entry.ts loads them only for a command).
 */
export const USAGE = `incent — incentive programs as code

usage:
  incent check [--format text|json] [--data DIR] FILE…   diagnostics of programs, and with --data of their data (exit 1 on errors)
  incent check --exposure [--format text|json] FILE      also the most each pot can pay, per partner and per period, or what leaves it unbounded
  incent fmt [--check] FILE…                              canonical formatting (in place; --check: exit 1 if not formatted)
  incent test [--format text|json] FILE…                  run the test blocks
  incent run FILE --data DIR [--period P | --all] [--format table|json|csv] [--reject DIR] [--threads 1] [--timings]
                                                          (event files of 96 MiB or more are read by two threads, unless --threads 1;
                                                          --timings: where the run's time went, on stderr)
  incent test|run … --coverage [--coverage-format text|json|lcov] [--coverage-output FILE]
                                                          what the tests, or the data, reach of each rule, band, lookup entry,
                                                          tier level, cap, budget and minimum; and what they never reach
  incent run FILE (--data DIR --engine duckdb | --source duckdb:PATH|pglite:DIR|postgres://…) [--period P | --all] [--format …]
                 [--threads N] [--memory-limit 1GB] [--show-pushdown]   the same statements, pass 1 done in a database
  incent sql FILE [--dialect duckdb|postgres|spark|bigquery]   the queries of pass 1 in a database, and what stays streamed and why
  incent explain FILE --data DIR --period P --partner ID
  incent diff OLD NEW [--data DIR] [--period P | --all] [--format text|markdown|json] [--exit-code]
                                                          what changed in meaning, and on data in payouts (OLD, NEW: files or git
                                                          revisions like main:program.incent; one FILE: against HEAD)
  incent diff --git PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE   as git's external diff driver
`;

/** Output cut short by its reader (`incent run … | head`) ends the command quietly, as Unix tools do, instead of with an EPIPE error. */
export function quietOnClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
}

/** Whether the arguments ask for the usage alone (`incent`, `incent help`, `--help`, `-h`). */
export function isHelp(argv: readonly string[]): boolean {
  const cmd = argv[0];
  return cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h';
}

/** `incent help` (exit 0) and `incent` alone (exit 2), as `main` does, without loading it. */
export function runHelp(argv: readonly string[]): void {
  process.stdout.on('error', quietOnClosedPipe);
  process.stdout.write(USAGE);
  process.exitCode = argv[0] === undefined ? 2 : 0;
}

/** Whether `incent run`'s arguments ask for a database (`--engine`, `--source`): such a run waits on it (cli/warehouse.ts). */
export function isWarehouseRun(args: readonly string[]): boolean {
  return args.some((x) => x === '--engine' || x.startsWith('--engine=') || x === '--source' || x.startsWith('--source='));
}
