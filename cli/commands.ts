/**
 * The commands of the bundled `incent` (dist/commands.cjs): one script, loaded with V8's code cache
 * by cli/entry.ts. Each command's modules are initialised only when that command runs (esbuild
 * turns these dynamic imports into lazily initialised modules of the one script), so `check` does
 * not set up the evaluator, the statements or the review tools.
 */
import { runInProcess, type Command } from './command.js';
import { setThreadEntry } from './thread-entry.js';
import type { TailWork } from './threads.js';

/** In the second thread of a run (cli/threads.ts): reads a file's tail. */
export function runTail(work: unknown): void {
  void import('./threads.js').then((m) => m.runTail(work as TailWork));
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).cmdCheck,
  fmt: async () => (await import('./fmt.js')).cmdFmt,
  test: async () => (await import('./test.js')).cmdTest,
  run: async () => (await import('./run.js')).cmdRun,
  explain: async () => (await import('./run.js')).cmdExplain,
  diff: async () => (await import('./diff.js')).cmdDiff,
  sql: async () => (await import('./warehouse.js')).cmdSql,
};

/** Runs the command `argv` names (help is printed by cli/entry.ts without loading this script); `entry`: the bundled command's script (a second thread runs it). */
export async function runCommand(argv: string[], entry?: string): Promise<void> {
  if (entry !== undefined) setThreadEntry(entry);
  const name = argv[0] ?? '';
  const found = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]!() : undefined;
  runInProcess(argv, () => found);
}
