/**
 * A program by halves over a data folder: the column kernel keeps its sums by spans of a period's
 * months (6 for a half, not 12), so that a half's window is read as whole spans. Found by issue
 * 13's differential property on the generated programs (the streaming run failed with an internal
 * error on every `period half` program whose measures the kernel aggregates).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'incent-half-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a measure of a program by halves, read by the column kernel, is the sum of its half', () => {
  writeFileSync(join(dir, 'program.incent'), 'program "H" {\n  currency EUR\n  period half\n  start 2026-01-01\n  end 2026-12-31\n}\nevent sale { amount: money }\nmeasure revenue = sum sale.amount\nmeasure before = sum sale.amount over previous period\npayout cash as cash\nrule "R" {\n  for each partner\n  award revenue * 1% + before * 10% to cash\n}\n');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'sale.csv'), 'id,partner,date,amount\nS1,P1,2026-02-01,100.00\nS2,P1,2026-08-01,200.00\nS3,P1,2026-12-31,50.00\n');
  const r = cli('run', join(dir, 'program.incent'), '--data', join(dir, 'data'), '--all', '--format', 'csv');
  expect(r.err).toBe('');
  expect(r.out.split('\r\n')).toEqual(['period,partner,pot,earned,adjustments,carried_in,paid,carried,approval', '2026-H1,P1,cash,1.00,0.00,0.00,1.00,0.00,no', '2026-H2,P1,cash,12.50,0.00,0.00,12.50,0.00,no', '']);
});
