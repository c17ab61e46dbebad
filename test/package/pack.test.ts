/**
 * The package as a user gets it: `npm pack` (whose `prepack` builds), installed into a fresh
 * project, type-checked by a strict `nodenext` TypeScript project, imported and run by Node, and
 * its `incent` command run — nothing from the repository's sources or node_modules is reachable from
 * there but the npm cache.
 *
 * - The repository is copied (without node_modules, dist/, tests, examples, the playground) into a
 *   temporary folder with a link to its node_modules, and packed there: the build writes into the
 *   copy, never into the repository's dist/ that other tests may be running.
 * - The project installs the tarball with `npm ci --offline`, from a lockfile made of the
 *   repository's own lockfile entries for the package's dependencies: `npm ci` needs only their
 *   tarballs, which the repository's `npm ci` put in the npm cache (`npm install --offline` would
 *   also need their registry metadata, which `npm ci` does not fetch: it fails on a fresh machine).
 * - The consumer program is the code of docs/guide.md, as it is; a second file checks that the
 *   types are real (`@ts-expect-error` fails on `any`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_VERSION } from '../../runtime/artifact.js';

const repo = join(import.meta.dirname, '..', '..');
const example = join(repo, 'examples', 'northwind-distributor');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
/** Folders and files of the repository that packing does not need (the examples it does: the build runs one to write the command's code cache). */
const SKIP = new Set(['node_modules', 'dist', '.git', 'test', 'playground', 'bench-data', 'coverage', '.vite', 'docs/api', 'tools']);

let work: string;
let app: string;
let tarball: string;

function sh(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cmd: string, args: string[], cwd: string): string {
  const r = sh(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The project's lockfile: the tarball, and the repository's locked entries for its dependencies (every non-dev entry). */
function lockfile(tgz: string): object {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  const spec = `file:${relative(app, tgz)}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { incent: spec } },
    'node_modules/incent': { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry['dev'] && !entry['devOptional'] && !entry['link']) packages[path] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'incent-pack-'));
  const src = join(work, 'src');
  cpSync(repo, src, { recursive: true, filter: (from) => !SKIP.has(relative(repo, from)) });
  symlinkSync(join(repo, 'node_modules'), join(src, 'node_modules'), 'dir');
  ok('npm', ['pack', '--pack-destination', work], src);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { incent: `file:${relative(app, tarball)}` } }, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lockfile(tarball), null, 2));
  ok('npm', ['ci', '--offline'], app);

  cpSync(join(example, 'program.incent'), join(app, 'program.incent'));
  cpSync(join(example, 'data'), join(app, 'data'), { recursive: true });
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built entries, their types and maps, the command, the schemas and the guide — no sources, no tests', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/incent.js', 'dist/incent.mjs', 'dist/commands.cjs', 'dist/commands.cjs.cache', 'dist/index.js', 'dist/index.js.map', 'dist/runtime.js', 'dist/node.js', 'dist/types/index.d.ts', 'dist/types/runtime/index.d.ts', 'dist/types/runtime/node.d.ts', 'schemas/artifact.schema.json', 'schemas/statement.schema.json', 'schemas/diagnostics.schema.json', 'docs/guide.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|examples|playground|cli|compiler|language|runtime|core)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('bin/'))).toEqual(['bin/incent.js']);
    expect(files).not.toContain('dist/sources.json'); // (a checkout's list of sources: bin/incent.js)
  });

  it('installs with its dependencies only (no dev dependency, no TypeScript loader)', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed).toContain('incent');
    expect(installed).toContain('zod');
    expect(installed).toContain('decimal.js');
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(installed).not.toContain(dev);
  });

  it('incent/runtime loads no parser: the modules it imports, followed from its entry, never import chevrotain', () => {
    const dist = join(app, 'node_modules', 'incent', 'dist');
    const bare = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Import and export statements only: the text of messages may say `from "Column header"` (§12.1).
      const statements = /\b(?:import|export)\s*[\w$*\s{},]*?\bfrom\s*"([^"]+)"|\bimport\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g;
      for (const m of readFileSync(file, 'utf8').matchAll(statements)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        if (spec.startsWith('.')) visit(join(dirname(file), spec));
        else bare.add(spec);
      }
    };
    visit(join(dist, 'runtime.js'));
    expect(seen.size).toBeGreaterThan(1); // it did follow the shared chunks
    expect([...bare].sort()).toEqual(['@noble/hashes/sha2.js', 'currency-codes', 'decimal.js', 'zod']);
    expect([...seen].some((f) => readFileSync(f, 'utf8').includes('chevrotain'))).toBe(false);
  });

  it('a strict nodenext TypeScript project type-checks the guide\'s code against the package\'s types, and their types are real', () => {
    const guide = readFileSync(join(repo, 'docs', 'guide.md'), 'utf8');
    const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    writeFileSync(join(app, 'consumer.ts'), blocks.join('\n'));
    writeFileSync(
      join(app, 'types.ts'),
      `import { compile, type StatementJson, type JsonDiagnostic } from 'incent';
import { loadArtifact, Evaluator, type PeriodResult } from 'incent/runtime';
import { openDataFolder, type StreamOptions } from 'incent/node';
import pkg from 'incent/package.json' with { type: 'json' };
import statementSchema from 'incent/schemas/statement.schema.json' with { type: 'json' };

const r = compile('');
// @ts-expect-error the artifact is there only when the program compiles
r.artifact.version;
declare const s: StatementJson;
// @ts-expect-error amounts are strings, never numbers
const cost: number = s.cost;
declare const d: JsonDiagnostic;
// @ts-expect-error severity is 'error' | 'warning'
const sev: 'fatal' = d.severity;
// @ts-expect-error loadArtifact takes one argument
loadArtifact();
const ev: Evaluator = new Evaluator(loadArtifact({}));
const periods: PeriodResult[] = ev.run({ partners: [], events: {} });
const opts: StreamOptions = { acceptRejects: true };
// @ts-expect-error a folder needs a program
openDataFolder('data');
export const used = [cost, sev, periods, opts, pkg.version, statementSchema.title];
`,
    );
    const nodeTypes = join(repo, 'node_modules', '@types');
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', resolveJsonModule: true, skipLibCheck: false, typeRoots: [nodeTypes], types: ['node'], outDir: 'out', rootDir: '.' },
        files: ['consumer.ts', 'types.ts'],
      }),
    );
    const r = sh(process.execPath, [tsc, '-p', '.'], app);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(app, 'out', 'consumer.js'))).toBe(true);
  });

  it('the guide\'s code runs: compile, store, load, validate, run, read — the figures of examples/northwind-distributor/expected', () => {
    const out = ok(process.execPath, [join('out', 'consumer.js')], app);
    const expected = JSON.parse(readFileSync(join(example, 'expected', '2026-Q1.json'), 'utf8')) as {
      cost: string;
      totals: { cash: { budget: string; budget_used: string } };
      partners: { id: string; pots: { cash: { paid: string } } }[];
    };
    const lines = out.split('\n');
    expect(lines).toContain('a typo: E0209 there is no payout `cahs`, hint: did you mean `cash`?');
    expect(lines.find((l) => l.startsWith('a damaged artifact: '))).toMatch(/^a damaged artifact: program\.currency: \S/);
    expect(lines).toContain('problem: sale.csv:3: field "amount": "1,234.56" is not a decimal amount');
    expect(lines).toContain('without the rejected record, 2026-Q1: 2 partners, 1 rejected');
    expect(lines).toContain('periods: 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4');
    expect(lines).toContain(`2026-Q1 cost: ${expected.cost} EUR`);
    expect(lines).toContain(`NW001 cash paid: ${expected.partners.find((p) => p.id === 'NW001')!.pots.cash.paid}`);
    expect(lines).toContain(`cash budget used: ${expected.totals.cash.budget_used} of ${expected.totals.cash.budget}`);
    expect(lines).toContain(`read back: ${expected.partners.length} partners`);
    expect(lines).toContain('Northwind Partner Rewards — 2026-Q1 (EUR)');
    expect(lines).toContain('Northwind Partner Rewards — partner NW004, 2026-Q1');
    expect(lines.find((l) => l.startsWith('tests: '))).toMatch(/^tests: [1-9]\d* passed, 0 failed$/);
    // the stored artifact is the JSON the shipped schema describes
    expect(JSON.parse(readFileSync(join(app, 'program.json'), 'utf8')).version).toBe(ARTIFACT_VERSION);
  });

  it('exports its package.json and its JSON Schemas, and nothing else of its files', () => {
    const probe = `const r = {};
for (const s of ['incent/package.json', 'incent/schemas/statement.schema.json', 'incent/schemas/artifact.schema.json']) r[s] = (await import(s, { with: { type: 'json' } })).default.title ?? 'ok';
for (const s of ['incent/dist/index.js', 'incent/cli/main.js', 'incent/schemas/nope.json']) r[s] = await import(s).then(() => 'imported', (e) => e.code);
console.log(JSON.stringify(r));`;
    const r = JSON.parse(ok(process.execPath, ['--input-type=module', '-e', probe], app)) as Record<string, string>;
    expect(r).toEqual({
      'incent/package.json': 'ok',
      'incent/schemas/statement.schema.json': 'Incent statement',
      'incent/schemas/artifact.schema.json': 'Incent artifact',
      'incent/dist/index.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'incent/cli/main.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      'incent/schemas/nope.json': 'ERR_MODULE_NOT_FOUND',
    });
  });

  it('the installed `incent` command checks and runs, with no TypeScript loader', () => {
    const bin = join(app, 'node_modules', '.bin', 'incent');
    expect(existsSync(bin)).toBe(true);
    const check = sh('npx', ['--offline', 'incent', 'check', 'program.incent'], app);
    expect(check.stderr).toBe('program.incent: ok\n');
    expect(check.status).toBe(0);

    const broken = join(app, 'broken.incent');
    writeFileSync(broken, readFileSync(join(app, 'program.incent'), 'utf8').replace('to cash', 'to cahs'));
    const bad = sh(bin, ['check', '--format', 'json', basename(broken)], app);
    expect(bad.status).toBe(1);
    const diags = JSON.parse(bad.stdout) as { file: string; code: string; message: string }[];
    expect(diags.find((d) => d.code.startsWith('E'))).toMatchObject({ file: 'broken.incent', code: 'E0209', message: 'there is no payout `cahs`' });

    const run = sh(bin, ['run', 'program.incent', '--data', 'data', '--period', '2026-Q1', '--format', 'json'], app);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const statement = JSON.parse(run.stdout) as { period: string; cost: string };
    const expected = JSON.parse(readFileSync(join(example, 'expected', '2026-Q1.json'), 'utf8')) as { cost: string };
    expect(statement.period).toBe('2026-Q1');
    expect(statement.cost).toBe(expected.cost);

    // The command is the bundle alone: it runs without the package's dependencies installed.
    const alone = join(work, 'alone');
    mkdirSync(join(alone, 'bin'), { recursive: true });
    mkdirSync(join(alone, 'dist'));
    cpSync(join(app, 'node_modules', 'incent', 'bin'), join(alone, 'bin'), { recursive: true });
    cpSync(join(app, 'node_modules', 'incent', 'dist', 'incent.mjs'), join(alone, 'dist', 'incent.mjs'));
    cpSync(join(app, 'node_modules', 'incent', 'dist', 'commands.cjs'), join(alone, 'dist', 'commands.cjs')); // the script the commands run
    cpSync(join(app, 'node_modules', 'incent', 'package.json'), join(alone, 'package.json'));
    const help = sh(process.execPath, [join(alone, 'bin', 'incent.js'), 'check', join(app, 'program.incent')], work);
    expect(help.stderr).toBe(`${join(app, 'program.incent')}: ok\n`);
  });
});
