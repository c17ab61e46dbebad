/**
 * The entry point of the bundled command (dist/incent.mjs). The usage is printed from this small
 * module; every other command loads the rest (the compiler, the runtime: a separate chunk of the
 * bundle), so that `incent help` starts as fast as Node does.
 */
import { isHelp, runHelp } from './usage.js';

const argv = process.argv.slice(2);
if (isHelp(argv)) runHelp(argv);
else (await import('./main.js')).runCli();
