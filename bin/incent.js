#!/usr/bin/env node
// The `incent` command: runs the bundle dist/incent.mjs (bin/build.js makes it; `npm ci` and `npm pack`
// build it through `prepare`/`prepack`). Nothing else is loaded: no TypeScript loader, no dev
// dependency. In a checkout where the bundle is missing or older than the sources, it says so in
// one line instead of failing with a stack trace or running stale code silently.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'incent.mjs');

if (!existsSync(bundle)) {
  process.stderr.write(`incent: the command is not built (${bundle} is missing): run \`npm run build\` in ${root}\n`);
  process.exit(1);
}

// Only a checkout has the sources (the package ships dist/ alone): there, warn when they are newer.
// The build lists the files it read (dist/sources.json): only those are looked at, and one gone
// counts as changed; without the list, every source of the folders is.
if (existsSync(join(root, 'cli', 'main.ts'))) {
  const built = statSync(bundle).mtimeMs;
  const newer = (file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > built;
  const listed = join(root, 'dist', 'sources.json');
  const stale = existsSync(listed)
    ? JSON.parse(readFileSync(listed, 'utf8')).some((f) => newer(join(root, f)))
    : ['cli', 'core', 'language', 'compiler', 'runtime', 'review'].some((dir) => {
        const full = join(root, dir);
        return existsSync(full) && readdirSync(full, { recursive: true }).some((f) => f.endsWith('.ts') && newer(join(full, f)));
      });
  if (stale) process.stderr.write('incent: warning: the sources changed since the command was built: run `npm run build`\n');
}

// With INCENT_DEBUG set, an internal error's stack trace points into the sources, not the bundle.
if (process.env.INCENT_DEBUG) process.setSourceMapsEnabled(true);

await import(pathToFileURL(bundle).href);
