/** The runtime, the shared core and the reviewer's tools run in the browser: no Node-only module outside runtime/data/node-stream.ts, runtime/data/bytes.ts (its byte reader), runtime/data/tail.ts (its second thread's part) and review/git.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserBundle } from '../helpers/browser-bundle.js';

const NODE_ONLY = new Set(['runtime/data/node-stream.ts', 'runtime/data/bytes.ts', 'runtime/data/tail.ts', 'review/git.ts']);
const core = ['runtime', 'runtime/data', 'runtime/ledger', 'core', 'review'].flatMap((d) =>
  readdirSync(new URL(`../../${d}/`, import.meta.url))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${d}/${f}`)
    .filter((f) => !NODE_ONLY.has(f)),
);

describe('the runtime in the browser', () => {
  it('the check catches a Node import', () => {
    expect("import { x } from 'node:fs';").toMatch(/from ['"](node:[^'"]+|fs|path|os|child_process|stream|url|util)['"/]/);
  });

  it.each(core)('%s imports no Node module', (f) => {
    const text = readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
    expect(text).not.toMatch(/from ['"](node:[^'"]+|fs|path|os|child_process|stream|url|util)['"/]/);
  });

  it('the library (runtime and compiler) bundles for the browser', async () => {
    const r = await browserBundle('esm');
    expect(r.errors).toEqual([]);
    expect(r.text).not.toContain('require("fs")');
  });
});
