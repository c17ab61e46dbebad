/**
 * The streamed data folder (`runtime/node-stream.ts`) against the in-memory path (`loadData` +
 * `Evaluator.run`): byte-identical statements, the same problems, rejected records and counts, on
 * the examples' data and on generated bad data; nothing kept per valid record.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { loadData } from '../../../runtime/data/load.js';
import { Evaluator, type EventSource } from '../../../runtime/evaluate.js';
import { DataProblemsError, openDataFolder, type StreamOptions } from '../../../runtime/data/node-stream.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import { statementJson } from '../../../runtime/statement.js';
import { KindKernel } from '../../../runtime/fast-pass1.js';
import { exampleNames } from '../../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'incent-stream-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function artifact(text: string): Artifact {
  const r = compile(text);
  if (!r.artifact) throw new Error(JSON.stringify(r.diagnostics.map((d) => d.message)));
  return r.artifact;
}

function texts(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(dir)) if (/\.(csv|json|ndjson)$/.test(f)) m.set(f, readFileSync(join(dir, f), 'utf8'));
  return m;
}

/** Both paths over one folder: statements (JSON text), problems, rejected records, counts. */
function both(a: Artifact, dir: string, options: StreamOptions = {}) {
  const { input, data } = loadData(a, texts(dir));
  const memory = {
    statements: new Evaluator(a).run(data).map((r) => JSON.stringify(statementJson(a, r))),
    problems: input.problems.map(formatProblem),
    rejected: input.rejected,
    files: input.files,
  };
  const s = openDataFolder(dir, a, { acceptRejects: true, ...options });
  const stream = {
    statements: new Evaluator(a).runSource(s.partners, s).map((r) => JSON.stringify(statementJson(a, r))),
    problems: s.problems().map(formatProblem),
    rejected: s.rejectedRecords(),
    files: s.files(),
  };
  return { memory, stream, source: s };
}

describe('streamed data folder', () => {
  const examples = exampleNames({ data: true });

  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(5));

  for (const ex of examples) {
    it(`gives the in-memory statements on examples/${ex}`, () => {
      const a = artifact(readFileSync(join(root, 'examples', ex, 'program.incent'), 'utf8'));
      const { memory, stream } = both(a, join(root, 'examples', ex, 'data'));
      expect(stream).toEqual(memory);
    });
  }

  it('gives them too with the column kernel\'s nodes in their own loops (where no loop can be written for the program)', () => {
    const markUnknown = vi.spyOn(KindKernel.prototype as unknown as { markUnknown(n: number): void }, 'markUnknown');
    KindKernel.generate = false;
    try {
      for (const ex of examples) {
        const a = artifact(readFileSync(join(root, 'examples', ex, 'program.incent'), 'utf8'));
        const { memory, stream } = both(a, join(root, 'examples', ex, 'data'));
        expect(stream, ex).toEqual(memory);
      }
      expect(markUnknown).toHaveBeenCalled();
    } finally {
      KindKernel.generate = true;
      markUnknown.mockRestore();
    }
  });

  it('sends a record that would overflow a sum the general way, taken back from the measures before it (generated loops and the nodes\' own)', () => {
    // amounts of ~10^14 cents: a partner's sum passes 2^53 after ~90 such records (each partner has ~140); measures before,
    // after and without a condition, a count, and an early rule
    const dir = join(tmp, 'overflow');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'program.incent'),
      `program "Overflow" {\n  currency EUR\n  period year\n  start 2026-01-01\n  end 2026-12-31\n}\n\nevent sale {\n  category: one of "hardware", "software"\n  amount: money\n}\n\n` +
        `measure n = count sale\nmeasure big = sum sale.amount where sale.category = "hardware"\nmeasure all = sum sale.amount\nmeasure small = sum sale.amount where sale.amount < 1000 EUR\n\n` +
        `payout cash as cash\n\nrule "Volume" {\n  for each partner\n  award n * 1 EUR + small + big / 1000 + all / 1000 to cash\n}\n\nrule "Small" {\n  for each sale where amount < 10 EUR\n  award 1 EUR to cash\n}\n`,
    );
    const rows = ['id,partner,date,category,amount'];
    for (let i = 0; i < 600; i++) rows.push(`S${i},P${i % 3},2026-0${1 + (i % 9)}-1${i % 10},${i % 4 === 0 ? 'software' : 'hardware'},${i % 7 === 0 ? '5.00' : i % 5 === 0 ? '12.50' : '999999999999.99'}`);
    writeFileSync(join(dir, 'sale.csv'), rows.join('\n') + '\n');
    const a = artifact(readFileSync(join(dir, 'program.incent'), 'utf8'));
    const takeBack = vi.spyOn(KindKernel.prototype as unknown as { takeBack(i: number, k: number, at: number): void }, 'takeBack');
    try {
      for (const generate of [true, false]) {
        KindKernel.generate = generate;
        takeBack.mockClear();
        const { memory, stream } = both(a, dir);
        expect(stream, `generate ${generate}`).toEqual(memory);
        expect(takeBack, `generate ${generate}`).toHaveBeenCalled();
      }
    } finally {
      KindKernel.generate = true;
      takeBack.mockRestore();
    }
  });

  const PROGRAM = (partners: boolean) => `program "Stream test" {
  currency EUR
  period quarter
  start 2026-01-01
  end 2026-12-31
}
${partners ? 'partner {\n  region: one of "EMEA", "APAC"\n}\n' : ''}
event sale {
  sku: text
  amount: money
  quantity: integer
}

event training {
  course: text
}

measure revenue = sum sale.amount
measure courses = count training

tier status by revenue {
  Member
  Gold from 2_000 EUR
}

payout cash as cash

rule "Per A sale" {
  for each sale where sku = "A"
  award amount * 10% to cash
}

rule "Gold sales" {
  for each sale where status = Gold
  award 1 EUR * quantity to cash
}

rule "Trained" {
  for each partner where courses >= 2
  award 5 EUR to cash
}
`;

  /** Deterministic pseudo-random numbers. */
  function rng(seed: number) {
    let x = seed >>> 0 || 1;
    return (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
  }

  /** Sales with every kind of trouble: duplicates (identical, `10` vs `10.00 EUR`, differing, with a bad twin), unknown and rejected partners, bad values, quoted newlines; CRLF and a BOM. */
  function generated(seed: number, format: 'csv' | 'ndjson' | 'json'): Record<string, string> {
    const r = rng(seed);
    const partners = ['\uFEFFid,region', 'P1,EMEA', 'P2,APAC', 'P3,APAC', 'P4,NOWHERE', 'P5,EMEA'];
    const sales: Record<string, string>[] = [];
    for (let i = 1; i <= 300; i++) {
      const kind = r(20);
      const base = { id: `S${r(250)}`, partner: `P${1 + r(6)}`, date: `2026-${String(1 + r(12)).padStart(2, '0')}-${String(1 + r(28)).padStart(2, '0')}`, sku: ['A', 'B', 'line\nbreak, "q"'][r(3)]!, amount: `${r(900)}.${r(10)}0`, quantity: String(r(9)) };
      if (kind === 0) base.amount = '12,50';
      if (kind === 1) base.date = '2026-02-30';
      if (kind === 2) base.quantity = '';
      sales.push(base);
      if (kind === 3) sales.push({ ...base }); // identical duplicate
      if (kind === 4) sales.push({ ...base, amount: `${base.amount} EUR` }); // the same amount
      if (kind === 5) sales.push({ ...base, quantity: String(Number(base.quantity) + 1) }); // differs
      if (kind === 6) sales.push({ ...base, amount: 'x' }); // a bad twin
    }
    const cols = ['id', 'partner', 'date', 'sku', 'amount', 'quantity'];
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const out: Record<string, string> = { 'partners.csv': partners.join('\r\n') + '\r\n' };
    if (format === 'csv') out['sale.csv'] = '\uFEFF' + [cols.join(','), ...sales.map((s) => cols.map((c) => cell(s[c]!)).join(','))].join('\r\n');
    else if (format === 'ndjson') out['sale.ndjson'] = sales.map((s) => JSON.stringify(s)).join('\n') + '\n\n{broken\n';
    else out['sale.json'] = '[\n' + sales.map((s) => '  ' + JSON.stringify(s)).join(',\n') + '\n]\n';
    const trainings = Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `T${r(50)}`, partner: `P${1 + r(6)}`, date: '2026-05-0' + (1 + (i % 3)), course: 'C' }));
    out['training.ndjson'] = trainings.join('\n') + '\n';
    return out;
  }

  function folder(name: string, files: Record<string, string>): string {
    const dir = join(tmp, name);
    mkdirSync(dir);
    for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
    return dir;
  }

  for (const format of ['csv', 'ndjson', 'json'] as const) {
    for (const partners of [true, false]) {
      it(`gives the in-memory results on generated bad data (${format}, ${partners ? 'with' : 'without'} partners)`, () => {
        const a = artifact(PROGRAM(partners));
        for (const seed of [1, 2, 3]) {
          const files = generated(seed, format);
          if (!partners) delete files['partners.csv'];
          const dir = folder(`gen-${format}-${partners}-${seed}`, files);
          const { memory, stream, source } = both(a, dir);
          expect(stream).toEqual(memory);
          expect(memory.rejected.length).toBeGreaterThan(10);
          expect(memory.files.some((f) => f.merged > 0)).toBe(true);
          // the same with every id hash colliding with others: the verification path settles them all
          expect(both(a, dir, { hashBits: 4 }).stream).toEqual(memory);
          expect(both(a, dir, { chunkSize: 7 }).stream).toEqual(memory);
          // every record is evaluated or reported
          for (const f of stream.files) expect(f.input).toBe(f.valid + f.rejected + f.merged);
          const given: Record<string, number> = {};
          for (const kind of ['sale', 'training']) source.scan(kind, () => (given[kind] = (given[kind] ?? 0) + 1));
          for (const f of stream.files) if (f.kind !== 'partners') expect(given[f.kind] ?? 0).toBe(f.valid);
        }
      });
    }
  }

  /**
   * v0.2 (§12.2, §12.3, §12.5): a kind whose `ref` fields name sales (declared before them, so the
   * folder reads the sales first), running totals, an event-level let read through the ref, keyed
   * once, previous values, a value at a date, a first-come budget.
   */
  const PROGRAM_V02 = `${PROGRAM(true)}
event ret {
  sale: ref sale
  why: text
}
let commission = sale.amount * 5%
let curve = interpolate revenue { 500 EUR: 1%, 5_000 EUR: 4% }
payout spiff as cash {
  budget 150 EUR first come first served
}
rule "After 300 EUR" {
  for each sale where running sum amount over year to date >= 300 EUR
  award commission to spiff
}
rule "Returns" {
  for each ret
  award -sale.commission * (1 + curve at min(sale.date, date)) to spiff
}
rule "One per SKU" {
  for each sale
  award 2 EUR to spiff
  once per partner and sku
}
rule "Growth" {
  for each partner where revenue > previous revenue
  award (revenue - previous revenue) * 1% to cash
}
rule "Early returns" {
  for each ret_first
  award -original.amount * 1% to cash
}
`.replace('event sale {', 'event ret_first {\n  original: ref sale\n}\n\nevent sale {');

  /** Returns of the generated sales: known ids, unknown ones, ids of rejected sales, duplicate return ids. */
  function returns(seed: number, sales: Record<string, string>): Record<string, string> {
    const r = rng(seed * 7 + 1);
    const lines = ['id,partner,date,sale,why'];
    for (let i = 0; i < 80; i++) lines.push(`R${r(70)},P${1 + r(6)},2026-${String(1 + r(12)).padStart(2, '0')}-1${r(9)},S${r(280)},${['damaged', 'late', ''][r(3)]}`);
    const firsts = ['id,partner,date,original', ...Array.from({ length: 20 }, (_, i) => `F${i},P${1 + r(5)},2026-03-0${1 + r(9)},S${r(260)}`)];
    void sales;
    return { 'ret.csv': lines.join('\n') + '\n', 'ret_first.csv': firsts.join('\n') + '\n' };
  }

  for (const format of ['csv', 'ndjson', 'json'] as const) {
    it(`gives the in-memory results with ref fields, running totals and a first-come budget (${format})`, () => {
      const a = artifact(PROGRAM_V02);
      for (const seed of [1, 2, 3]) {
        const files = generated(seed, format);
        Object.assign(files, returns(seed, files));
        const dir = folder(`v02-${format}-${seed}`, files);
        const { memory, stream } = both(a, dir);
        expect(stream).toEqual(memory);
        expect(memory.problems.some((p) => p.includes('is not a known sale id'))).toBe(true);
        expect(memory.problems.some((p) => p.includes('is a sale whose record was rejected'))).toBe(true);
        expect(both(a, dir, { hashBits: 4 }).stream).toEqual(memory);
        for (const f of stream.files) expect(f.input).toBe(f.valid + f.rejected + f.merged);
      }
    });
  }

  it('lists every partner once, in id order, whichever way its events were read and in whatever order the file names them', () => {
    // Partners whose sales all go the general way (`12.50 EUR`, a quoted cell, a fraction of a cent),
    // partners with both kinds, partners named by trainings only, ids of other widths; the file
    // sorted by partner, reversed, and shuffled (the list skips its sort when the file is in order).
    const a = artifact(PROGRAM(false));
    const r = rng(11);
    const sales: { partner: string; line: string }[] = [];
    const ids = ['P0001', 'P0002', 'P0003', 'P0010', 'P0100', 'P01', 'P1', 'Q0002', 'p0002', 'P00000', 'P9999'];
    ids.forEach((p, k) => {
      for (let i = 0; i < 4; i++) {
        const general = k % 3 === 0 || (k % 3 === 1 && i === 0); // all, one, or none of its sales
        const amount = general ? ['12.50 EUR', '"7.25"', '3.125'][i % 3]! : `${1 + r(900)}.${r(10)}0`;
        sales.push({ partner: p, line: `S${k}-${i},${p},2026-0${1 + r(9)}-1${r(10)},${['A', 'B'][r(2)]},${amount},${r(5)}` });
      }
    });
    const byId = (x: { partner: string }, y: { partner: string }) => (x.partner < y.partner ? -1 : x.partner > y.partner ? 1 : 0);
    const sorted = [...sales].sort(byId);
    const plain = sorted.filter((s) => !/EUR|"|3\.125/.test(s.line));
    const header = 'id,partner,date,sku,amount,quantity';
    const training = 'id,partner,date,course\nT1,T0005,2026-02-01,C\nT2,P0002,2026-02-01,C\nT3,A1,2026-05-01,C\n';
    const cases = [
      ['sorted', sorted, training],
      ['reversed', [...sorted].reverse(), training],
      ['shuffled', sales.map((_, i, all) => all[(i * 7) % all.length]!), training],
      // one kernel, every partner in its list, in order: nothing to add, nothing to sort
      ['sorted, plain, no trainings', plain, 'id,partner,date,course\n'],
    ] as const;
    for (const [name, list, trainings] of cases) {
      const dir = folder(`partner-list-${name.replace(/\W+/g, '-')}`, { 'sale.csv': [header, ...list.map((s) => s.line)].join('\n') + '\n', 'training.csv': trainings });
      const { memory, stream } = both(a, dir);
      expect(stream, name).toEqual(memory);
      expect(stream.problems, name).toEqual([]);
      const named = [...new Set([...list.map((s) => s.partner), ...(trainings === training ? ['T0005', 'P0002', 'A1'] : [])])].sort();
      expect(named.length, name).toBeGreaterThan(name.includes('plain') ? 5 : 11);
      for (const st of stream.statements) expect((JSON.parse(st) as { partners: { id: string }[] }).partners.map((p) => p.id), name).toEqual(named);
    }
  });

  it('a duplicate found late makes the evaluator run pass 1 again, once', () => {
    const a = artifact(PROGRAM(false));
    const dir = folder('late', { 'sale.csv': 'id,partner,date,sku,amount,quantity\nS1,P1,2026-01-05,A,100,1\nS2,P1,2026-01-06,A,100,1\nS1,P1,2026-01-05,A,101,1\n', 'training.csv': 'id,partner,date,course\n' });
    const s = openDataFolder(dir, a, { acceptRejects: true });
    const scans: string[] = [];
    const src: EventSource = { scan: (k, each) => (scans.push(k), s.scan(k, each)), invalidated: () => s.invalidated(), rejected: () => s.rejected() };
    const r = new Evaluator(a).runSource(s.partners, src);
    expect(scans).toEqual(['sale', 'training', 'sale', 'training', 'sale']);
    expect(r[0]!.rejected).toBe(2);
    expect(statementJson(a, r[0]!).partners[0]!.pots['cash']!.earned).toBe('10.00');
  });

  it('stops before evaluating when the data has problems, listing every one', () => {
    const a = artifact(PROGRAM(true));
    const dir = folder('bad', { 'partners.csv': 'id,region\nP1,EMEA\n', 'sale.csv': 'id,partner,date,sku,amount,quantity\nS1,P9,2026-01-05,A,100,1\n', 'training.csv': 'id,partner,date,course\nT1,P1,2026-01-05,\n' });
    const s = openDataFolder(dir, a);
    let err: unknown;
    try {
      new Evaluator(a).runSource(s.partners, s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataProblemsError);
    expect((err as DataProblemsError).problems.map(formatProblem)).toEqual(['sale.csv:2: field "partner": "P9" is not a known partner id (not in partners.csv)', 'training.csv:2: field "course": is empty']);
  });

  it('keeps nothing per valid record but a typed id index and a bitset of lines', () => {
    const a = artifact(PROGRAM(false));
    for (const n of [5_000, 40_000]) {
      const lines = ['id,partner,date,sku,amount,quantity'];
      for (let i = 0; i < n; i++) lines.push(`S${i},P${i % 97},2026-0${1 + (i % 9)}-1${i % 10},A,${i % 1000}.25,${i % 7}`);
      const dir = folder(`mem-${n}`, { 'sale.csv': lines.join('\n') + '\n', 'training.csv': 'id,partner,date,course\n' });
      const s = openDataFolder(dir, a);
      const rows: unknown[] = [];
      s.scan('sale', (r) => rows.length < 3 && rows.push(r));
      s.validate();
      const kept = s.retained()['sale']!;
      expect(kept.rejected + kept.suspects).toBe(0);
      expect(kept.indexBytes).toBeLessThanOrEqual(32 * n + 32_768); // 8 bytes a slot, at most half full
      expect(kept.lineSetBytes).toBeLessThanOrEqual(n / 8 + 4096);
      expect(s.files()[0]).toMatchObject({ kind: 'sale', file: 'sale.csv', input: n, valid: n, rejected: 0, merged: 0 });
    }
  });
});

describe('reading a data folder', () => {
  const a = () =>
    artifact(`program "P" {
  currency JPY
  period quarter
  start 2026-01-01
}
partner { region: one of "EMEA", "APAC" }
event sale { amount: money  note: text }
event training { course: text }
`);
  function folder(name: string, files: Record<string, string | Uint8Array>): string {
    const dir = join(tmp, name);
    mkdirSync(dir);
    for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
    return dir;
  }

  it('reads CSV (BOM, CRLF, quoted line breaks), JSON and NDJSON in chunks of any size, as from text', () => {
    const dir = folder('folder-formats', {
      'partners.csv': '\uFEFFid,region\r\nP1,EMEA\r\nP2,APAC\r\n',
      'sale.csv': 'id,partner,date,amount,note\nS1,P1,2026-01-05,1250 JPY,"multi\nline, ""quoted"" ✓"\nS2,P2,2026-03-31,7,plain\n',
      'training.ndjson': '{"id":"T1","partner":"P1","date":"2026-02-01","course":"Router Pro"}\n{"id":"T2","partner":"P2","date":"2026-02-02","course":"日本語"}\n',
    });
    for (const chunkSize of [1, 3, 1 << 20]) {
      const { memory, stream, source } = both(a(), dir, { chunkSize });
      expect(stream).toEqual(memory);
      expect(source.partners).toEqual([
        { id: 'P1', attrs: { region: 'EMEA' } },
        { id: 'P2', attrs: { region: 'APAC' } },
      ]);
      const notes: unknown[] = [];
      source.scan('sale', (r) => notes.push([r.id, r.note]));
      expect(notes).toEqual([
        ['S1', 'multi\nline, "quoted" ✓'],
        ['S2', 'plain'],
      ]);
    }
  });

  it('reports missing, duplicated and stray files, invalid UTF-8 and broken quoting', () => {
    const dir = folder('folder-files', {
      'sale.csv': new Uint8Array([...Buffer.from('id,partner,date,amount,note\nS1,P1,2026-01-05,1,caf'), 0xe9, 0x0a]),
      'training.csv': 'id,partner,date,course\n',
      'training.json': '[]',
      'sales.csv': 'id\n',
      'notes.txt': 'hello',
    });
    expect(openDataFolder(dir, a()).problems().map(formatProblem)).toEqual([
      'partners.csv: missing file (the program declares partner; an empty file with a header row is fine)',
      'sale.csv: is not valid UTF-8 text',
      'sales.csv: warning: is not a data file of this program (it reads: partners, sale, training); it is ignored',
      'training.csv: more than one file for training: training.csv, training.json (keep one)',
    ]);
    const q = folder('folder-quote', { 'partners.csv': 'id,region\n', 'training.csv': 'id,partner,date,course\n', 'sale.csv': 'id,partner,date,amount,note\nS1,P1,2026-01-05,1,"open\n' });
    expect(openDataFolder(q, a()).problems().map(formatProblem)).toEqual(['sale.csv:2: a quoted field is not closed (a `"` is missing)']);
  });

  it('a folder that does not exist', () => {
    expect(openDataFolder(join(tmp, 'nope'), a()).problems().map(formatProblem)[0]).toMatch(/nope: cannot read the data folder \(ENOENT\)$/);
  });
});

