/**
 * Several currencies (§13.4) on the command line: `check --data` validates rates.csv, a missing
 * rate fails `run` at its record's file and line, `--reject` sets bad records and bad rates aside,
 * statements keep the converted values, `explain` shows each conversion, `test` takes `rate { … }`.
 * Over the example examples/alpine-distributor and a copy of its data with problems.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, root } from '../helpers/cli.js';

const example = join(root, 'examples', 'alpine-distributor');
const program = join(example, 'program.incent');

/** A copy of the example's data, with some files replaced. */
function data(replace: Record<string, string> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'incent-currencies-')), 'data');
  cpSync(join(example, 'data'), dir, { recursive: true });
  for (const [f, t] of Object.entries(replace)) writeFileSync(join(dir, f), t);
  return dir;
}

describe('incent with exchange rates', () => {
  it('run: statements in the program’s currency, converted exactly and rounded at the rule total', () => {
    const r = cli('run', program, '--data', join(example, 'data'), '--period', '2026-Q1', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.currency).toBe('EUR');
    // UK: 9,954.00 + 10,985.265625 + 1,500.00 = 22,439.265625 EUR → 3% = 673.17796875 → 673.18
    const uk = doc.partners.find((p: { id: string }) => p.id === 'UK');
    expect(uk.pots.rebate.paid).toBe('673.18');
    expect(uk.awards.find((a: { rule: string }) => a.rule === 'Co-marketing').trace).toContain('C01 (2026-02-26; cost 1200.00 GBP × 1.192 = 1430.40 EUR at the rate of 2026-02) → 715.20 EUR');
    const csv = cli('run', program, '--data', join(example, 'data'), '--period', '2026-Q1', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.out).toContain('673.18');
  });

  it('explain: each converted amount, as written, its rate and the exact euros', () => {
    const r = cli('explain', program, '--data', join(example, 'data'), '--period', '2026-Q1', '--partner', 'CH');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Co-marketing: 1 claim event: C02 (2026-03-05; cost 999.99 CHF × 1.058 = 1057.98942 EUR at the rate of 2026-03) → 528.99471 EUR');
    expect(r.out).toContain('rounded half-even to 528.99 EUR');
  });

  it('check --data: the rates file is validated like any data file', () => {
    const dir = data({ 'rates.csv': 'month,currency,rate\n2026-01,GBP,1.1850\n2026-01,GBP,1.1851\n2026-02,CHF,-1\n2026-03,EUR,1.2\n' });
    const r = cli('check', program, '--data', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[D0306]: rates.csv:2: two rates for GBP in 2026-01 that differ (also rates.csv:3); every row for it is rejected');
    expect(r.err).toContain('error[D0225]: rates.csv:4: field "rate": "-1" is not a rate: a rate is above zero (EUR per one unit of the currency)');
    expect(r.err).toContain('error[D0226]: rates.csv:5: field "rate": EUR is the program\'s currency: its rate is 1, not "1.2"');
    expect(r.err).toContain('error[D0307]: sale.csv:4: field "amount": 8400.00 GBP on 2026-01-09 cannot be converted: the rate for GBP in 2026-01 was rejected (rates.csv:2)');
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('run: a missing rate fails the run at its record; --reject sets the record aside and the rest runs', () => {
    const rates = readFileSync(join(example, 'data', 'rates.csv'), 'utf8').replace('2026-03,GBP,1.1875\n', '');
    const dir = data({ 'rates.csv': rates });
    const bad = cli('run', program, '--data', dir, '--period', '2026-Q1');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('error[D0307]: sale.csv:5: field "amount": 9250.75 GBP on 2026-03-17 cannot be converted: rates.csv has no rate for GBP in 2026-03');
    expect(bad.err).toContain('hint: add the rate to `rates.csv` (or fix its row)');
    const rejects = join(mkdtempSync(join(tmpdir(), 'incent-currencies-')), 'rejected');
    const ok = cli('run', program, '--data', dir, '--reject', rejects, '--format', 'json', '--period', '2026-Q1');
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.out);
    expect(doc.rejected).toBe(1);
    // UK without S04: 9,954.00 + 1,500.00 = 11,454.00 EUR, below 20,000: no rebate
    expect(doc.partners.find((p: { id: string }) => p.id === 'UK').pots.rebate.paid).toBe('0.00');
    expect(readFileSync(join(rejects, 'sale.csv'), 'utf8')).toBe(
      'id,partner,date,cur,amount,line,reason\nS04,UK,2026-03-17,GBP,9250.75,5,"D0307 field ""amount"": 9250.75 GBP on 2026-03-17 cannot be converted: rates.csv has no rate for GBP in 2026-03"\n',
    );
    expect(readFileSync(join(rejects, 'rates.csv'), 'utf8')).toBe('month,currency,rate,line,reason\n');
  });

  it('run: without rates.csv, one problem of the file (not one per record), even with --reject', () => {
    const dir = data();
    const rejects = join(mkdtempSync(join(tmpdir(), 'incent-currencies-')), 'rejected');
    writeFileSync(join(dir, 'rates.csv'), '');
    const r = cli('run', program, '--data', dir, '--reject', rejects);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[D0101]: rates.csv:1: the file is empty: a CSV file needs a header row that names the fields');
    expect(r.err).not.toContain('D0307');
  });

  it('a redemption in another currency that cannot be applied is placed at its record (§13.1 with §13.4)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incent-currencies-'));
    const file = join(dir, 'p.incent');
    writeFileSync(
      file,
      'program "L" {\n  currency EUR\n  period month\n  start 2026-01-01\n  end 2026-03-31\n  exchange rates monthly\n}\nevent sale {\n  amount: money\n}\nevent spend {\n  amount: money any\n}\npayout credit as credit {\n  cap 1_000 EUR per partner\n  expire after 6 months\n}\nrule "Earn" {\n  for each sale\n  award amount to credit\n}\nrule "Spend" {\n  for each spend\n  redeem amount from credit\n}\n',
    );
    const d = join(dir, 'data');
    mkdirSync(d);
    writeFileSync(join(d, 'sale.csv'), 'id,partner,date,amount\nS1,P1,2026-01-05,100\n');
    writeFileSync(join(d, 'spend.csv'), 'id,partner,date,amount\nX1,P1,2026-02-05,50 GBP\nX2,P1,2026-02-06,60 GBP\n');
    writeFileSync(join(d, 'rates.csv'), 'month,currency,rate\n2026-02,GBP,1.2\n');
    // 100 EUR earned; 50 GBP × 1.2 = 60 EUR redeemed; then 60 GBP × 1.2 = 72 EUR is above the 40 EUR left
    const r = cli('run', file, '--data', d, '--period', '2026-02');
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[D0401]: spend.csv:3: redeems 72.00 EUR from `credit`, but the partner's balance there is 40.00 EUR at that point; the redemption is not applied");
  });

  it('test: rate records', () => {
    const r = cli('test', program);
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 passed, 0 failed');
  });
});
