/**
 * The byte path (`runtime/data/bytes.ts`: CSV lines split and converted on bytes into typed
 * columns, anything unusual through the string reader) against the string path (`loadData`): the
 * same records with the same values, the same problems and rejected records, whatever the chunk
 * size — on csv-spectrum's files and on generated dirty files (BOM, CRLF, quotes, non-ASCII,
 * `12.50 EUR`, leading zeros, `-0`, …). And the statements a run writes as it goes
 * (`statement-stream.ts`) against those of the whole run (`statement.ts`), byte for byte, on every
 * example.
 */
import { describe, it, expect, onTestFinished, vi } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import { parseDate } from '../../../core/periods.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { parseCsv } from '../../../runtime/data/csv.js';
import { loadData, recordSchemas } from '../../../runtime/data/load.js';
import { openDataFolder } from '../../../runtime/data/node-stream.js';
import { TOOK } from '../../../runtime/data/bytes.js';
import { ByteRows } from '../../../runtime/data/byte-rows.js';
import { compileSchema } from '../../../runtime/data/schema.js';
import { PartnerTable, type ColumnBatch, type ColumnNeeds } from '../../../runtime/data/columns.js';
import { idHash1, idHash2 } from '../../../runtime/data/record-sets.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import { Evaluator } from '../../../runtime/evaluate.js';
import * as N from '../../../runtime/num.js';
import { statementCsv, statementJson, statementTable } from '../../../runtime/statement.js';
import { csvWriter, jsonWriter, tableWriter, Writer, type StatementWriter } from '../../../runtime/statement-stream.js';
import { exampleNames } from '../../helpers/cli.js';
import { tempFolders } from '../../helpers/folders.js';

const root = join(import.meta.dirname, '..', '..', '..');
/** Records the byte path took (as columns), over the tests: it must take some. */
let batched = 0;
const folder = tempFolders('bytes');

function artifact(text: string): Artifact {
  const r = compile(text);
  if (!r.artifact) throw new Error(JSON.stringify(r.diagnostics.map((d) => d.message)));
  return r.artifact;
}

/** A row as comparable text: numbers by their value (`12.5` and `12.50` are one value). */
function rowText(r: object): string {
  return JSON.stringify(r, (_k, v: unknown) => (v instanceof N.Fixed || (typeof v === 'object' && v !== null && v.constructor?.name === 'Decimal') ? `#${N.toText(v as N.Num)}` : v));
}

/**
 * The sale records as the byte path gives them (batches of columns, and rows for the records it
 * leaves to the string path), in order, on the first read (every record read as valid) and on a
 * later one (the valid ones); each batch's columns checked against the record's values.
 */
function bytePath(a: Artifact, dir: string, needs: ColumnNeeds, chunkSize: number, scales: Record<string, number>, codeOf: Record<string, (v: unknown) => number>) {
  const s = openDataFolder(dir, a, { chunkSize, acceptRejects: true });
  const read = (): string[] => {
    const rows: string[] = [];
    const ok = s.scanColumns('sale', {
      needs,
      batch: (b: ColumnBatch) => {
        batched += b.n;
        for (let j = 0; j < b.n; j++) {
          const row = b.row(j) as Record<string, unknown>;
          b.names.forEach((name, index) => {
            const nums = b.nums[index];
            if (nums) expect(N.toText(new N.Fixed(nums[j]!, scales[name] ?? 0)), name).toBe(N.toText(row[name] as N.Num));
            const codes = b.codes[index];
            const lits = b.literals[index];
            if (codes && lits) expect(codes[j] === -1 ? undefined : lits[codes[j]!], name).toBe(lits.includes(row[name] as string) ? row[name] : undefined);
            else if (codes && codeOf[name]) expect(codes[j], name).toBe(codeOf[name](row[name]));
          });
          rows.push(rowText(row));
        }
      },
      row: (r) => rows.push(rowText(r)),
    });
    expect(ok).toBe(true);
    return rows;
  };
  const first = read();
  const again = read();
  return { first, again, problems: s.problems().map(formatProblem), rejected: s.rejectedRecords().map((r) => [r.line, r.raw, r.reasons]), files: s.files() };
}

function stringPath(a: Artifact, dir: string) {
  const texts = new Map<string, string>();
  for (const f of readdirSync(dir)) texts.set(f, readFileSync(join(dir, f), 'utf8'));
  const { input } = loadData(a, texts);
  return { rows: (input.events.get('sale') ?? []).map(rowText), problems: input.problems.map(formatProblem), rejected: input.rejected.map((r) => [r.line, r.raw, r.reasons]), files: input.files };
}

/** Scales: of the fields read as numbers (money at the currency's digits); `codeOf`: a field's code from its value. */
function sameAsStringPath(a: Artifact, dir: string, needs: ColumnNeeds, chunkSizes: readonly number[], scales: Record<string, number> = {}, codeOf: Record<string, (v: unknown) => number> = {}): void {
  const want = stringPath(a, dir);
  for (const chunkSize of chunkSizes) {
    const got = bytePath(a, dir, needs, chunkSize, scales, codeOf);
    expect(got.again, `chunks of ${chunkSize}`).toEqual(want.rows);
    // the first read gives every record read as valid: the valid ones among them in order
    for (const r of want.rows) expect(got.first).toContain(r);
    expect(got.problems).toEqual(want.problems);
    expect(got.rejected).toEqual(want.rejected);
    expect(got.files).toEqual(want.files);
  }
}

describe('the byte path reads what the string path reads', () => {
  const spectrumDir = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
  const spectrum = readdirSync(join(spectrumDir, 'csvs')).map((f) => f.replace(/\.csv$/, ''));

  it('finds csv-spectrum', () => expect(spectrum.length).toBe(12));

  it('(the byte path took records as columns)', () => {
    const a = artifact(`program "P" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\nevent sale {\n  note: text\n}\n`);
    const before = batched;
    sameAsStringPath(a, folder({ 'sale.csv': 'id,partner,date,note\nS1,P1,2026-01-01,a\nS2,P1,2026-01-02,"b"\nS3,P1,2026-01-03,c\n' }), new Map([['note', { as: 'literal', literals: ['a', 'b'] }]]), [1, 1 << 20]);
    expect(batched - before).toBe(2 * 2 * 2); // S1 and S3, two reads, two chunk sizes
  });

  for (const name of spectrum) {
    it(`csv-spectrum ${name}, as the text fields of sale records, in chunks of any size`, () => {
      const text = readFileSync(join(spectrumDir, 'csvs', `${name}.csv`), 'utf8');
      const rows = parseCsv(new Uint8Array(Buffer.from(text)));
      const [header, ...body] = rows;
      const fields = header!.fields.map((_, i) => `f${i}`);
      // each record's text as written (its quotes and line breaks), after an id, partner and date
      const lines = text.split('\n');
      const raw = body.map((r, k) => lines.slice(r.line - 1, k + 1 < body.length ? body[k + 1]!.line - 1 : undefined).join('\n').replace(/\n$/, ''));
      const sale = ['id,partner,date,' + fields.join(','), ...raw.map((r, k) => `S${k},P${k % 3},2026-01-0${1 + (k % 9)},${r}`)].join('\n') + '\n';
      const a = artifact(`program "P" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\nevent sale {\n${fields.map((f) => `  ${f}: text`).join('\n')}\n}\n`);
      const values = [...new Set(body.flatMap((r) => r.fields))];
      const needs: ColumnNeeds = new Map(fields.map((f) => [f, { as: 'literal', literals: values }]));
      sameAsStringPath(a, folder({ 'sale.csv': sale }), needs, [1, 2, 5, 64, 1 << 20]);
    });
  }

  it('a field with a range is not read on bytes: its converter checks the range (D0220)', () => {
    const a = artifact(`program "P" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\nevent sale {\n  amount: money in 0 EUR..100 EUR\n}\npayout cash as cash\nrule "R" {\n  for each sale\n  award amount to cash\n}\n`);
    const dir = folder({ 'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-01,50.00\nS2,P1,2026-01-02,150.00\nS3,P2,2026-01-03,-1\n' });
    const s = openDataFolder(dir, a, { acceptRejects: true });
    expect(s.scanColumns('sale', { needs: new Map([['amount', { as: 'num' }]]), batch: () => {}, row: () => {} })).toBe(false);
    const want = stringPath(a, dir);
    expect(want.rejected.length).toBe(2);
    const t = openDataFolder(dir, a, { acceptRejects: true });
    const streamed = new Evaluator(a).runSource(t.partners, t).map((r) => JSON.stringify(statementJson(a, r)));
    expect(t.problems().map(formatProblem)).toEqual(want.problems);
    expect(t.rejectedRecords().map((r) => [r.line, r.raw, r.reasons])).toEqual(want.rejected);
    const texts = new Map([['sale.csv', readFileSync(join(dir, 'sale.csv'), 'utf8')]]);
    expect(streamed).toEqual(new Evaluator(a).run(loadData(a, texts).data).map((r) => JSON.stringify(statementJson(a, r))));
  });

  const DIRTY = `program "Dirty" {
  currency EUR
  period quarter
  start 2026-01-01
}
event sale {
  sku: text
  category: one of "hardware", "software", "café"
  amount: money
  quantity: integer
  rate: decimal
  shipped: date
  gift: boolean
}
`;
  const needs: ColumnNeeds = new Map<string, { as: 'num' } | { as: 'code' } | { as: 'day' } | { as: 'literal'; literals: readonly string[] }>([
    ['sku', { as: 'literal', literals: ['A', 'b "q"', 'é'] }],
    ['category', { as: 'code' }],
    ['amount', { as: 'num' }],
    ['quantity', { as: 'num' }],
    ['shipped', { as: 'day' }],
    ['gift', { as: 'code' }],
  ]);
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const oneOf = (...xs: string[]) => fc.constantFrom(...xs);
  const amount = fc.oneof(
    oneOf('12.50', '12.50 EUR', '12.5', '012.50', '-0', '-0.00', '0', '00', '-12.50', '1e3', '12,50', ' 12.50', '12.50 USD', '12.505', '12.500', '9007199254740991', '90071992547409.93', '123456789012345678901234567890123456', '0.0000000000000000000000000000000000001', '£5', '', '"12.50"'),
    fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.nat(99)).map(([i, c]) => `${i}.${String(c).padStart(2, '0')}`),
  );
  const integer = fc.oneof(oneOf('7', '007', '-0', '-3', '+3', '3.0', '3.5', '', '9007199254740993', ' 1'), fc.integer({ min: -99, max: 99 }).map(String));
  const decimal = fc.oneof(oneOf('0.5', '.5', '-0.0', '1.25', '0001.2500', '1e2', '2%', '12345678901234567.5'), fc.integer({ min: -9999, max: 9999 }).map((i) => (i / 100).toString()));
  const date = oneOf('2026-01-05', '2026-02-29', '2028-02-29', '2026-13-01', '2026-1-5', '0000-01-01', '9999-12-31', '2026-06-31', '2026-03-15T10:00', '');
  // (a literal's prefixes and extensions too: 'AB', 'A ' are texts that are not 'A')
  const text = oneOf('A', 'b "q"', 'é', 'x,y', 'line\nbreak', 'crlf\r\nbreak', 'tab\tx', '日本語', '', ' A', 'AB', 'A ', 'b');
  const dirty = fc.record({
    id: fc.oneof(fc.nat(30).map((i) => `S${i}`), oneOf('', 'S1 ', 'Ś1')),
    partner: oneOf('P1', 'P2', 'P01', 'Pé', ''),
    sku: text,
    category: oneOf('hardware', 'software', 'café', 'Hardware', '', 'hardwares', 'hard', 'software ', 'caf'),
    amount,
    quantity: integer,
    rate: decimal,
    shipped: date,
    gift: oneOf('true', 'false', 'yes', 'TRUE', ''),
  });
  // mostly plain records (the byte path's own), among the dirty ones
  const clean = fc.record({
    id: fc.nat(60).map((i) => `S${i}`),
    partner: oneOf('P1', 'P2', 'P3'),
    sku: oneOf('A', 'B'),
    category: oneOf('hardware', 'software'),
    amount: fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.nat(99)).map(([i, c]) => `${i}.${String(c).padStart(2, '0')}`),
    quantity: fc.integer({ min: 0, max: 20 }).map(String),
    rate: fc.integer({ min: 0, max: 99 }).map(String),
    shipped: oneOf('2026-01-05', '2026-02-28', '2026-12-31'),
    gift: oneOf('true', 'false'),
  });
  const record = fc.oneof({ arbitrary: clean, weight: 3 }, { arbitrary: dirty, weight: 1 });
  const file = fc.record({
    records: fc.array(record, { minLength: 1, maxLength: 40 }),
    bom: fc.boolean(),
    eol: oneOf('\n', '\r\n'),
    last: fc.boolean(),
    order: fc.shuffledSubarray(['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'], { minLength: 10, maxLength: 10 }),
    chunk: fc.integer({ min: 1, max: 80 }),
  });

  it('the generated converter answers as the interpreter, line by line: members and literals read where the cell starts (their prefixes, extensions, a last cell, bytes after the line)', () => {
    const a = artifact(DIRTY);
    const c = compileSchema(recordSchemas(a).find((x) => x.file === 'sale')!);
    const order = ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'];
    const header = { columnOf: c.names.map((n) => order.indexOf(n)), width: order.length };
    const lastFirst = ['id', 'partner', 'date', 'sku', 'amount', 'quantity', 'rate', 'shipped', 'gift', 'category'];
    const header2 = { columnOf: c.names.map((n) => lastFirst.indexOf(n)), width: lastFirst.length };
    const make = (): ByteRows => {
      const rows = new ByteRows(c, 2, needs, new PartnerTable([], () => true), () => ({}) as never);
      return rows;
    };
    const cells = (over: Record<string, string>) => ({ id: 'S1', partner: 'P1', date: '2026-01-05', sku: 'A', category: 'hardware', amount: '12.50', quantity: '3', rate: '0.5', shipped: '2026-01-05', gift: 'true', ...over });
    const variants: Record<string, string>[] = [];
    for (const sku of ['A', 'AB', 'A ', 'b', 'é', '', ' A', 'x']) variants.push({ sku });
    for (const category of ['hardware', 'software', 'hardwares', 'hard', 'software ', 'Hardware', '', 'caf', 'h', 's']) variants.push({ category });
    let took = 0;
    for (const [h, cols] of [
      [header, order],
      [header2, lastFirst],
    ] as const) {
      for (const after of ['', 'ware', 'wares,1', ',x', '\n']) {
        for (const v of variants) {
          const r = cells(v);
          const line = cols.map((k) => r[k as keyof typeof r]).join(',');
          const buf = new TextEncoder().encode(line + after);
          const end = new TextEncoder().encode(line).length;
          const gen = make();
          const int = make();
          ByteRows.generate = true;
          gen.header(h.columnOf, h.width);
          ByteRows.generate = false;
          int.header(h.columnOf, h.width);
          ByteRows.generate = true;
          for (const clean of [false, true]) {
            if (clean && /[^\x00-\x7f]/.test(line)) continue; // a clean stretch is ASCII
            gen.clean = clean;
            const got = gen.convert(buf, 0, end);
            const want = int.interpret(buf, 0, end);
            expect(got, `${line} (then ${JSON.stringify(after)}), clean ${clean}`).toBe(want);
            if (got !== TOOK) continue;
            took++;
            for (let f = 0; f < c.names.length; f++) {
              expect(gen.batch.codes[f]?.[0], c.names[f]).toBe(int.batch.codes[f]?.[0]);
              expect(gen.batch.nums[f]?.[0], c.names[f]).toBe(int.batch.nums[f]?.[0]);
            }
          }
        }
      }
    }
    expect(took).toBeGreaterThan(20);
  });

  it('ids: every byte reader gives the pair idHash1 and idHash2 give the id\'s text (a prefix and a number kept as such, any other id hashed)', () => {
    const a = artifact(DIRTY);
    const c = compileSchema(recordSchemas(a).find((x) => x.file === 'sale')!);
    const order = ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'];
    const header = { columnOf: c.names.map((n) => order.indexOf(n)), width: order.length };
    const make = (generate: boolean): ByteRows => {
      const rows = new ByteRows(c, 2, needs, new PartnerTable([], () => true), () => ({}) as never);
      rows.idSeed = 0x5eed;
      ByteRows.generate = generate;
      rows.header(header.columnOf, header.width);
      ByteRows.generate = true;
      return rows;
    };
    const gen = make(true);
    const int = make(false);
    const printable = fc.stringMatching(/^[!#-+\--~ ]{1,12}$/); // ASCII without comma, quote or line end
    const id = fc.oneof(
      fc.tuple(fc.stringMatching(/^[A-Za-z_#-]{0,4}$/), fc.stringMatching(/^[0-9]{1,11}$/)).map(([p, d]) => p + d),
      fc.constantFrom('0', '00', '01', 'L0', 'L01', 'L1', 'ABC123', 'ABCD1', 'L999999999', 'L1000000000', 'L134217727', 'L134217728', 'L1x1', '7-11', 'A1B', '1A'),
      printable,
    );
    let numbered = 0;
    fc.assert(
      fc.property(id, (x) => {
        const line = `${x},P1,2026-01-05,A,hardware,12.50,3,0.5,2026-01-05,true`;
        const buf = new TextEncoder().encode(line + '\n');
        const want = [idHash1(x, 0x5eed), idHash2(x, 0x5eed)];
        if (want[0]! > 0) numbered++;
        for (const clean of [false, true]) {
          gen.clean = clean;
          expect(gen.convert(buf, 0, line.length), line).toBe(TOOK);
          expect([gen.idH1, gen.idH2], `${x}, clean ${clean}`).toEqual(want);
        }
        expect(int.interpret(buf, 0, line.length)).toBe(TOOK);
        expect([int.idH1, int.idH2], `${x}, interpreted`).toEqual(want);
        gen.batch.n = 0;
        expect(gen.runLines(buf, 0, buf.length)).toBe(buf.length);
        expect([gen.runH1[0], gen.runH2[0]], `${x}, in a run`).toEqual(want);
        gen.batch.n = 0;
        int.batch.n = 0;
      }),
      { numRuns: 500, seed: 5 },
    );
    expect(numbered).toBeGreaterThan(100);
    // a prefix and a number: h1 > 0 names the prefix, h2 is the number; any other id: h1 < 0
    expect([idHash1('L1000000', 1), idHash2('L1000000', 1)]).toEqual([(2 << 24) | 76, 1_000_000]);
    expect([idHash1('4711', 1), idHash2('4711', 1)]).toEqual([1 << 24, 4711]);
    for (const other of ['L01', 'ABCD1', 'L1000000000', 'L1x1', '']) expect(idHash1(other, 1), other).toBeLessThan(0);
  });

  it('partner ids: every byte reader gives each record the partner its cell names, and its table each id once in the order met (ids of the pattern learnt, of other widths and prefixes, and of none)', () => {
    const a = artifact(DIRTY);
    const c = compileSchema(recordSchemas(a).find((x) => x.file === 'sale')!);
    const order = ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'];
    const header = { columnOf: c.names.map((n) => order.indexOf(n)), width: order.length };
    const make = (generate: boolean) => {
      const table = new PartnerTable([], () => true);
      const rows = new ByteRows(c, 2, needs, table, () => ({}) as never);
      ByteRows.generate = generate;
      rows.header(header.columnOf, header.width);
      ByteRows.generate = true;
      return { rows, table };
    };
    // the first id teaches the pattern (P and 5 digits); then ids of it, of other widths, prefixes and shapes
    const partner = fc.oneof(
      fc.integer({ min: 0, max: 99_999 }).map((n) => `P${String(n).padStart(5, '0')}`),
      fc.tuple(fc.constantFrom('P', 'Q', 'PP', ''), fc.stringMatching(/^[0-9]{1,8}$/)).map(([p, d]) => p + d),
      fc.constantFrom('P0', 'P000001', 'P1234', 'P12345x', 'P1234-', 'p01234', 'P-1234', 'P 1234', 'P01234 ', 'Q00042', 'p00042', 'PP0042', '000042'),
    );
    fc.assert(
      fc.property(fc.array(partner, { minLength: 1, maxLength: 40 }), (ids) => {
        const all = ['P00042', ...ids];
        const lines = all.map((p, i) => `L${i + 1},${p},2026-01-05,A,hardware,12.50,3,0.5,2026-01-05,true`);
        const buf = new TextEncoder().encode(lines.join('\n') + '\n');
        const gen = make(true);
        expect(gen.rows.runLines(buf, 0, buf.length)).toBe(buf.length);
        const int = make(false);
        let at = 0;
        lines.forEach((line, i) => {
          // (the record is written at the batch's end, which the reader then moves on)
          expect(int.rows.interpret(buf, at, at + line.length)).toBe(TOOK);
          at += line.length + 1;
          expect(int.table.ids[int.rows.batch.partner[0]!], `${all[i]}, interpreted`).toBe(all[i]);
        });
        expect(gen.rows.batch.n).toBe(all.length);
        for (let j = 0; j < all.length; j++) expect(gen.table.ids[gen.rows.batch.partner[j]!], `${all[j]}, in a run`).toBe(all[j]);
        // and the table holds the ids met, once each, in the order met (a run stops before a partner it
        // does not know by its number, which is then found from its bytes outside it): no other
        expect(gen.table.ids).toEqual([...new Set(all)]);
        expect(int.table.ids).toEqual([...new Set(all)]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it.each([
    ['its generated converter (runs of lines in clean stretches)', true, true],
    ['its generated converter, line by line', true, false],
    ['its interpreter', false, false],
  ])('generated dirty files, in chunks of any size: the same records, values and problems (the byte path with %s)', (_how, generate, runs) => {
    const a = artifact(DIRTY);
    const before = batched;
    ByteRows.generate = generate;
    ByteRows.runs = runs;
    onTestFinished(() => {
      ByteRows.generate = true;
      ByteRows.runs = true;
    });
    fc.assert(
      fc.property(file, (f) => {
        const rows = f.records.map((r) => ({ ...r, date: r.shipped === '' ? '2026-03-01' : r.shipped }));
        const body = rows.map((r) => f.order.map((c) => cell((r as Record<string, string>)[c]!)).join(','));
        const sale = (f.bom ? '\uFEFF' : '') + [f.order.join(','), ...body].join(f.eol) + (f.last ? f.eol : '');
        sameAsStringPath(a, folder({ 'sale.csv': sale }), needs, [f.chunk, 1 << 20], { amount: 2 }, {
          category: (v) => ['hardware', 'software', 'café'].indexOf(v as string),
          gift: (v) => (v === true ? 1 : 0),
          shipped: (v) => parseDate(v as string)!,
        });
      }),
      { numRuns: 60, seed: 11 },
    );
    expect(batched - before).toBeGreaterThan(500); // the byte path took many of them
  });

  it('runs of lines (clean stretches, ends found by the cells): stop at each line the converter does not take, and take back up after it, in chunks of any size', () => {
    const a = artifact(DIRTY);
    // the dirty values that keep a stretch clean (ASCII, no quote, no CR): invalid cells, empty ones, too few or too many cells
    const plain = (v: string) => !/[^\x20-\x7e]|"/.test(v);
    const odd = fc.record({
      id: fc.oneof(fc.nat(60).map((i) => `S${i}`), oneOf('', 'S1 ')),
      partner: oneOf('P1', 'P2', 'P01', ''),
      sku: text.filter(plain),
      category: oneOf('hardware', 'software', 'Hardware', '', 'hardwares', 'hard', 'software ', 'caf'),
      amount: amount.filter(plain),
      quantity: integer,
      rate: oneOf('0.5', '.5', '1e2', '2%', '12345678901234567.5'),
      shipped: date,
      gift: oneOf('true', 'false', 'yes', ''),
    });
    const line = fc.record({
      r: fc.oneof({ arbitrary: clean, weight: 4 }, { arbitrary: odd, weight: 1 }),
      shape: fc.oneof({ arbitrary: fc.constant('whole'), weight: 12 }, { arbitrary: oneOf('empty', 'short', 'long'), weight: 3 }),
    });
    const taken = { lines: 0 };
    const runLines = ByteRows.prototype.runLines;
    const spy = vi.spyOn(ByteRows.prototype, 'runLines').mockImplementation(function (this: ByteRows, buf, pos, limit) {
      const n = this.batch.n;
      const to = runLines.call(this, buf, pos, limit);
      taken.lines += this.batch.n - n;
      return to;
    });
    onTestFinished(() => spy.mockRestore());
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 80, size: 'max' }), fc.shuffledSubarray(['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'], { minLength: 10, maxLength: 10 }), fc.boolean(), fc.integer({ min: 1, max: 200 }), (lines, order, last, chunk) => {
        const body = lines.map(({ r, shape }) => {
          if (shape === 'empty') return '';
          const cells = order.map((c) => (c === 'date' ? (r.shipped === '' ? '2026-03-01' : r.shipped) : (r as Record<string, string>)[c]!));
          return (shape === 'short' ? cells.slice(1) : shape === 'long' ? [...cells, 'x'] : cells).join(',');
        });
        const sale = [order.join(','), ...body].join('\n') + (last ? '\n' : '');
        sameAsStringPath(a, folder({ 'sale.csv': sale }), needs, [chunk, 1 << 20], { amount: 2 }, {
          category: (v) => ['hardware', 'software', 'café'].indexOf(v as string),
          gift: (v) => (v === true ? 1 : 0),
          shipped: (v) => parseDate(v as string)!,
        });
      }),
      { numRuns: 80, seed: 12 },
    );
    expect(taken.lines).toBeGreaterThan(500); // runs took lines (most of a clean file's)
  });

  it('a run of lines does not take a line longer than the byte path reads (its cells go to the string reader, which applies the limits)', () => {
    const a = artifact(DIRTY);
    const order = ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'gift'];
    const row = (i: number, sku: string) => [`S${i}`, 'P1', '2026-01-05', sku, 'hardware', '1.00', '1', '0.5', '2026-01-05', 'true'].join(',');
    const sale = [order.join(','), row(1, 'A'), row(2, 'x'.repeat(70_000)), row(3, 'A'), ''].join('\n');
    const dir = folder({ 'sale.csv': sale });
    sameAsStringPath(a, dir, needs, [1 << 20, 100_000], { amount: 2 }, {
      category: (v) => ['hardware', 'software', 'café'].indexOf(v as string),
      gift: (v) => (v === true ? 1 : 0),
      shipped: (v) => parseDate(v as string)!,
    });
    expect(stringPath(a, dir).problems.join('\n')).toMatch(/the limit of a value/);
  });
});

describe('§12.1 and §12.3 on bytes: `from` columns, defaults, keyword names, `ref` fields', () => {
  // Fields named like keywords, read from columns of other names (in another order than declared), with defaults.
  const COLUMNS = `program "Columns" {
  currency EUR
  period quarter
  start 2026-01-01
}
event sale {
  id: text from "Invoice No"
  partner: text from "Customer"
  value: money from "Net Amount (EUR)" default 0 EUR
  count: integer from "Qty" default 1
  category: one of "hardware", "software" from "Cat" default "hardware"
  note: text default ""
}
payout cash as cash
measure revenue = sum value where category = "hardware"
measure units = sum count
rule "Each" {
  for each sale where value > 10 EUR and category = "software"
  award value * 2% to cash
}
rule "Volume" {
  for each partner where units > 3
  award revenue * 1% to cash
}
`;
  const colNeeds: ColumnNeeds = new Map<string, { as: 'num' } | { as: 'code' }>([
    ['value', { as: 'num' }],
    ['count', { as: 'num' }],
    ['category', { as: 'code' }],
  ]);
  const header = ['Customer', 'date', 'Cat', 'Qty', 'note', 'Invoice No', 'Net Amount (EUR)'];
  const rec = fc.record({
    id: fc.nat(40).map((i) => `S${i}`),
    partner: fc.constantFrom('P1', 'P2', 'P3'),
    date: fc.constantFrom('2026-01-05', '2026-02-28', '2026-05-31', '2026-11-30'),
    cat: fc.constantFrom('hardware', 'software', '', 'Software'),
    qty: fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), fc.constantFrom('', '1.5')),
    note: fc.constantFrom('', 'a', 'b c'),
    amount: fc.oneof(fc.tuple(fc.integer({ min: -500, max: 5_000 }), fc.nat(99)).map(([i, c]) => `${i}.${String(c).padStart(2, '0')}`), fc.constantFrom('', 'x')),
  });
  const line = (r: { id: string; partner: string; date: string; cat: string; qty: string; note: string; amount: string }) => [r.partner, r.date, r.cat, r.qty, r.note, r.id, r.amount].join(',');

  it('mapped columns and defaults: the same records, values, problems and statements, in chunks of any size', () => {
    const a = artifact(COLUMNS);
    const before = batched;
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 80 }), (records, chunk) => {
        const sale = [header.map((h) => (h.includes(' ') ? `"${h}"` : h)).join(','), ...records.map(line)].join('\n') + '\n';
        const dir = folder({ 'sale.csv': sale });
        sameAsStringPath(a, dir, colNeeds, [chunk, 1 << 20], { value: 2, count: 0 }, { category: (v) => ['hardware', 'software'].indexOf(v as string) });
        // the run on bytes (column kernels) and the run in memory give the same statements
        const texts = new Map([['sale.csv', sale]]);
        const want = new Evaluator(a).run(loadData(a, texts).data).map((r) => JSON.stringify(statementJson(a, r)));
        const s = openDataFolder(dir, a, { chunkSize: chunk, acceptRejects: true });
        expect(new Evaluator(a).runSource(s.partners, s).map((r) => JSON.stringify(statementJson(a, r)))).toEqual(want);
      }),
      { numRuns: 40, seed: 12 },
    );
    expect(batched - before).toBeGreaterThan(20); // records with every cell filled and valid are taken on bytes
  });

  it('a file without the column of a field that has a default: every record through the string path, which gives the default', () => {
    const a = artifact(COLUMNS);
    const before = batched;
    const dir = folder({ 'sale.csv': 'Customer,date,Cat,Invoice No,Net Amount (EUR),note\nP1,2026-01-05,software,S1,20.00,a\nP2,2026-01-06,hardware,S2,30.00,b\n' });
    sameAsStringPath(a, dir, colNeeds, [1, 7, 1 << 20], { value: 2, count: 0 }, { category: (v) => ['hardware', 'software'].indexOf(v as string) });
    expect(batched).toBe(before);
    expect(stringPath(a, dir).rows.map((r) => JSON.parse(r).count)).toEqual(['#1', '#1']);
  });

  const REFS = `program "Refs" {
  currency USD
  period month
  start 2026-01-01
}
event activation {
  model: one of "P9", "P9a"
}
event refund {
  activation: ref activation
}
payout cards as cash
let reward = lookup activation.model { "P9": 12.50 USD, "P9a": 5 USD }
rule "Activation" {
  for each activation
  award reward to cards
}
rule "Clawback" {
  for each refund
  award -refund.activation.reward to cards
}
`;

  it('`ref` fields: neither the kind that has them nor the kind they name is read on bytes; a streamed run checks them as the in-memory one', () => {
    const a = artifact(REFS);
    const files = {
      'activation.csv': 'id,partner,date,model\nA1,P1,2026-01-05,P9\nA2,P1,2026-01-06,P9a\nA2,P1,2026-01-07,P9\nA3,P2,2026-02-01,P9x\nA4,P2,2026-02-02,P9\n',
      'refund.csv': 'id,partner,date,activation\nF1,P1,2026-01-20,A1\nF2,P1,2026-01-21,A2\nF3,P2,2026-02-10,A3\nF4,P2,2026-02-11,A9\nF5,P2,2026-02-12,A4\n',
    };
    const dir = folder(files);
    const s = openDataFolder(dir, a, { acceptRejects: true });
    const none = { needs: new Map(), batch: () => {}, row: () => {} } as const;
    expect(s.scanColumns('refund', none)).toBe(false);
    expect(s.scanColumns('activation', none)).toBe(false);
    const texts = new Map(Object.entries(files));
    const { input, data } = loadData(a, texts);
    const want = new Evaluator(a).run(data).map((r) => JSON.stringify(statementJson(a, r)));
    for (const chunkSize of [3, 1 << 20]) {
      const t = openDataFolder(dir, a, { chunkSize, acceptRejects: true });
      expect(new Evaluator(a).runSource(t.partners, t).map((r) => JSON.stringify(statementJson(a, r)))).toEqual(want);
      expect(t.problems().map(formatProblem)).toEqual(input.problems.map(formatProblem));
      expect(t.rejectedRecords().map((r) => [r.kind, r.line, r.raw, r.reasons])).toEqual(input.rejected.map((r) => [r.kind, r.line, r.raw, r.reasons]));
    }
    // the duplicate A2 and the invalid A3 are rejected, and so are the refunds that name them, and F4 (no A9)
    expect(input.rejected.filter((r) => r.kind === 'refund').map((r) => r.line)).toEqual([3, 4, 5]);
  });
});

describe('statements written as the run goes are those of the whole run', () => {
  const examples = exampleNames({ data: true });

  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(5));

  /** The text a writer makes of every period of a streamed run (all of them, or the last). */
  function streamed(a: Artifact, dir: string, make: (w: Writer) => StatementWriter, all: boolean): string {
    let out = '';
    const w = new Writer((s) => void (out += typeof s === 'string' ? s : new TextDecoder().decode(s)));
    const writer = make(w);
    const s = openDataFolder(dir, a);
    new Evaluator(a).stream(s.partners, s, {}, (p) => {
      if (!all && p.index !== p.count - 1) return;
      writer.begin(p.period);
      const t = p.finish((x) => writer.partner(x));
      writer.end({ period: p.period, ...t, rejected: p.rejected });
    });
    writer.close();
    return out;
  }

  it('names JSON must escape (a rule\'s quotes, backslash, accents, arrow, emoji), each tier and level, several pots: JSON byte for byte', () => {
    // (the JSON writer encodes each tier and level, and each rule and pot, once: their text must be JSON.stringify's)
    const rule = 'Points \\"gold\\" \\\\ é → 😀';
    const a = artifact(
      `program "P" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n}\nevent sale {\n  amount: money\n}\nmeasure total = sum sale.amount\n` +
        `tier status by total {\n  Member\n  Gold from 100 EUR\n}\ntier band by total {\n  Low\n  High from 50 EUR\n}\npayout points as points\npayout cash as cash\n` +
        `rule "${rule}" {\n  for each partner\n  award floor(total / 1 EUR) to points\n  award total / 10 to cash\n}\nrule "Sale ñ" {\n  for each sale\n  award 1 EUR to cash\n}\n`,
    );
    expect(a.rules[0]!.name).toContain('"gold"');
    const texts = new Map([['sale.csv', 'id,partner,date,amount\nS1,P1,2026-01-05,120.00\nS2,P2,2026-02-01,60.00\nS3,P1,2026-05-01,10.00\nS4,P3,2026-05-02,1.00\n']]);
    const dir = folder(Object.fromEntries(texts));
    const results = new Evaluator(a).run(loadData(a, texts).data);
    expect(streamed(a, dir, (w) => jsonWriter(a, w, true), true)).toBe(JSON.stringify(results.map((r) => statementJson(a, r)), null, 2) + '\n');
  });

  it('partner ids CSV must escape or neutralise (a comma, a quote, a formula, accents), two tiers, two pots: CSV byte for byte', () => {
    // (the CSV writer writes a row's cells itself: an id through csvCell once a partner, a level once, amounts as digits)
    const a = artifact(
      `program "P" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n}\nevent sale {\n  amount: money\n}\nmeasure total = sum sale.amount\n` +
        `tier status by total {\n  Member\n  Gold from 100 EUR\n}\ntier band by total {\n  Low\n  High from 50 EUR\n}\npayout points as points\npayout cash as cash {\n  cap 30 EUR per partner\n}\n` +
        `rule "R" {\n  for each partner\n  award floor(total / 1 EUR) to points\n  award total / 3 to cash\n}\n`,
    );
    const sale = 'id,partner,date,amount\nS1,"P,1",2026-01-05,120.00\nS2,"=SUM(A1)",2026-02-01,60.00\nS3,"P""2",2026-05-01,10.00\nS4,Ñandú,2026-05-02,1.00\nS5,-12,2026-05-03,-4.50\n';
    const texts = new Map([['sale.csv', sale]]);
    const dir = folder(Object.fromEntries(texts));
    const results = new Evaluator(a).run(loadData(a, texts).data);
    const csv = streamed(a, dir, (w) => csvWriter(a, w), true);
    expect(csv).toBe(statementCsv(a, results));
    expect(csv).toContain('"P,1"');
    expect(csv).toContain("'=SUM(A1)");
    expect(csv).toContain('Ñandú');
  });

  for (const ex of examples) {
    it(`examples/${ex}: JSON, CSV and table, byte for byte`, () => {
      const a = artifact(readFileSync(join(root, 'examples', ex, 'program.incent'), 'utf8'));
      const dir = join(root, 'examples', ex, 'data');
      const texts = new Map<string, string>();
      for (const f of readdirSync(dir)) if (/\.(csv|json|ndjson)$/.test(f)) texts.set(f, readFileSync(join(dir, f), 'utf8'));
      const results = new Evaluator(a).run(loadData(a, texts).data);
      const last = results[results.length - 1]!;
      expect(streamed(a, dir, (w) => jsonWriter(a, w, true), true)).toBe(JSON.stringify(results.map((r) => statementJson(a, r)), null, 2) + '\n');
      expect(streamed(a, dir, (w) => jsonWriter(a, w, false), false)).toBe(JSON.stringify(statementJson(a, last), null, 2) + '\n');
      expect(streamed(a, dir, (w) => csvWriter(a, w), true)).toBe(statementCsv(a, results));
      expect(streamed(a, dir, (w) => tableWriter(a, w, (x) => x), true)).toBe(results.map((r) => statementTable(a, r)).join('\n'));
    });
  }
});
