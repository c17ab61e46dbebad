/**
 * Hostile or huge data (issue 14): every reproduction at a size that runs in CI, generated here.
 * Each must end as located problems with codes, bounded work, or correct output — never a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { loadDataset } from '../../../runtime/data/builder.js';
import { CsvScanner, CsvSyntaxError } from '../../../runtime/data/csv.js';
import { MAX_LINE_CHARS } from '../../../runtime/data/limits.js';
import { loadData } from '../../../runtime/data/load.js';
import { openDataFolder } from '../../../runtime/data/node-stream.js';
import { formatProblem, type Problem } from '../../../runtime/data/problems.js';
import { rejectFiles } from '../../../runtime/data/rejects.js';
import type { RecordSchema } from '../../../runtime/data/schema.js';

const sale: RecordSchema = { file: 'sale', kind: 'event', currency: 'EUR', fields: [{ name: 'amount', type: 'money' }, { name: 'note', type: 'text' }] };
const partners: RecordSchema = { file: 'partners', kind: 'partner', currency: 'EUR', fields: [{ name: 'region', type: 'text' }] };
const HEAD = 'id,partner,date,amount,note';

function program(): Artifact {
  const r = compile(`program "H" {
  currency EUR
  period quarter
  start 2026-01-01
}
partner {
  region: text
}
event sale {
  amount: money
  note: text
}
payout cash as cash {
  cap 1_000 EUR per partner
}
rule "R" {
  for each sale
  award amount * 1% to cash
}
`);
  if (!r.artifact) throw new Error(JSON.stringify(r.diagnostics));
  return r.artifact;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'incent-hard-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const codes = (ps: readonly Problem[]) => [...new Set(ps.map((p) => p.code))];

describe('many bad records (issue 14, 1)', () => {
  it('150,000 invalid rows: every one reported with its code, in memory and streamed, no crash', () => {
    const rows = [HEAD];
    for (let i = 0; i < 150_000; i++) rows.push(`S${i},P1,2026-01-05,10.00 USD,x`);
    const text = rows.join('\n') + '\n';
    const d = loadDataset([sale], { 'sale.csv': text });
    expect(d.problems).toHaveLength(150_000);
    expect(codes(d.problems)).toEqual(['D0207']);
    expect(d.rejected).toHaveLength(150_000);
    const dir = folder('many', { 'partners.csv': 'id,region\nP1,EMEA\n', 'sale.csv': text });
    const s = openDataFolder(dir, program(), { acceptRejects: true });
    expect(s.problems()).toHaveLength(150_000);
    expect(s.rejectedRecords()).toHaveLength(150_000);
    expect(s.files().find((f) => f.file === 'sale.csv')).toMatchObject({ input: 150_000, valid: 0, rejected: 150_000 });
  });

  it('a header of many unknown columns: one warning that names the first ten and counts the rest', () => {
    const header = [...HEAD.split(','), ...Array.from({ length: 5_000 }, (_, i) => `extra${i}`)];
    const d = loadDataset([sale], { 'sale.csv': `${header.join(',')}\nS1,P1,2026-01-05,10,x${',y'.repeat(5_000)}\n` });
    expect(d.problems.map(formatProblem)).toEqual([
      'sale.csv:1: warning: unknown columns "extra0", "extra1", "extra2", "extra3", "extra4", "extra5", "extra6", "extra7", "extra8", "extra9" and 4,990 more are ignored',
    ]);
    expect(d.events.get('sale')).toHaveLength(1);
  });

  it('a header beyond 10,000 columns is one problem of the file, and its records are not read', () => {
    const header = [...HEAD.split(','), ...Array.from({ length: 10_001 }, (_, i) => `c${i}`)];
    const d = loadDataset([sale], { 'sale.csv': `${header.join(',')}\nS1,P1,2026-01-05,10,x\n` });
    expect(d.problems.filter((p) => p.scope === 'file').map(formatProblem)).toEqual(['sale.csv:1: the header has 10,006 columns; the limit is 10,000']);
    expect(d.rejected).toHaveLength(1);
  });
});

describe('linear CSV scanning and its limits (issue 14, 3)', () => {
  it('a stray quote near the top of a big file: one located problem, read in chunks without rescanning the rest', () => {
    const lines = [HEAD, 'S1,P1,2026-01-05,10,"unclosed'];
    for (let i = 2, size = 0; size < 3 * MAX_LINE_CHARS; i++) size += lines[lines.push(`S${i},P1,2026-01-05,10,note ${i}`) - 1]!.length + 1;
    const text = lines.join('\n') + '\n';
    let calls = 0;
    const scanner = new CsvScanner(() => calls++);
    let error: unknown;
    try {
      for (let i = 0; i < text.length; i += 65_536) scanner.push(text.slice(i, i + 65_536));
      scanner.end();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(2);
    expect((error as CsvSyntaxError).reason.code).toBe('D0107');
    expect(calls).toBe(1); // the header
    const d = loadDataset([sale], { 'sale.csv': text });
    expect(d.problems.map(formatProblem)).toEqual([`sale.csv:2: a line longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters starts here (the limit of a data line); the file is not read past it`]);
  });

  it('a value longer than 65,536 characters rejects its record; an amount of 30,000 digits too', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD}\nS1,P1,2026-01-05,10,${'x'.repeat(70_000)}\nS2,P1,2026-01-05,${'9'.repeat(30_000)},x\nS3,P1,2026-01-05,10,ok\n` });
    expect(d.problems.map((p) => [p.line, p.code, p.field])).toEqual([
      [2, 'D0108', 'note'],
      [3, 'D0216', 'amount'],
    ]);
    expect(d.problems[0]!.message).toBe('is 70,000 characters long; the limit of a value is 65,536');
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['S3']);
  });

  it('an NDJSON line without end: one problem once past the limit, the lines before it read', () => {
    const d = loadDataset([sale], { 'sale.ndjson': `{"id":"S1","partner":"P1","date":"2026-01-05","amount":"1","note":"a"}\n{"id":"S2","note":"${'y'.repeat(MAX_LINE_CHARS + 10)}` });
    expect(d.problems.map((p) => [p.line, p.code])).toEqual([[2, 'D0107']]);
    expect(d.events.get('sale')).toHaveLength(1);
  });
});

describe('filesystem oddities (issue 14, 7)', () => {
  const p = () => program();
  it('a folder, a looping symlink or a FIFO named like a data file is a problem of that file, never read', () => {
    const dir = folder('odd', { 'partners.csv': 'id,region\nP1,EMEA\n' });
    mkdirSync(join(dir, 'sale.csv'));
    expect(openDataFolder(dir, p()).problems().map(formatProblem)).toEqual(['sale.csv: is a folder, not a regular file']);
    const loop = folder('loop', { 'partners.csv': 'id,region\nP1,EMEA\n' });
    symlinkSync(join(loop, 'sale.csv'), join(loop, 'sale.csv'));
    expect(openDataFolder(loop, p()).problems().map(formatProblem)).toEqual(['sale.csv: cannot be read (ELOOP: a symbolic link that loops)']);
    const fifo = folder('fifo', { 'partners.csv': 'id,region\nP1,EMEA\n' });
    execFileSync('mkfifo', [join(fifo, 'sale.csv')]);
    expect(openDataFolder(fifo, p()).problems().map(formatProblem)).toEqual(['sale.csv: is a named pipe, not a regular file']);
  });
});

describe('reject files (issue 14, 10)', () => {
  it('records rejected by the whole-set checks are written as read, not from their typed values', () => {
    const d = loadDataset([partners, sale], {
      'partners.csv': 'id,region\nP1,EMEA\n',
      'sale.csv': `${HEAD}\n007,P1,2026-01-05,0010.50 EUR,a\n007,P1,2026-01-05,0010.50 EUR,b\nS9,P9,2026-01-05,1.0,c\n`,
    });
    const files = rejectFiles(d.files, d.rejected);
    expect(files.get('sale.csv')).toBe(
      [
        `${HEAD},line,reason`,
        '007,P1,2026-01-05,0010.50 EUR,a,2,"D0301 field ""id"": ""007"" is a duplicate id (also sale.csv:3); every record with this id is rejected, since the records differ"',
        '007,P1,2026-01-05,0010.50 EUR,b,3,"D0301 field ""id"": ""007"" is a duplicate id (also sale.csv:2); every record with this id is rejected, since the records differ"',
        'S9,P9,2026-01-05,1.0,c,4,"D0302 field ""partner"": ""P9"" is not a known partner id (not in partners.csv)"',
        '',
      ].join('\n'),
    );
    expect(files.get('partners.csv')).toBe('id,region,line,reason\n');
  });

  it('the same from the streamed folder', () => {
    const dir = folder('raw', {
      'partners.csv': 'id,region\nP1,EMEA\n',
      'sale.csv': `${HEAD}\n007,P1,2026-01-05,0010.50 EUR,a\n007,P1,2026-01-05,0010.50 EUR,b\nS9,P9,2026-01-05,1.0,c\n`,
    });
    const s = openDataFolder(dir, program(), { acceptRejects: true });
    expect(s.rejectedRecords().map((r) => r.raw)).toEqual([
      ['007', 'P1', '2026-01-05', '0010.50 EUR', 'a'],
      ['007', 'P1', '2026-01-05', '0010.50 EUR', 'b'],
      ['S9', 'P9', '2026-01-05', '1.0', 'c'],
    ]);
  });

  it('JSON and NDJSON files get their rejects as objects with line and reason; a column named line is kept', () => {
    const d = loadDataset([sale], {
      'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":"x","note":"n","line":"mine"}]',
    });
    expect(JSON.parse(rejectFiles(d.files, d.rejected).get('sale.json')!)).toEqual([
      { id: 'S1', partner: 'P1', date: '2026-01-05', amount: 'x', note: 'n', line: 'mine', _line: 1, reason: 'D0206 field "amount": "x" is not a decimal amount' },
    ]);
    const n = loadDataset([sale], { 'sale.ndjson': 'not json\n' });
    expect(rejectFiles(n.files, n.rejected).get('sale.ndjson')).toMatch(/^\{"text":"not json","line":1,"reason":"D0115 is not valid JSON/);
  });

  it('cells a spreadsheet would run are neutralised in CSV reject files', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD}\n=HYPERLINK(1),P1,2026-01-05,x, =1\n` });
    expect(rejectFiles(d.files, d.rejected).get('sale.csv')!.split('\n')[1]).toBe(`'=HYPERLINK(1),P1,2026-01-05,x,' =1,2,"D0206 field ""amount"": ""x"" is not a decimal amount"`);
  });
});

describe('small ones (issue 14, 11)', () => {
  it('a JSON key given twice rejects its record instead of keeping the last', () => {
    const d = loadDataset([sale], { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":"1","amount":"2","note":"n"}]' });
    expect(d.problems.map(formatProblem)).toEqual(['sale.json:1: the key "amount" is given twice in this object']);
    const n = loadDataset([sale], { 'sale.ndjson': '{"id":"S1","partner":"P1","date":"2026-01-05","amount":"1","note":"n","note":"m"}\n' });
    expect(n.problems.map((p) => p.code)).toEqual(['D0116']);
  });

  it('100,000 nested brackets: one problem, no crash (array file and NDJSON line)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(loadDataset([sale], { 'sale.json': deep }).problems.map(formatProblem)).toEqual(['sale.json:1: is nested deeper than 32 levels here; a record is an object of plain values, so the file is not read']);
    const n = loadDataset([sale], { 'sale.ndjson': `${deep}\n` });
    expect(n.problems.map((p) => [p.code, p.scope])).toEqual([['D0118', 'record']]);
    expect(rejectFiles(n.files, n.rejected).get('sale.ndjson')!.length).toBeGreaterThan(200_000);
  });

  it('NDJSON takes a lone CR as a line break, as CSV does, also across chunks', () => {
    const text = '{"id":"S1","partner":"P1","date":"2026-01-05","amount":"1","note":"a"}\r{"id":"S2","partner":"P1","date":"2026-01-05","amount":"x","note":"b"}\r\n\r{"id":"S3","partner":"P1","date":"2026-01-05","amount":"3","note":"c"}';
    const d = loadDataset([sale], { 'sale.ndjson': text });
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['S1', 'S3']);
    expect(d.problems.map((p) => p.line)).toEqual([2]);
    const dir = folder('cr', { 'partners.csv': 'id,region\nP1,EMEA\n', 'sale.ndjson': text });
    for (const chunkSize of [1, 2, 7, 70, 71, 72]) {
      const s = openDataFolder(dir, program(), { chunkSize, acceptRejects: true });
      expect(s.problems().map(formatProblem)).toEqual(d.problems.map(formatProblem));
    }
  });

  it('records of a one-line JSON array are told apart by their number, in messages and in the streamed reader', () => {
    const text = '[{"id":"A","partner":"P1","date":"2026-01-05","amount":"1","note":"a"},{"id":"A","partner":"P1","date":"2026-01-05","amount":"2","note":"b"},{"id":"B","partner":"P1","date":"2026-01-05","amount":"3","note":"c"}]';
    const d = loadDataset([sale], { 'sale.json': text });
    expect(d.problems.map(formatProblem)).toEqual([
      'sale.json:1 (record 1): field "id": "A" is a duplicate id (also sale.json:1 (record 2)); every record with this id is rejected, since the records differ',
      'sale.json:1 (record 2): field "id": "A" is a duplicate id (also sale.json:1 (record 1)); every record with this id is rejected, since the records differ',
    ]);
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['B']);
    const dir = folder('oneline', { 'partners.csv': 'id,region\nP1,EMEA\n', 'sale.json': text });
    const s = openDataFolder(dir, program(), { acceptRejects: true });
    const ids: string[] = [];
    s.scan('sale', (r) => ids.push(r.id));
    s.validate();
    const again: string[] = [];
    s.scan('sale', (r) => again.push(r.id));
    expect(again).toEqual(['B']); // the second read skips records 1 and 2 of line 1, not the whole line
    expect(s.problems().map(formatProblem)).toEqual(d.problems.map(formatProblem));
  });

  it('partners.csv and partners.json both present: the conflict once, not an unknown partner on every sale', () => {
    const a = program();
    const texts = { 'partners.csv': 'id,region\nP1,EMEA\n', 'partners.json': '[]', 'sale.csv': `${HEAD}\nS1,P1,2026-01-05,1,a\nS2,P1,2026-01-05,1,b\n` };
    expect(loadData(a, texts).input.problems.map(formatProblem)).toEqual(['partners.csv: more than one file for partners: partners.csv, partners.json (keep one)']);
    expect(openDataFolder(folder('twice', texts), a).problems().map(formatProblem)).toEqual(['partners.csv: more than one file for partners: partners.csv, partners.json (keep one)']);
    const missing = { 'sale.csv': `${HEAD}\nS1,P1,2026-01-05,1,a\n` };
    expect(loadData(a, missing).input.problems.map(formatProblem)).toEqual(['partners.csv: missing file (the program declares partner; an empty file with a header row is fine)']);
  });
});
