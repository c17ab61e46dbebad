#!/usr/bin/env node
// Bundles the `incent` command into dist/incent.mjs, and the library (index.ts) for Node and the browser (one file: starts in a fraction of the time the
// TypeScript loader takes). bin/incent.js uses the bundle when it is newer than every source file.
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', sourcemap: true, legalComments: 'none', logLevel: 'warning' };

// The library for Node (index.ts) and for the browser (no Node module is needed by it).
await build({ ...common, entryPoints: [new URL('../index.ts', import.meta.url).pathname], outfile: new URL('../dist/incent-lib.mjs', import.meta.url).pathname, platform: 'node', target: 'node20' });
await build({ ...common, entryPoints: [new URL('../index.ts', import.meta.url).pathname], outfile: new URL('../dist/incent-lib.browser.mjs', import.meta.url).pathname, platform: 'browser', target: 'es2022' });

await build({
  entryPoints: [new URL('../cli/entry.ts', import.meta.url).pathname],
  outfile: new URL('../dist/incent.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  // chevrotain and zod are ESM packages with their own dependencies: bundling them is fine, but
  // packages that use require() need a real require in an ESM bundle.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
