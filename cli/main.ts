/**
 * The `incent` command line: check, fmt, test, run, explain, diff. Every user error is a message and an
 * exit code, never a stack trace: 0 success, 1 a program, data or test failure, 2 a usage error,
 * 70 an internal error (a bug).
 */
import { cmdCheck } from './check.js';
import { cmdDiff } from './diff.js';
import { cmdFmt } from './fmt.js';
import { type Io } from './io.js';
import { cmdExplain, cmdRun } from './run.js';
import { cmdTest } from './test.js';
import { cmdSql } from './warehouse.js';
import { command, runInProcess, type Command } from './command.js';

export { ExitError, UsageError } from './io.js';

/** Every command, loaded with the rest of the program (the tests, the library). The bundled command loads only the one it runs (cli/entry.ts). */
const COMMANDS: Record<string, Command> = { check: cmdCheck, fmt: cmdFmt, test: cmdTest, run: cmdRun, explain: cmdExplain, diff: cmdDiff, sql: cmdSql };
const find = (name: string): Command | undefined => (Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

/** A command that does not wait: every one but `incent run --engine/--source` (`mainAsync`). */
export function main(argv: string[], io: Io): number {
  const code = command(argv, io, find);
  if (typeof code !== 'number') throw new Error('internal: this command waits on a database: run it with mainAsync');
  return code;
}

/** Any command, those that wait on a database too (`incent run --engine/--source`). */
export async function mainAsync(argv: string[], io: Io): Promise<number> {
  return command(argv, io, find);
}

/** Runs the command in this process (the bundled command runs cli/entry.ts instead, which loads only the command it runs). */
export function runCli(): void {
  runInProcess(process.argv.slice(2), find);
}
