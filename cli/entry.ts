/**
 * The entry point of the bundled command (dist/incent.mjs). The usage is printed from this small
 * module. Every other command runs dist/commands.cjs — the compiler, the runtime and the commands
 * in one script — compiled with the V8 code cache that the build writes beside it
 * (dist/commands.cjs.cache, made by running a check and a run of an example: bin/build.js). With the
 * cache, V8 neither parses the 0.7 MB script nor compiles the functions that those commands use;
 * without it, or when this Node's V8 refuses it (another version, other flags), the script is
 * compiled as usual: the cache changes how fast the command starts, never what it does.
 * `INCENT_CODE_CACHE=report` says on stderr whether the cache was absent, accepted or rejected.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { isHelp, runHelp } from './usage.js';
import { TAIL_THREAD } from './thread-entry.js';

interface Commands {
  runCommand(argv: string[], entry: string): Promise<void>;
  runTail(work: unknown): void;
}

/**
 * Loads dist/commands.cjs with its code cache. With `INCENT_WRITE_CODE_CACHE` set (the build), it
 * writes the cache again when the process exits: what the cache held and what this command compiled.
 */
function loadCommands(): Commands {
  if (tail === undefined) tuneCompiler(); // (V8's flags are the process's: a run's second thread has them)
  const file = join(dirname(fileURLToPath(import.meta.url)), 'commands.cjs');
  const cacheFile = `${file}.cache`;
  const require = createRequire(file);
  // Stack traces through the sources need Node's own loader (it applies the source map).
  if (process.env['INCENT_DEBUG']) return require(file) as Commands;
  const writing = Boolean(process.env['INCENT_WRITE_CODE_CACHE']);
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (process.env['INCENT_CODE_CACHE'] === 'report') process.stderr.write(`incent: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  const module = { exports: {} as Commands };
  (script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(module.exports, require, module, file, dirname(file));
  if (writing) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  return module.exports;
}

/**
 * Tells V8's optimizing compiler (TurboFan) to inline only small functions (at most 50 bytes of
 * bytecode, against 460 by default). A command runs for about a second: most of its hot functions
 * are compiled while it runs, on V8's background thread, and run in the interpreter until then.
 * Less inlining makes those compiles smaller and sooner. Measured on the canonical 1M-line run
 * (21 alternated runs): statements finished and written 224 → 179 ms, pass 2 53 → 47 ms, the
 * whole run 0.92–0.94× (`runtime/data/DATA.md`). It changes how fast code runs, never what it
 * does. Set before the commands' script is compiled: V8 accepts a code cache made under the same
 * flags only, and the build writes the cache through this function too. A process that embeds the
 * runtime chooses its own flags (`node --max-inlined-bytecode-size=50`).
 */
function tuneCompiler(): void {
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--max-inlined-bytecode-size=50');
}

const argv = process.argv.slice(2);
// In a worker started with TAIL_THREAD: the second thread of a run (cli/threads.ts), which reads the tail of a large file.
const tail = argv[0] === TAIL_THREAD ? ((await import('node:worker_threads')).workerData as { incentTail?: unknown } | null)?.incentTail : undefined;
if (tail !== undefined) loadCommands().runTail(tail);
else if (isHelp(argv)) runHelp(argv);
else await loadCommands().runCommand(argv, fileURLToPath(import.meta.url));
