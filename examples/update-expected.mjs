// Regenerates examples/*/expected/ from the command line's output:
//   npx tsx examples/update-expected.mjs [NAME…]
// For each example: `incent run program.incent --data data --all --format json`, then the stable
// projection (test/examples/project.ts), one file per period: expected/2026-Q1.json, …
// Run with tsx (not plain node) because the projection is TypeScript, shared with the test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedText, project } from '../test/examples/project.ts';

const here = dirname(fileURLToPath(import.meta.url));
// INCENT_CLI: another checkout's bin/incent.js (e.g. a clean copy of HEAD while the tree is mid-edit).
const cli = process.env.INCENT_CLI ?? join(here, '..', 'bin', 'incent.js');
// bin/incent.js runs the built bundle: build it from that checkout's current sources first.
const build = join(dirname(cli), 'build.js');
if (existsSync(build)) execFileSync('node', [build, '--cli'], { stdio: 'inherit' });
const names = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(here).filter((n) => existsSync(join(here, n, 'program.incent'))).sort();

for (const name of names) {
  const dir = join(here, name);
  const out = execFileSync('node', [cli, 'run', 'program.incent', '--data', 'data', '--all', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const statements = JSON.parse(out);
  const target = join(dir, 'expected');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target);
  for (const s of statements) writeFileSync(join(target, `${s.period}.json`), expectedText(project(s)));
  console.log(`${name}: ${statements.length} periods`);
}
