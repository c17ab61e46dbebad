/**
 * Vitest global setup: builds the `incent` command (dist/incent.mjs, `node bin/build.js --cli`) from
 * the sources once per test run, before any test starts, so that tests that run bin/incent.js as a
 * process never run a stale bundle (bin/incent.js runs the bundle only).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  const build = fileURLToPath(new URL('../../bin/build.js', import.meta.url));
  const r = spawnSync(process.execPath, [build, '--cli'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node bin/build.js --cli failed:\n${r.stdout}${r.stderr}`);
}
