#!/usr/bin/env node
// The `incent` command. Uses the bundle dist/incent.mjs (`npm run build`) when it is newer than every
// source file; otherwise runs the TypeScript sources through tsx's loader, so that it works right
// after `npm install` with no build step and never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'incent.mjs');

function newestSource() {
  let newest = 0;
  for (const dir of ['core', 'language', 'compiler', 'runtime', 'cli']) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full)) if (f.endsWith('.ts')) newest = Math.max(newest, statSync(join(full, f)).mtimeMs);
  }
  return newest;
}

if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../cli/main.ts');
  runCli();
}
