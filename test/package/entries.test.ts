/**
 * What each entry point of the package pulls in, from the sources (esbuild's metafile of a full
 * bundle, dependencies included): `incent/runtime` reaches neither the parser nor the compiler nor
 * chevrotain; `incent` and `incent/runtime` reach no Node module (they run in browsers); and every
 * entry exports what the guide and the command line use.
 */
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as incent from '../../index.js';
import * as node from '../../runtime/node.js';
import * as runtime from '../../runtime/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function inputs(entry: string, platform: 'node' | 'browser'): Promise<string[]> {
  const r = await build({ entryPoints: [root + entry], bundle: true, platform, format: 'esm', write: false, metafile: true, logLevel: 'silent' });
  return Object.keys((r.metafile as Metafile).inputs);
}

describe('entry points', () => {
  it('incent/runtime: no chevrotain, no parser, no compiler, no Node module', async () => {
    const files = await inputs('runtime/index.ts', 'browser');
    expect(files.some((f) => f.includes('runtime/evaluate.ts'))).toBe(true);
    expect(files.filter((f) => /chevrotain|lodash|^language\/|^compiler\//.test(f))).toEqual([]);
  });

  it('incent bundles for a browser (no Node module) and has the compiler', async () => {
    const files = await inputs('index.ts', 'browser');
    expect(files.some((f) => f.includes('node_modules/chevrotain/'))).toBe(true);
    expect(files.some((f) => f.startsWith('compiler/'))).toBe(true);
  });

  it('incent has everything incent/runtime has (the same objects), and incent/node the data folder', () => {
    for (const [name, value] of Object.entries(runtime)) expect((incent as Record<string, unknown>)[name], name).toBe(value);
    for (const name of ['compile', 'format', 'parse', 'renderDiagnostics', 'diagnosticToJson', 'SourceText', 'JsonDiagnosticSchema']) expect(incent, name).toHaveProperty(name);
    for (const name of ['loadArtifact', 'ArtifactError', 'loadData', 'Evaluator', 'EvalError', 'statementJson', 'StatementJsonSchema', 'explainPartner', 'runTests', 'formatProblem']) expect(runtime, name).toHaveProperty(name);
    expect(Object.keys(node).sort()).toEqual(['DataProblemsError', 'DataStream', 'openDataFolder']);
  });
});
