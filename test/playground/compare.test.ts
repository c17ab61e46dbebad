/**
 * The playground's Compare mode computes what `incent diff` prints: the same report (changes in
 * meaning and payout impact) for the golden case, from the page's in-memory data; and says why
 * when there is nothing to compare.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { compareProgram } from '../../playground/src/compare-run.js';

const golden = join(import.meta.dirname, '..', 'review', 'golden', 'rates-and-budget');
const read = (f: string) => readFileSync(join(golden, f), 'utf8');
const files = Object.fromEntries(readdirSync(join(golden, 'data')).map((f) => [f, readFileSync(join(golden, 'data', f), 'utf8')]));

function cliJson(...args: string[]): Record<string, unknown> {
  let out = '';
  expect(main(['diff', join(golden, 'old.incent'), join(golden, 'new.incent'), '--data', join(golden, 'data'), '--format', 'json', ...args], { out: (s) => (out += s), err: () => {}, color: false })).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('playground Compare', () => {
  it('gives the report incent diff gives, for every period and for one', () => {
    const all = compareProgram({ type: 'compare', id: 1, baseline: read('old.incent'), baselineLabel: 'base', text: read('new.incent'), files });
    expect(all.blocked).toBeUndefined();
    const cli = cliJson();
    expect(all.report!.meaning).toEqual(cli['meaning']);
    expect(all.report!.impact).toEqual(cli['impact']);
    expect(all.headline).toBe('2026-Q1 to 2026-Q2 (2 periods): cost +1,725.00 EUR (+29.8%), 6 of 6 partners affected');
    const q2 = compareProgram({ type: 'compare', id: 2, baseline: read('old.incent'), baselineLabel: 'base', text: read('new.incent'), files, period: '2026-Q2' });
    expect(q2.report!.impact).toEqual(cliJson('--period', '2026-Q2')['impact']);
    expect(q2.text).toContain('2026-Q2: cost +785.00 EUR (+41.0%), 5 of 6 partners affected');
  });

  it('says why there is no comparison or no impact', () => {
    const base = { type: 'compare' as const, id: 1, baseline: read('old.incent'), baselineLabel: 'the example x', files };
    expect(compareProgram({ ...base, text: 'rule "x" {' }).blocked).toBe('The program has syntax errors: see the problems.');
    expect(compareProgram({ ...base, baseline: 'let', text: read('new.incent') }).blocked).toBe('The baseline (the example x) has syntax errors.');
    const noData = compareProgram({ ...base, text: read('new.incent'), files: {} });
    expect([noData.noImpact, noData.report!.meaning.changed]).toEqual(['There is no data to run them over.', true]);
    const typeError = compareProgram({ ...base, text: read('new.incent').replace('award 30 EUR * quantity', 'award 30 * quantity') });
    expect(typeError.noImpact).toBe('The program has errors, so neither runs.');
    const badData = compareProgram({ ...base, text: read('new.incent'), files: { ...files, 'sale.csv': files['sale.csv']!.replace('id,partner', 'ident,partner') } });
    expect(badData.noImpact).toMatch(/^No payout impact: the data cannot be read as the program declares it/);
  });
});
