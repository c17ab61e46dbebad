/** The runtime's core runs in the browser: no Node-only module outside runtime/node-io.ts. */
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../runtime/', import.meta.url).pathname;
const core = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'node-io.ts');

describe('the runtime in the browser', () => {
  it.each(core)('%s imports no Node module', (f) => {
    const text = readFileSync(dir + f, 'utf8');
    expect(text).not.toMatch(/from ['"](node:|fs|path|os|child_process|stream|url|util)['"/]/);
  });

  it('the runtime and the compiler bundle for the browser', async () => {
    const r = await build({
      stdin: {
        contents: [
          "export { compile } from './compiler/compile.ts';",
          "export { loadData } from './runtime/dataset.ts';",
          "export { Evaluator } from './runtime/evaluate.ts';",
          "export { statementJson } from './runtime/statement.ts';",
          "export { loadArtifact } from './runtime/artifact.ts';",
        ].join('\n'),
        resolveDir: new URL('../../', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    expect(r.outputFiles[0]!.text).not.toContain('require("fs")');
  });
});
