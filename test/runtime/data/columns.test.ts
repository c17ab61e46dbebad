/**
 * §12.1 in the data: fields read from their own column (`from "Net Amount (€)"`, the implicit
 * `id`, `partner` and `date` too) and defaults (an empty cell, a missing key, `null`, a missing
 * column) — in memory and streamed alike, from CSV, JSON and NDJSON, with messages that name the
 * field and its column, and reject files that keep the input's own columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact } from '../../../runtime/artifact.js';
import { loadData } from '../../../runtime/data/load.js';
import { openDataFolder } from '../../../runtime/data/node-stream.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import { rejectFiles } from '../../../runtime/data/rejects.js';
import { Evaluator } from '../../../runtime/evaluate.js';
import * as N from '../../../runtime/num.js';
import { statementJson } from '../../../runtime/statement.js';
import { compileOrThrow } from '../../helpers/run.js';
import { runTest } from '../../../runtime/tests.js';

const PROGRAM = `program "Columns" {
  currency EUR
  period quarter
  start 2026-01-01
  end 2026-12-31
}

partner {
  id: text from "Customer No"
  tier: one of "gold", "silver" from "Tier (CRM)" default "silver"
}

event sale {
  id: text from "Invoice"
  partner: text from "Customer No"
  date: date from "Invoice Date"
  value: money from "Net Amount (€)"
  count: integer default 1
  note: text default ""
  rebate: decimal default 0.5
  promo: boolean default false
  shipped: date default 2026-12-31
}

payout cash as cash {
  cap 10_000 EUR per partner
}

rule "Sales" {
  for each sale where note = "" and not promo
  award value * count * rebate * 1% to cash
}

rule "Gold" {
  for each sale where partner.tier = "gold" and shipped < 2026-12-31
  award 1 EUR to cash
}
`;

let a: Artifact;
let tmp: string;
beforeAll(() => {
  a = compileOrThrow(PROGRAM);
  tmp = mkdtempSync(join(tmpdir(), 'incent-columns-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'Invoice,Customer No,Invoice Date,Net Amount (€),count,note,rebate,promo,shipped';
const PARTNERS = 'Customer No,Tier (CRM)\nP1,gold\nP2,\n';

function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
}

function texts(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(dir)) m.set(f, readFileSync(join(dir, f), 'utf8'));
  return m;
}

/** Both paths over one folder: statements, problems, rejected records and their reject files. */
function both(dir: string) {
  const { input, data } = loadData(a, texts(dir));
  const memory = {
    statements: new Evaluator(a).run(data).map((r) => JSON.stringify(statementJson(a, r))),
    problems: input.problems.map(formatProblem),
    rejects: Object.fromEntries(rejectFiles(input.files, input.rejected)),
  };
  const s = openDataFolder(dir, a, { acceptRejects: true });
  const stream = {
    statements: new Evaluator(a).runSource(s.partners, s).map((r) => JSON.stringify(statementJson(a, r))),
    problems: s.problems().map(formatProblem),
    rejects: Object.fromEntries(rejectFiles(s.files(), s.rejectedRecords())),
  };
  return { memory, stream };
}

describe('columns and defaults (§12.1)', () => {
  it('reads each field from its column, and gives empty cells their defaults (hand-computed)', () => {
    const sale = [
      HEADER,
      'S1,P1,2026-01-05,1000,,,,,', // count 1, note "", rebate 0.5, promo false, shipped 2026-12-31: 1000 × 1 × 0.5 × 1% = 5.00
      'S2,P1,2026-01-06,200,3,,2,,2026-02-01', // 200 × 3 × 2 × 1% = 12.00; gold and shipped before Dec 31: 1.00
      'S3,P2,2026-01-07,500,,gift,,,', // a note: no award
      'S4,P2,2026-01-08,500,,,,true,', // a promo: no award
    ].join('\n');
    const dir = folder('hand', { 'partners.csv': PARTNERS, 'sale.csv': sale });
    const { memory, stream } = both(dir);
    expect(stream).toEqual(memory);
    expect(memory.problems).toEqual([]);
    const q1 = JSON.parse(memory.statements[0]!) as { partners: { id: string; pots: { cash: { paid: string } } }[] };
    expect(q1.partners.map((p) => [p.id, p.pots.cash.paid])).toEqual([
      ['P1', '18.00'], // 5 + 12 + 1
      ['P2', '0.00'],
    ]);
  });

  it('JSON and NDJSON: a missing key and null take the default; keys are the columns', () => {
    const rows = [
      { Invoice: 'S1', 'Customer No': 'P1', 'Invoice Date': '2026-01-05', 'Net Amount (€)': '1000' },
      { Invoice: 'S2', 'Customer No': 'P1', 'Invoice Date': '2026-01-06', 'Net Amount (€)': '200', count: 3, note: null, rebate: '2', promo: null, shipped: '2026-02-01' },
    ];
    for (const [name, files] of [
      ['json', { 'partners.csv': PARTNERS, 'sale.json': JSON.stringify(rows) }],
      ['ndjson', { 'partners.json': '[{"Customer No":"P1","Tier (CRM)":"gold"},{"Customer No":"P2"}]', 'sale.ndjson': rows.map((r) => JSON.stringify(r)).join('\n') }],
    ] as const) {
      const { memory, stream } = both(folder(`keys-${name}`, files));
      expect(stream, name).toEqual(memory);
      expect(memory.problems, name).toEqual([]);
      expect((JSON.parse(memory.statements[0]!) as { partners: { pots: { cash: { paid: string } } }[] }).partners[0]!.pots.cash.paid, name).toBe('18.00');
    }
  });

  it('problems name the field and its column; reject files keep the input’s own columns', () => {
    const sale = [HEADER, 'S1,P1,2026-01-05,"12,50",,,,,', 'S1,P1,2026-01-06,10,,,,,', 'S2,P9,2026-01-07,5,x,,,,', 'S3,P2,2026-02-30,5,,,,,'].join('\n');
    const dir = folder('bad', { 'partners.csv': PARTNERS, 'sale.csv': sale });
    const { memory, stream } = both(dir);
    expect(stream).toEqual(memory);
    expect(memory.problems).toEqual([
      'sale.csv:2: field "value" (column "Net Amount (€)"): "12,50" is not a decimal amount',
      'sale.csv:2: field "id" (column "Invoice"): "S1" is a duplicate id (also sale.csv:3); every record with this id is rejected, since the records differ',
      'sale.csv:3: field "id" (column "Invoice"): "S1" is a duplicate id (also sale.csv:2); every record with this id is rejected, since the records differ',
      'sale.csv:4: field "count": "x" is not an integer',
      'sale.csv:4: field "partner" (column "Customer No"): "P9" is not a known partner id (not in partners.csv)',
      'sale.csv:5: field "date" (column "Invoice Date"): "2026-02-30" is not a date that exists',
    ]);
    const rejects = memory.rejects['sale.csv']!.split('\n');
    expect(rejects[0]).toBe(`${HEADER},line,reason`);
    expect(rejects[1]).toBe('S1,P1,2026-01-05,"12,50",,,,,,2,"D0206 field ""value"" (column ""Net Amount (€)""): ""12,50"" is not a decimal amount; D0301 field ""id"" (column ""Invoice""): ""S1"" is a duplicate id (also sale.csv:3); every record with this id is rejected, since the records differ"');
  });

  it('a missing column: an error without a default (with the field it is for), a warning with one', () => {
    const dir = folder('missing', {
      'partners.csv': 'Customer No\nP1\n',
      'sale.csv': 'Invoice,Customer No,Invoice Date,value\nS1,P1,2026-01-05,10\n',
    });
    // A file problem stops a run: the problems only, in memory and streamed.
    const memory = loadData(a, texts(dir)).input.problems.map(formatProblem);
    expect(openDataFolder(dir, a, { acceptRejects: true }).problems().map(formatProblem)).toEqual(memory);
    expect(memory).toEqual([
      'partners.csv:1: warning: no column "Tier (CRM)" for field "tier": every record takes the field\'s default',
      'sale.csv:1: missing column "Net Amount (€)" of field "value" (the header has: Invoice, Customer No, Invoice Date, value)',
      'sale.csv:1: warning: no column "count": every record takes the field\'s default',
      'sale.csv:1: warning: no column "note": every record takes the field\'s default',
      'sale.csv:1: warning: no column "rebate": every record takes the field\'s default',
      'sale.csv:1: warning: no column "promo": every record takes the field\'s default',
      'sale.csv:1: warning: no column "shipped": every record takes the field\'s default',
      'sale.csv:1: warning: unknown column "value" is ignored',
    ]);
  });

  it('a column absent with a default: every row takes it, on the fast path too', () => {
    const { input, data } = loadData(a, { 'partners.csv': 'Customer No\nP1\n', 'sale.csv': 'Invoice,Customer No,Invoice Date,Net Amount (€)\nS1,P1,2026-01-05,10\nS2,P1,2026-01-05,20\n' });
    expect(input.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const rows = data.events['sale']!;
    expect(rows.map((r) => [r.id, r.partner, r.date, N.toText(r['value'] as N.Num), N.toText(r['count'] as N.Num), r['note'], N.toText(r['rebate'] as N.Num), r['promo'], r['shipped']])).toEqual([
      ['S1', 'P1', '2026-01-05', '10', '1', '', '0.5', false, '2026-12-31'],
      ['S2', 'P1', '2026-01-05', '20', '1', '', '0.5', false, '2026-12-31'],
    ]);
    expect(data.partners[0]!.attrs['tier']).toBe('silver');
  });

  it('a test block leaves out the fields with defaults and names fields, not columns; `""` is an empty cell', () => {
    const src = `${PROGRAM}
test "defaults" {
  period 2026-Q1
  partner "P1" { tier: "gold" }
  sale { partner: "P1", date: 2026-01-05, value: 1_000 EUR }
  sale { partner: "P1", date: 2026-01-06, value: 200 EUR, count: 3, note: "", rebate: 2, shipped: 2026-02-01 }
  sale { partner: "P1", date: 2026-01-07, value: 500 EUR, note: "gift" }
  expect "P1" cash = 18 EUR
}
`;
    // 1,000 × 1 × 0.5 × 1% = 5; 200 × 3 × 2 × 1% = 12, and 1 for a gold partner's shipped sale; the gift earns nothing
    const t = compileOrThrow(src);
    expect(t.tests.flatMap((x) => runTest(t, x).failures)).toEqual([]);
  });

  it('generated data with defaults, mapped columns and trouble: streamed equals in memory, in every format', () => {
    let x = 7;
    const r = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const cols = HEADER.split(',');
    const sales: string[][] = [];
    for (let i = 0; i < 300; i++) {
      const row = [`S${r(200)}`, `P${1 + r(3)}`, `2026-${String(1 + r(12)).padStart(2, '0')}-${String(1 + r(28)).padStart(2, '0')}`, `${r(500)}.${r(10)}`, r(3) ? '' : String(r(5)), r(4) ? '' : 'n', r(3) ? '' : `0.${r(9)}`, r(5) ? '' : 'true', r(4) ? '' : '2026-06-30'];
      if (r(30) === 0) row[3] = 'x';
      if (r(30) === 0) row[4] = '1.5';
      sales.push(row);
      if (r(10) === 0) sales.push([...row]); // an identical duplicate, defaults and all
    }
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const obj = (row: string[]) => Object.fromEntries(row.flatMap((v, i) => (v === '' && r(2) ? [] : [[cols[i]!, v === '' && r(2) ? null : v]])));
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const files: Record<string, string> = { 'partners.csv': PARTNERS.replace('P2,\n', 'P2,\nP3,silver\n') };
      if (format === 'csv') files['sale.csv'] = [HEADER, ...sales.map((s) => s.map(cell).join(','))].join('\n');
      else if (format === 'json') files['sale.json'] = JSON.stringify(sales.map(obj));
      else files['sale.ndjson'] = sales.map((s) => JSON.stringify(obj(s))).join('\n');
      const { memory, stream } = both(folder(`gen-${format}`, files));
      expect(stream, format).toEqual(memory);
      expect(memory.problems.length, format).toBeGreaterThan(5);
    }
  });
});
