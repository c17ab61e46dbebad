/**
 * Field ranges (`amount: money in 0 EUR..1_000 EUR`): a value outside its field's range is a data
 * problem of its record (D0220), read in memory and streamed alike, in CSV, JSON and NDJSON;
 * values on a bound are in; test records outside a range fail their test (T0002).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/compile.js';
import { loadData } from '../../../runtime/data/load.js';
import { openDataFolder } from '../../../runtime/data/node-stream.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import { runTests } from '../../../runtime/tests.js';

const PROGRAM = `program "Ranges" {
  currency EUR
  period quarter
  start 2026-01-01
}
partner {
  target: money in 0 EUR..250_000 EUR
}
event sale {
  amount: money in -500 EUR..1_000 EUR
  units: integer in 1..10
  rate: decimal in 0%..100%
  shipped: date in 2026-01-01..2026-06-30
}
payout cash as cash
rule "R" {
  for each sale
  award amount * rate to cash
}
test "out of range" {
  period 2026-Q1
  partner "P1" { target: 300_000 EUR }
  expect "P1" cash = 0 EUR
}
`;

const a = compile(PROGRAM).artifact!;
const tmp = mkdtempSync(join(tmpdir(), 'incent-ranges-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'id,partner,date,amount,units,rate,shipped';
const ROWS = [
  'S1,P1,2026-01-05,1000,10,1,2026-06-30', // every value on its upper bound: valid
  'S2,P1,2026-01-05,-500 EUR,1,0,2026-01-01', // on the lower bounds: valid
  'S3,P1,2026-01-05,1000.01,5,0.5,2026-02-01', // amount above
  'S4,P1,2026-01-05,10,0,0.5,2026-02-01', // units below
  'S5,P1,2026-01-05,10,5,1.5,2026-02-01', // rate above
  'S6,P1,2026-01-05,10,5,0.5,2025-12-31', // shipped before
  'S7,P1,2026-01-05,-600,11,-0.1,2026-07-01', // all four
];
const EXPECTED = [
  'sale.csv:4: field "amount": "1000.01" is outside the field\'s range -500 EUR..1000 EUR',
  'sale.csv:5: field "units": "0" is outside the field\'s range 1..10',
  'sale.csv:6: field "rate": "1.5" is outside the field\'s range 0..1',
  'sale.csv:7: field "shipped": "2025-12-31" is outside the field\'s range 2026-01-01..2026-06-30',
  'sale.csv:8: field "amount": "-600" is outside the field\'s range -500 EUR..1000 EUR',
  'sale.csv:8: field "units": "11" is outside the field\'s range 1..10',
  'sale.csv:8: field "rate": "-0.1" is outside the field\'s range 0..1',
  'sale.csv:8: field "shipped": "2026-07-01" is outside the field\'s range 2026-01-01..2026-06-30',
];

describe('field ranges in the data', () => {
  it('the artifact keeps each range as plain decimals or dates', () => {
    expect(a.events[0]!.fields.filter((f) => f.range).map((f) => [f.name, f.range])).toEqual([
      ['amount', { min: '-500', max: '1000' }],
      ['units', { min: '1', max: '10' }],
      ['rate', { min: '0', max: '1' }],
      ['shipped', { min: '2026-01-01', max: '2026-06-30' }],
    ]);
  });

  it('CSV: values outside are D0220, on the bounds are in; in memory and streamed alike', () => {
    const files = { 'partners.csv': 'id,target\nP1,250000\nP2,250000.01\n', 'sale.csv': [HEADER, ...ROWS].join('\n') + '\n' };
    const { input } = loadData(a, files);
    const memory = input.problems.map(formatProblem);
    expect(memory).toEqual(['partners.csv:3: field "target": "250000.01" is outside the field\'s range 0 EUR..250000 EUR', ...EXPECTED]);
    expect(input.problems.every((p) => p.code === 'D0220' && p.severity === 'error')).toBe(true);
    expect(input.events.get('sale')!.map((r) => r.id)).toEqual(['S1', 'S2']);
    const dir = join(tmp, 'csv');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    const folder = openDataFolder(dir, a, { acceptRejects: true });
    expect(folder.problems().map(formatProblem)).toEqual(memory);
  });

  it('JSON and NDJSON: the same checks on the same values', () => {
    const objects = ROWS.map((r) => Object.fromEntries(HEADER.split(',').map((k, i) => [k, r.split(',')[i]])));
    const json = loadData(a, { 'partners.json': '[{"id":"P1","target":"0"}]', 'sale.json': JSON.stringify(objects) });
    expect(json.input.problems.map((p) => `${p.field}: ${p.message}`)).toEqual(EXPECTED.map((e) => e.replace(/^sale\.csv:\d+: field "(\w+)": /, '$1: ')));
    const nd = loadData(a, { 'partners.json': '[{"id":"P1","target":0}]', 'sale.ndjson': objects.map((o) => JSON.stringify({ ...o, units: Number(o.units) })).join('\n') });
    expect(nd.input.problems.map((p) => p.code)).toEqual(EXPECTED.map(() => 'D0220'));
  });

  it('a test record outside a range fails its test with T0002', () => {
    const [t] = runTests(a);
    expect(t!.passed).toBe(false);
    expect(t!.failures.map((f) => [f.code, f.message])).toEqual([['T0002', 'test data: partners.json:1: field "target": "300000" is outside the field\'s range 0 EUR..250000 EUR']]);
  });
});
