/**
 * The entry point of the bundled command (dist/incent.mjs). The usage is printed from this small
 * module; every other command loads only its own module and what it uses (separate chunks of the
 * bundle): `incent help` starts as fast as Node does, and `check` does not load the evaluator,
 * the statements or the review tools.
 */
import type { Command } from './command.js';
import { isHelp, runHelp } from './usage.js';

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).cmdCheck,
  fmt: async () => (await import('./fmt.js')).cmdFmt,
  test: async () => (await import('./test.js')).cmdTest,
  run: async () => (await import('./run.js')).cmdRun,
  explain: async () => (await import('./run.js')).cmdExplain,
  diff: async () => (await import('./diff.js')).cmdDiff,
};

const argv = process.argv.slice(2);
if (isHelp(argv)) runHelp(argv);
else {
  const name = argv[0]!;
  const found = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]!() : undefined;
  (await import('./command.js')).runInProcess(argv, () => found);
}
