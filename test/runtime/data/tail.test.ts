/**
 * Pass 1 of a file read by two threads (`runtime/data/tail.ts`): the tail's part — its sums, its
 * partners, its ids, its records given back as rows — applied where the head's reading meets it,
 * against the file read by one thread. The same statements, problems, rejected records and file
 * counts, whatever the data (clean and dirty lines, quoted line breaks across the split, CRLF,
 * non-ASCII, duplicates, unknown partners, sums that would overflow), the chunk size, and whether
 * the tail is taken, dropped or fails. Here the tail is read in this thread (`tailPart`), at the
 * moment the head's reading takes it; the command's second thread is tested in test/cli/threads.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import fc from 'fast-check';
import { compile } from '../../../compiler/compile.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { openDataFolder, type StreamOptions } from '../../../runtime/data/node-stream.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import type { TailReader } from '../../../runtime/data/tail.js';
import { Evaluator } from '../../../runtime/evaluate.js';
import { statementJson } from '../../../runtime/statement.js';
import { tailPart } from '../../../cli/threads.js';
import { tempFolders } from '../../helpers/folders.js';

const folder = tempFolders('tail');

const PROGRAM = (partners: boolean) => `program "Split" {
  currency EUR
  period quarter
  start 2026-01-01
  end 2026-12-31
}
${partners ? 'partner {\n  region: one of "N", "S"\n}\n' : ''}
event sale {
  sku: text
  category: one of "hardware", "software"
  amount: money
  quantity: integer
}

measure total = sum sale.amount
measure hardware = sum sale.amount where sale.category = "hardware"
measure lines = count sale over last 2 quarters

tier status by total {
  Member
  Gold from 1_000 EUR
}

payout cash as cash
payout points as points

rule "Points" {
  for each partner
  award floor(total / 1 EUR) + lines to points
}

rule "SPIFF" {
  for each sale where sku = "HOT"
  award 5 EUR * quantity to cash
}

rule "Rebate" {
  for each partner
  award hardware * 2% to cash
}
`;

function artifact(text: string): Artifact {
  const r = compile(text);
  if (!r.artifact) throw new Error(JSON.stringify(r.diagnostics.map((d) => d.message)));
  return r.artifact;
}

const WITH_PARTNERS = artifact(PROGRAM(true));
const WITHOUT_PARTNERS = artifact(PROGRAM(false));
const PARTNERS_CSV = 'id,region\nP1,N\nP2,S\nP3,N\nP4,S\n';

/** Counts over the tests: the tail must be taken, dropped and refused in some of them. */
const seen = { taken: 0, applied: 0, cancelled: 0 };

/** A tail reader in this thread: the part read when it is taken (or, `fail`, none). */
function inThread(a: Artifact, dir: string, fail = false): TailReader {
  return (job) => ({
    take: () => {
      if (fail) return undefined;
      seen.taken++;
      return tailPart(job, a, dir);
    },
    cancel: () => {
      seen.cancelled++;
    },
  });
}

/** Everything a run says: statements of every period, problems, rejected records, file counts. */
function run(a: Artifact, dir: string, options: StreamOptions): string {
  const data = openDataFolder(dir, a, { acceptRejects: true, ...options });
  let out: string[];
  try {
    out = new Evaluator(a).runSource(data.partners, data).map((r) => JSON.stringify(statementJson(a, r)));
  } catch (e) {
    out = [`error: ${(e as Error).message}`];
  }
  return [
    ...out,
    ...data.problems().map(formatProblem),
    ...data.rejectedRecords().map((r) => JSON.stringify([r.line, r.raw, r.reasons])),
    JSON.stringify(data.files()),
  ].join('\n');
}

const oneOf = (...xs: string[]) => fc.constantFrom(...xs);
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const money = fc.tuple(fc.integer({ min: -2_000, max: 50_000 }), fc.nat(99)).map(([i, c]) => `${i}.${String(c).padStart(2, '0')}`);
const clean = fc.record({
  id: fc.nat(400).map((i) => `S${i}`),
  partner: oneOf('P1', 'P2', 'P3', 'P4'),
  date: oneOf('2026-01-05', '2026-02-28', '2026-05-31', '2026-08-01', '2026-12-31', '2025-11-30'),
  sku: oneOf('A', 'B', 'HOT'),
  category: oneOf('hardware', 'software'),
  amount: money,
  quantity: fc.integer({ min: 0, max: 20 }).map(String),
});
const dirty = fc.record({
  id: fc.oneof(fc.nat(400).map((i) => `S${i}`), oneOf('', 'Ś1')),
  partner: oneOf('P1', 'P9', 'Pé', ''),
  date: oneOf('2026-03-15', '2026-02-30', '2026-3-5', '', '2027-01-01'),
  sku: oneOf('A', 'HOT', 'x,y', 'line\nbreak', 'crlf\r\nbreak', '日本', ''),
  category: oneOf('hardware', 'Hardware', ''),
  amount: oneOf('12.50', '12.50 EUR', '-0', '012.5', '1e3', '', '999999999999.99'),
  quantity: oneOf('7', '3.5', '', '-1'),
});
const record = fc.oneof({ arbitrary: clean, weight: 6 }, { arbitrary: dirty, weight: 1 });
const file = fc.record({
  records: fc.array(record, { minLength: 1, maxLength: 60 }),
  eol: oneOf('\n', '\r\n'),
  last: fc.boolean(),
  partners: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 300 }),
});

function csv(records: readonly Record<string, string>[], eol: string, last: boolean): string {
  const names = ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity'];
  const lines = [names.join(','), ...records.map((r) => names.map((n) => cell(r[n]!)).join(','))];
  return lines.join(eol) + (last ? eol : '');
}

describe('a file read by two threads gives what one thread gives', () => {
  it('on clean and dirty files, in chunks of any size: the same statements, problems, rejected records and counts', () => {
    fc.assert(
      fc.property(file, (f) => {
        const a = f.partners ? WITH_PARTNERS : WITHOUT_PARTNERS;
        const dir = folder({ 'sale.csv': csv(f.records, f.eol, f.last), ...(f.partners ? { 'partners.csv': PARTNERS_CSV } : {}) });
        const one = run(a, dir, { chunkSize: f.chunk });
        expect(run(a, dir, { chunkSize: f.chunk, tail: inThread(a, dir), tailMinBytes: 0 })).toBe(one);
        expect(run(a, dir, { chunkSize: f.chunk, tail: inThread(a, dir, true), tailMinBytes: 0 })).toBe(one);
      }),
      { numRuns: 300 },
    );
    expect(seen.taken).toBeGreaterThan(50);
    expect(seen.cancelled).toBeGreaterThan(0);
  });

  it('the tail is taken where it starts, and reading goes on after it: clean lines then a quoted one in the tail', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `S${i},P${(i % 4) + 1},2026-0${(i % 9) + 1}-10,${i % 7 === 0 ? 'HOT' : 'A'},hardware,${100 + i}.25,${i % 5}`);
    rows.splice(35, 0, 'Q1,P1,2026-04-01,"quoted, with a comma",software,10.00,1');
    const dir = folder({ 'sale.csv': `id,partner,date,sku,category,amount,quantity\n${rows.join('\n')}\n` });
    const a = WITHOUT_PARTNERS;
    const before = { ...seen };
    const parts: { stop: number; records: number; back: number }[] = [];
    const reader: TailReader = (job) => ({
      take: () => {
        const p = tailPart(job, a, dir);
        parts.push({ stop: p.stop, records: p.records, back: p.backCount });
        return p;
      },
      cancel: () => seen.cancelled++,
    });
    expect(run(a, dir, { tail: reader, tailMinBytes: 0 })).toBe(run(a, dir, {}));
    expect(seen.cancelled).toBe(before.cancelled);
    // the tail's thread stopped at the quoted line (line 37 of the file), having taken the clean ones before it
    expect(parts.length).toBe(1);
    expect(parts[0]!.records).toBeGreaterThan(10);
    expect(parts[0]!.back).toBeGreaterThan(0); // HOT sales meet the SPIFF's condition: given back as rows
  });

  it('a split inside a quoted field that holds line breaks is dropped: the head reads on', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `S${i},P1,2026-01-10,A,hardware,10.00,1`);
    const long = `M1,P2,2026-02-01,"${'first line\n'.repeat(60)}end",software,5.00,2`;
    rows.splice(12, 0, long);
    const text = `id,partner,date,sku,category,amount,quantity\n${rows.join('\n')}\n`;
    const mid = Math.floor(Buffer.byteLength(text) / 2);
    expect(text.indexOf(long)).toBeLessThan(mid);
    expect(text.indexOf(long) + long.length).toBeGreaterThan(mid);
    const dir = folder({ 'sale.csv': text });
    const before = seen.cancelled;
    const a = WITHOUT_PARTNERS;
    expect(run(a, dir, { tail: inThread(a, dir), tailMinBytes: 0 })).toBe(run(a, dir, {}));
    expect(seen.cancelled).toBe(before + 1);
  });

  it('sums that would not stay exact once added: the part is refused and the tail read by the head', () => {
    // 999,999,999,999.99 EUR a line (near the byte path's largest): about fifty lines in each half
    // stay below 2^53 cents, the 101 do not (one thread sends the last ones the general way); their
    // sum in cents is odd, which a binary fraction past 2^53 cannot hold
    const rows = Array.from({ length: 101 }, (_, i) => `S${i},P1,2026-01-10,A,hardware,999999999999.99,1`);
    const dir = folder({ 'sale.csv': `id,partner,date,sku,category,amount,quantity\n${rows.join('\n')}\n` });
    const a = WITHOUT_PARTNERS;
    let records = 0;
    const reader: TailReader = (job) => ({
      take: () => {
        const p = tailPart(job, a, dir);
        records = p.records;
        return p;
      },
      cancel: () => {},
    });
    const one = run(a, dir, {});
    expect(one).toContain('hardware 100,999,999,999,998.99 EUR');
    expect(run(a, dir, { tail: reader, tailMinBytes: 0 })).toBe(one);
    expect(records).toBeGreaterThan(40);
  });

  it('a run that explains a partner (its records go as rows): the same statements', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `S${i},P${(i % 3) + 1},2026-0${(i % 9) + 1}-10,A,hardware,${100 + i}.25,1`);
    const dir = folder({ 'sale.csv': `id,partner,date,sku,category,amount,quantity\n${rows.join('\n')}\n` });
    const a = WITHOUT_PARTNERS;
    const explained = (options: StreamOptions) => {
      const data = openDataFolder(dir, a, options);
      return JSON.stringify(new Evaluator(a).runSource(data.partners, data, { explain: new Set(['P2']) }).map((r) => statementJson(a, r)));
    };
    let taken = 0;
    const reader: TailReader = (job) => ({
      take: () => {
        taken++;
        return tailPart(job, a, dir);
      },
      cancel: () => {},
    });
    expect(explained({ tail: reader, tailMinBytes: 0 })).toBe(explained({}));
    expect(taken).toBe(1);
  });

  it('when most records go as rows (a rule without a condition), the tail\'s thread stops past its limit of lines given back and the head reads on', () => {
    const a = artifact(PROGRAM(false).replace('for each sale where sku = "HOT"', 'for each sale'));
    const rows = Array.from({ length: 40_000 }, (_, i) => `S${i},P${(i % 7) + 1},2026-0${(i % 9) + 1}-1${i % 10},A,hardware,${i % 900}.25,${i % 4}`);
    const dir = folder({ 'sale.csv': `id,partner,date,sku,category,amount,quantity\n${rows.join('\n')}\n` });
    const parts: { stop: number; records: number; back: number; size: number }[] = [];
    const reader: TailReader = (job) => ({
      take: () => {
        const p = tailPart({ ...job, backLimit: 64 << 10 }, a, dir);
        parts.push({ stop: p.stop, records: p.records, back: p.backCount, size: statSync(job.path).size });
        return p;
      },
      cancel: () => {},
    });
    expect(run(a, dir, { tail: reader, tailMinBytes: 0 })).toBe(run(a, dir, {}));
    expect(parts.length).toBe(1);
    const p = parts[0]!;
    expect(p.back).toBe(p.records); // every record it took goes as a row
    expect(p.records).toBe(8192); // one batch, then past the limit
    expect(p.stop).toBeLessThan(p.size);
  });

  it('a small file is not split (below tailMinBytes)', () => {
    const dir = folder({ 'sale.csv': 'id,partner,date,sku,category,amount,quantity\nS1,P1,2026-01-10,A,hardware,10.00,1\nS2,P1,2026-01-11,A,hardware,10.00,1\n' });
    let asked = 0;
    const reader: TailReader = () => {
      asked++;
      return undefined;
    };
    run(WITHOUT_PARTNERS, dir, { tail: reader });
    expect(asked).toBe(0);
    run(WITHOUT_PARTNERS, dir, { tail: reader, tailMinBytes: 0 });
    expect(asked).toBe(1);
  });
});
