/**
 * Issue 13's property: generated programs (measures of every pushed kind — sum, count, average,
 * min, max — under generated conditions and windows, an early rule with or without a cap per event,
 * periods of a month, a quarter or a year) over generated data give byte-identical statements
 * through DuckDB (`--engine duckdb`) and through the streaming runtime. The data has values the
 * database's strict checks refuse (amounts with more than six decimals, `12.50 EUR`): the kind is
 * then streamed, and the statements are still the same. A fixed program with a partner attribute
 * per partner is also run through DuckDB tables and Postgres (PGlite).
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../helpers/fast-check-seed.js';
import { cli, cliAsync, root } from '../../helpers/cli.js';
import { duckdbFromFolder, pgliteFromFolder } from '../../helpers/warehouse.js';
import { compile } from '../../../compiler/compile.js';
import { generateSample } from '../../../playground/src/sample.js';
import { programSchema } from '../../../playground/src/schema.js';
import { tableToCsv } from '../../../playground/src/tables.js';
import { fromGen, genProgram } from '../../generators/programs.js';

const tmp = mkdtempSync(join(tmpdir(), 'incent-warehouse-prop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WHERE = ['', 'sale.category = "hardware"', 'sale.sku in ["A", "B"]', 'sale.amount > 100 EUR', 'sale.date in 2026-02-01..2026-08-15', 'sale.channel != "web"', 'not (sale.quantity >= 3)', 'sale.category = "software" or sale.quantity * 2 < 7'];
const MEASURE = ['sum sale.amount', 'sum sale.quantity * lookup sale.category { "hardware": 2.5, "software": 1 }', 'count sale', 'average sale.amount', 'max sale.amount', 'min sale.quantity', 'sum floor(sale.amount / 1 EUR) * 3 - sale.quantity'];
const WINDOW = ['', ' over last 2 quarters', ' over year to date', ' over previous period', ' over program to date'];
const RULE_WHERE = ['', ' where category = "hardware"', ' where sku = "A" and date in 2026-03-01..2026-09-30', ' where amount >= 50 EUR'];

interface Gen {
  period: 'month' | 'quarter' | 'year';
  measures: { op: number; where: number; window: number }[];
  rule: { where: number; cap: boolean } | null;
}

function program(g: Gen): string {
  const measures = g.measures.map((m, i) => {
    const op = MEASURE[m.op]!;
    const needsElse = op.startsWith('average') || op.startsWith('max') || op.startsWith('min');
    const zero = op.includes('quantity') && !op.startsWith('sum') ? '0' : '0 EUR';
    return `measure m${i} = ${op}${WHERE[m.where] ? ` where ${WHERE[m.where]}` : ''}${WINDOW[m.window]}${needsElse ? ` else ${zero}` : ''}`;
  });
  const total = g.measures.map((m, i) => (MEASURE[m.op]!.includes('quantity') && !MEASURE[m.op]!.startsWith('sum sale.quantity') ? `m${i} * 1 EUR` : MEASURE[m.op]!.startsWith('count') || MEASURE[m.op]!.startsWith('sum floor') || MEASURE[m.op]!.startsWith('sum sale.quantity') ? `m${i} * 1 EUR` : `m${i}`));
  return `program "P" {
  currency EUR
  period ${g.period}
  start 2026-01-01
  end 2026-12-31
}
partner { region: one of "North", "South" }
event sale { sku: text  category: one of "hardware", "software"  amount: money  quantity: integer  channel: text default "web" }
event training { course: text }
${measures.join('\n')}
measure trainings = count training where training.course = "Pro"
payout cash as cash
rule "Rebate" {
  for each partner
  award (${total.join(' + ')}) * 1% + trainings * 5 EUR to cash
}
${g.rule ? `rule "SPIFF" {\n  for each sale${RULE_WHERE[g.rule.where]}\n  award amount * 3% + 2 EUR * quantity to cash\n${g.rule.cap ? '  cap 4.5 EUR per event\n' : ''}}\n` : ''}`;
}

const genArb: fc.Arbitrary<Gen> = fc.record({
  period: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
  measures: fc.array(fc.record({ op: fc.nat(MEASURE.length - 1), where: fc.nat(WHERE.length - 1), window: fc.nat(WINDOW.length - 1) }), { minLength: 1, maxLength: 4 }),
  rule: fc.option(fc.record({ where: fc.nat(RULE_WHERE.length - 1), cap: fc.boolean() }), { nil: null }),
});

const saleArb = fc.record({
  p: fc.nat(4),
  day: fc.nat(500),
  sku: fc.constantFrom('A', 'B', 'C'),
  hw: fc.boolean(),
  cents: fc.integer({ min: -5_000, max: 2_000_000 }),
  odd: fc.nat(30),
  qty: fc.nat(9),
  channel: fc.constantFrom('', 'web', 'store'),
});
type Data = { dirty: number; sales: { p: number; day: number; sku: string; hw: boolean; cents: number; odd: number; qty: number; channel: string }[]; trainings: { p: number; day: number; pro: boolean }[] };
const dataArb: fc.Arbitrary<Data> = fc.record({ dirty: fc.nat(4), sales: fc.array(saleArb, { maxLength: 60 }), trainings: fc.array(fc.record({ p: fc.nat(4), day: fc.nat(500), pro: fc.boolean() }), { maxLength: 8 }) });

const DAY0 = Date.UTC(2025, 10, 1);
const iso = (d: number) => new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10); // test data only
function amount(cents: number, odd: number): string {
  const s = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
  if (odd === 0) return `${s}1234567`; // more decimals than the database reads: the kind is streamed
  if (odd === 1) return `${s} EUR`; // a form the database's checks do not take
  return s;
}

function writeData(dir: string, d: Data): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'partners.csv'), `id,region\n${[0, 1, 2, 3, 4].map((p) => `P${p},${p % 2 ? 'North' : 'South'}`).join('\n')}\n`);
  writeFileSync(join(dir, 'sale.csv'), `id,partner,date,sku,category,amount,quantity,channel\n${d.sales.map((s, i) => `S${i},P${s.p},${iso(s.day)},${s.sku},${s.hw ? 'hardware' : 'software'},${amount(s.cents, d.dirty === 0 ? s.odd : 2)},${s.qty},${s.channel}\n`).join('')}`);
  writeFileSync(join(dir, 'training.csv'), `id,partner,date,course\n${d.trainings.map((t, i) => `T${i},P${t.p},${iso(t.day)},${t.pro ? 'Pro' : 'Basic'}\n`).join('')}`);
}

/** A generated case in its own folder: the program, its data, and the streaming run's JSON statements (which must succeed). */
function streamedCase(prefix: string, g: Gen, d: Data): { dir: string; file: string; data: string; streamed: ReturnType<typeof cli> } {
  const dir = join(tmp, `${prefix}-${n++}`);
  const data = join(dir, 'data');
  writeData(data, d);
  const file = join(dir, 'program.incent');
  writeFileSync(file, program(g));
  const streamed = cli('run', file, '--data', data, '--all', '--format', 'json');
  expect(streamed.code, `${streamed.err}\n${program(g)}`).toBe(0);
  return { dir, file, data, streamed };
}

/** A run through a database says what the streaming run says: the same messages (less its `--show-pushdown` lines), the same statements. */
function expectSame(pushed: { out: string; err: string }, streamed: { out: string; err: string }): void {
  expect(pushed.err.replace(/^-- .*\n/gm, '')).toBe(streamed.err);
  expect(pushed.out).toBe(streamed.out);
}

let n = 0;
let pushedCases = 0;
describe('pass 1 in DuckDB on generated programs and data', () => {
  it('gives the streaming runtime\'s statements, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(genArb, dataArb, async (g, d) => {
        const { dir, file, data, streamed } = streamedCase('case', g, d);
        const pushed = await cliAsync('run', file, '--data', data, '--engine', 'duckdb', '--all', '--format', 'json', '--show-pushdown');
        if (pushed.err.includes('-- sale: pushed down')) pushedCases++;
        expectSame(pushed, streamed);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 30) }, // allow-number: a run count
    );
    // Most cases are pushed down (the others have values the database's checks refuse).
    expect(pushedCases).toBeGreaterThan(n / 2);
  }, 240_000);
});

describe('pass 1 in Postgres (PGlite) on generated programs and data', () => {
  // PGlite takes seconds to start: a few cases, beside DuckDB's many.
  it('gives the streaming runtime\'s statements, byte for byte', async () => {
    let pushed = 0;
    await fc.assert(
      fc.asyncProperty(genArb, dataArb, async (g, d) => {
        const { dir, file, data, streamed } = streamedCase('pg-case', g, d);
        await pgliteFromFolder(data, join(dir, 'pg'));
        const r = await cliAsync('run', file, '--source', `pglite:${join(dir, 'pg')}`, '--all', '--format', 'json', '--show-pushdown');
        if (r.err.includes('-- sale: pushed down')) pushed++;
        expectSame(r, streamed);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env['FC_RUNS_PG'] ?? 5) }, // allow-number: a run count
    );
    expect(pushed).toBeGreaterThan(0);
  }, 240_000);
});

describe('the generated programs of test/generators over the playground\'s sample data', () => {
  it('give the same statements (or the same evaluation error) through DuckDB as streamed', async () => {
    let pushedSome = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), fc.integer({ min: 1, max: 1_000_000 }), async (g, seed) => {
        const source = genProgram(fromGen(g));
        const c = compile(source);
        expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const dir = join(tmp, `gen-${runs++}`);
        mkdirSync(join(dir, 'data'), { recursive: true });
        for (const [file, table] of Object.entries(generateSample(programSchema(c.checked!), { seed, partners: 6, events: 60 }))) writeFileSync(join(dir, 'data', `${file}.csv`), tableToCsv(table).text);
        writeFileSync(join(dir, 'program.incent'), source);
        const streamed = cli('run', join(dir, 'program.incent'), '--data', join(dir, 'data'), '--all', '--format', 'json');
        const pushed = await cliAsync('run', join(dir, 'program.incent'), '--data', join(dir, 'data'), '--engine', 'duckdb', '--all', '--format', 'json', '--show-pushdown');
        if (pushed.err.includes(': pushed down')) pushedSome++;
        expect(pushed.code).toBe(streamed.code);
        expectSame(pushed, streamed);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 40) }, // allow-number: a run count
    );
    expect(pushedSome).toBeGreaterThan(runs / 4);
  }, 300_000);
});

describe('a program with every pushed form, through DuckDB tables and Postgres', () => {
  const program = join(root, 'test', 'golden', 'sql', 'program.incent');
  const data = join(tmp, 'golden-data');
  mkdirSync(data, { recursive: true });
  const rand = fc.sample(dataArb, { numRuns: 1, seed: 7 })[0]!;
  writeData(data, { ...rand, sales: rand.sales.map((s) => ({ ...s, odd: Math.max(2, s.odd) })) });
  // The golden program reads `Net Amount` and has more kinds: rewrite the sale file's header, add the others.
  const sale = `id,partner,date,sku,category,Net Amount,quantity,channel\n${rand.sales.map((s, i) => `S${i},P${s.p},${iso(s.day)},${i % 3 === 0 ? 'SKU-7' : s.sku},${s.hw ? 'hardware' : 'software'},${amount(s.cents, Math.max(2, s.odd))},${s.qty},${s.channel}\n`).join('')}`;
  writeFileSync(join(data, 'sale.csv'), sale);
  writeFileSync(join(data, 'training.csv'), `id,partner,date,course\nT1,P1,2026-02-03,Router Pro\nT2,P2,2026-05-03,Other\n`);
  writeFileSync(join(data, 'visit.csv'), `id,partner,date,minutes\nV1,P1,2026-02-03,90\n`);
  writeFileSync(join(data, 'refund.csv'), `id,partner,date,amount\nR1,P3,2026-07-03,12.50\n`);
  const streamed = cli('run', program, '--data', data, '--all', '--format', 'json');

  it('streams', () => expect(streamed.code, streamed.err).toBe(0));
  it('through --engine duckdb', async () => {
    const r = await cliAsync('run', program, '--data', data, '--engine', 'duckdb', '--all', '--format', 'json', '--show-pushdown');
    expect(r.err).toContain('-- sale: pushed down (measure revenue, measure hardware, measure units, measure biggest, measure average_sale, rule "Hardware SPIFF")');
    expect(r.out).toBe(streamed.out);
  });
  it('through --source duckdb:PATH', async () => {
    const file = join(tmp, 'golden.duckdb');
    await duckdbFromFolder(data, file);
    const r = await cliAsync('run', program, '--source', `duckdb:${file}`, '--all', '--format', 'json');
    expect(r.out).toBe(streamed.out);
  });
  it('through --source pglite:DIR (Postgres)', async () => {
    const dir = join(tmp, 'golden.pglite');
    await pgliteFromFolder(data, dir);
    const r = await cliAsync('run', program, '--source', `pglite:${dir}`, '--all', '--format', 'json', '--show-pushdown');
    expect(r.err).toContain('-- sale: pushed down');
    expect(r.out).toBe(streamed.out);
  }, 60_000);
});
