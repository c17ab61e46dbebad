/**
 * The JSON Schemas in schemas/ (shipped in the package): they are what `npm run schemas` generates
 * from the zod schemas now, and real documents validate against them — every example's artifact
 * and statements, diagnostics of broken programs — with a JSON Schema validator (ajv, so that the
 * shipped files themselves are proven, not only the zod schemas they come from) and with zod.
 * Damaged documents fail both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../bin/schemas.js';
import { compile } from '../../compiler/compile.js';
import { JsonDiagnosticsSchema } from '../../core/diagnostics-schema.js';
import { loadArtifact } from '../../runtime/artifact.js';
import { StatementJsonSchema, StatementsJsonSchema } from '../../runtime/statement-schema.js';
import { cli, exampleNames } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const schemaDir = join(root, 'schemas');
const examples = exampleNames();

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validator = (name: string) => ajv.compile(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')));
const validArtifact = validator('artifact.schema.json');
const validStatement = validator('statement.schema.json');
const validDiagnostics = validator('diagnostics.schema.json');

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('schemas/', () => {
  it('holds exactly what `npm run schemas` generates from the zod schemas (run it after changing them)', () => {
    const generated = schemaFiles();
    expect(readdirSync(schemaDir).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) expect(readFileSync(join(schemaDir, name), 'utf8'), `schemas/${name} is stale: run npm run schemas`).toBe(text);
  });

  it('are JSON Schema 2020-12 documents with a title', () => {
    for (const name of readdirSync(schemaDir)) {
      const s = JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as { $schema: string; title: string };
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.title).toMatch(/^Incent /);
    }
  });
});

describe.each(examples)('examples/%s', (name) => {
  const dir = join(root, 'examples', name);

  it('its artifact, stored as JSON, validates against artifact.schema.json; damaged, it does not', () => {
    const artifact = compile(readFileSync(join(dir, 'program.incent'), 'utf8')).artifact;
    expect(artifact).toBeDefined();
    const stored = clone(artifact);
    expect(validArtifact(stored), JSON.stringify(validArtifact.errors)).toBe(true);
    expect(loadArtifact(stored)).toEqual(stored);

    const damaged = clone(stored) as { program: { currency: string }; rules: { awards?: unknown }[] };
    damaged.program.currency = 'euro';
    expect(validArtifact(damaged)).toBe(false);
    expect(validArtifact.errors!.some((e) => e.instancePath === '/program/currency')).toBe(true);
    expect(() => loadArtifact(damaged)).toThrow(/program\.currency/);
  });

  it('every statement of `incent run --all --format json` validates against statement.schema.json (and the zod schema)', () => {
    const r = cli('run', join(dir, 'program.incent'), '--data', join(dir, 'data'), '--all', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    const statements = JSON.parse(r.out) as unknown[];
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(validStatement(s), JSON.stringify(validStatement.errors)).toBe(true);
    expect(StatementsJsonSchema.safeParse(statements).success).toBe(true);
    // and something real was checked: partners with pots and amounts
    const last = statements.at(-1) as { partners: { pots: Record<string, { paid: string }> }[]; cost: string };
    expect(last.partners.length).toBeGreaterThan(0);
    expect(Object.keys(last.partners[0]!.pots).length).toBeGreaterThan(0);
    expect(last.cost).toMatch(/^\d+\.\d+$/);
  });
});

describe('statement.schema.json rejects what is not a statement', () => {
  const dir = join(root, 'examples', 'northwind-distributor');
  const r = cli('run', join(dir, 'program.incent'), '--data', join(dir, 'data'), '--period', '2026-Q1', '--format', 'json');
  const statement = JSON.parse(r.out) as Record<string, unknown> & { partners: { pots: Record<string, Record<string, unknown>> }[] };

  it.each([
    ['an amount written as a binary float number', (s: typeof statement) => (s.partners[0]!.pots['cash']!['paid'] = 12.5)],
    ['an amount with an exponent', (s: typeof statement) => (s.partners[0]!.pots['cash']!['paid'] = '1e3')],
    ['a missing field', (s: typeof statement) => delete s['cost']],
    ['an unknown field', (s: typeof statement) => (s['extra'] = 1)],
    ['a malformed period', (s: typeof statement) => (s['period'] = '2026-Q5')],
  ])('%s', (_, damage) => {
    expect(validStatement(statement)).toBe(true);
    const bad = clone(statement);
    damage(bad);
    expect(validStatement(bad)).toBe(false);
    expect(StatementJsonSchema.safeParse(bad).success).toBe(false);
  });
});

describe('diagnostics.schema.json', () => {
  const fixture = readFileSync(join(root, 'test', 'fixtures', 'northwind.incent'), 'utf8');

  it('the diagnostics of broken programs (errors with hints, warnings, related places) validate', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tmp = mkdtempSync(join(tmpdir(), 'incent-schema-'));
    const files = {
      'typos.incent': fixture.replace('to cash\n', 'to cahs\n').replace('award floor(amount / 1 EUR) * multiplier to points', 'award floor(amount / 1 EUR) * multiplierr to points'),
      'syntax.incent': fixture.replace('rule "', 'rule rule "'),
      'duplicate.incent': fixture + '\npayout cash as cash\n',
      'unused.incent': fixture + '\nlet never_used = 3\n',
    };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(tmp, f), text);
    const r = cli('check', '--format', 'json', ...Object.keys(files).map((f) => join(tmp, f)));
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.out) as { file: string; severity: string; hint?: string; related?: unknown[] }[];
    expect(new Set(diags.map((d) => d.file)).size).toBe(4);
    expect(diags.some((d) => d.hint)).toBe(true);
    expect(diags.some((d) => d.related?.length)).toBe(true);
    expect(diags.some((d) => d.severity === 'warning')).toBe(true);
    expect(validDiagnostics(diags), JSON.stringify(validDiagnostics.errors)).toBe(true);
    expect(JsonDiagnosticsSchema.safeParse(diags).success).toBe(true);

    const bad = clone(diags) as Record<string, unknown>[];
    bad[0]!['severity'] = 'fatal';
    expect(validDiagnostics(bad)).toBe(false);
    expect(JsonDiagnosticsSchema.safeParse(bad).success).toBe(false);
  });

  it('a clean program gives an empty array, which validates', () => {
    const r = cli('check', '--format', 'json', join(root, 'test', 'fixtures', 'northwind.incent'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
    expect(validDiagnostics([])).toBe(true);
  });
});
