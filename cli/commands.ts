/**
 * The commands of the bundled `incent` (dist/commands.cjs): one script, loaded with V8's code cache
 * by cli/entry.ts. Each command's modules are initialised only when that command runs (esbuild
 * turns these dynamic imports into lazily initialised modules of the one script), so `check` does
 * not set up the evaluator, the statements or the review tools.
 */
import { runInProcess, type Command } from './command.js';

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).cmdCheck,
  fmt: async () => (await import('./fmt.js')).cmdFmt,
  test: async () => (await import('./test.js')).cmdTest,
  run: async () => (await import('./run.js')).cmdRun,
  explain: async () => (await import('./run.js')).cmdExplain,
  diff: async () => (await import('./diff.js')).cmdDiff,
};

/** Runs the command `argv` names (help is printed by cli/entry.ts without loading this script). */
export async function runCommand(argv: string[]): Promise<void> {
  const name = argv[0] ?? '';
  const found = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]!() : undefined;
  runInProcess(argv, () => found);
}
