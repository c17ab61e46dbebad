/**
 * `incent check --exposure` on the command line: the report on standard output (text, or in the
 * JSON with the diagnostics), on every example; usage mistakes; a program with errors has none.
 * What the report says is tested in test/review/exposure*.test.ts and test/golden/exposure/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchemas } from '../../review/schema.js';
import { cli, cliAsync, exampleNames } from '../helpers/cli.js';

const { ExposureReportSchema } = reportSchemas();

const root = join(import.meta.dirname, '..', '..');
const examples = exampleNames();

describe('incent check --exposure', () => {
  it.each(examples)('examples/%s: text, and JSON that validates against its schema', async (name) => {
    const file = join(root, 'examples', name, 'program.incent');
    const text = await cliAsync('check', '--exposure', file);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Exposure of .*program\.incent: the most each pot can pay/);
    expect(text.err).toContain(': ok');
    const json = await cliAsync('check', '--exposure', '--format', 'json', file);
    const doc = JSON.parse(json.out) as { diagnostics: unknown[]; exposure: unknown };
    expect(doc.diagnostics).toEqual([]);
    const report = ExposureReportSchema.parse(doc.exposure);
    expect(report.pots.length).toBeGreaterThan(0);
  });

  it('a program with errors: its diagnostics, no report, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'incent-exposure-'));
    const file = join(dir, 'bad.incent');
    writeFileSync(file, 'program "B" { currency EUR  period quarter  start 2026-01-01 }\nlet x = revenu\n');
    const r = await cliAsync('check', '--exposure', file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${file}: no exposure: the program has errors`);
    const json = JSON.parse((await cliAsync('check', '--exposure', '--format', 'json', file)).out) as { diagnostics: { code: string }[]; exposure?: unknown };
    expect(json.diagnostics.map((d) => d.code)).toEqual(['W0001', 'E0201']);
    expect(json.exposure).toBeUndefined();
  });

  it('analyses one program FILE', () => {
    const file = join(root, 'examples', examples[0]!, 'program.incent');
    expect(cli('check', '--exposure', file, file)).toMatchObject({ code: 2, err: expect.stringContaining('incent check --exposure analyses one program FILE') });
  });
});
