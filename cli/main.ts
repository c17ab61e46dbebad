/**
 * The `incent` command line: check, fmt, test, run, explain, diff. Every user error is a message and an
 * exit code, never a stack trace: 0 success, 1 a program, data or test failure, 2 a usage error,
 * 70 an internal error (a bug).
 */
import { CODES } from '../core/codes.js';
import { printable } from '../core/diagnostics.js';
import { EvalError } from '../runtime/compile-ir.js';
import { cmdCheck } from './check.js';
import { cmdDiff } from './diff.js';
import { cmdFmt } from './fmt.js';
import { ExitError, UsageError, type Io } from './io.js';
import { cmdExplain, cmdRun } from './run.js';
import { cmdTest } from './test.js';
import { cmdRunWarehouse, cmdSql, isWarehouseRun } from './warehouse.js';
import { USAGE, quietOnClosedPipe } from './usage.js';

export { ExitError, UsageError } from './io.js';


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
        if (isWarehouseRun(rest)) throw new Error('internal: `incent run --engine/--source` is asynchronous: run it with mainAsync');
        return cmdRun(io, rest);
      case 'sql':
        return cmdSql(io, rest);
      case 'explain':
        return cmdExplain(io, rest);
      case 'diff':
        return cmdDiff(io, rest);
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
    return failed(io, e);
  }
}

/**
 * `main`, for every command, the asynchronous ones too: `incent run --engine/--source`, which
 * waits on a database. The command line runs this.
 */
export async function mainAsync(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'run' || !isWarehouseRun(rest)) return main(argv, io);
  try {
    return await cmdRunWarehouse(io, rest);
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

/**
 * Runs the command in this process. Output cut short by its reader (`incent run … | head`) ends
 * the command quietly, as Unix tools do, instead of with an EPIPE error.
 */
export function runCli(): void {
  process.stdout.on('error', quietOnClosedPipe);
  process.stderr.on('error', quietOnClosedPipe);
  void mainAsync(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stderr.isTTY) && !process.env['NO_COLOR'],
    tty: Boolean(process.stderr.isTTY),
  }).then((code) => {
    process.exitCode = code;
  });
}
