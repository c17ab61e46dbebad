/**
 * Running one command: every user error is a message and an exit code, never a stack trace — 0
 * success, 1 a program, data or test failure, 2 a usage error, 70 an internal error (a bug). The
 * command is looked up by name, so that the bundled command (cli/entry.ts) can load only the one
 * it runs while the tests and the library use the table of all of them (cli/main.ts).
 */
import { CODES } from '../core/codes.js';
import { printable } from '../core/diagnostics.js';
import { EvalError } from '../runtime/eval-error.js';
import { ExitError, UsageError, type Io } from './io.js';
import { quietOnClosedPipe, USAGE } from './usage.js';
import { writeAll, writeText } from './stdout.js';


/**
 * A command: its arguments (after its name) in, an exit code out — or a promise of it, for a
 * command that waits (`incent run --engine/--source`, on a database).
 */
export type Command = (io: Io, args: string[]) => number | Promise<number>;

/** Runs the command `argv` names, found by `find` (which answers only for its own commands: never `constructor` or `toString`); `help` and unknown names are handled here. */
export function command(argv: string[], io: Io, find: (name: string) => Command | undefined): number | Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      io.out(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    const run = find(cmd);
    if (!run) throw new UsageError(`unknown command "${cmd}"`);
    const code = run(io, rest);
    return typeof code === 'number' ? code : code.catch((e: unknown) => failed(io, e));
  } catch (e) {
    return failed(io, e);
  }
}

/** A command's failure: its message and exit code. */
function failed(io: Io, e: unknown): number {
  io.progressDone?.();
  if (e instanceof UsageError) {
    io.err(`incent: ${printable(e.message)}\n\n${USAGE}`);
    return 2;
  }
  if (e instanceof ExitError) {
    io.err(`incent: ${printable(e.message)}\n`);
    return e.code;
  }
  if (e instanceof EvalError) {
    const hint = CODES[e.code]?.hint;
    io.err(`error[${e.code}]: ${printable(e.message)}\n${hint ? `  = hint: ${printable(hint)}\n` : ''}incent: the evaluation stopped; nothing was printed\n`);
    return 1;
  }
  const err = e as Error;
  io.err(`incent: internal error: ${printable(String(err?.message ?? err))}\nThis is a bug in Incent; please report it with the program and data that caused it.\n`);
  if (process.env['INCENT_DEBUG']) io.err(`${err?.stack}\n`);
  return 70;
}

/** The process's standard output and error, as the commands write them. */
export function processIo(): Io {
  return {
    // (written before returning, pipes too: cli/stdout.ts; nothing of `b` is kept)
    out: (s) => writeText(s),
    outBytes: (b) => {
      writeAll(b);
      return true;
    },
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stderr.isTTY) && !process.env['NO_COLOR'],
    tty: Boolean(process.stderr.isTTY),
  };
}

/**
 * Runs the command in this process. Output cut short by its reader (`incent run … | head`) ends
 * the command quietly, as Unix tools do, instead of with an EPIPE error.
 */
export function runInProcess(argv: string[], find: (name: string) => Command | undefined): void {
  // (standard output is written with cli/stdout.ts, not `process.stdout`: made, it would set a pipe
  // to not block, and a reader that is behind would make each write wait and try again)
  process.stderr.on('error', quietOnClosedPipe);
  const code = command(argv, processIo(), find);
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => (process.exitCode = c));
}
