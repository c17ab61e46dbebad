/**
 * Fuzz targets at the data boundary (issue 14): CSV, JSON and NDJSON files made of the pieces
 * that break readers — quotes, separators, CR/LF, BOMs, control and non-ASCII characters, invalid
 * UTF-8, long digits, duplicate keys, deep nesting — read in memory and streamed in chunks of any
 * size. Always: no exception, every record evaluated or reported (`input = valid + rejected +
 * merged`), every problem with a known code and a printable message, and the same problems,
 * rejected records and counts on both paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../compiler/compile.js';
import { CODES } from '../../core/codes.js';
import { printable, renderDiagnostic } from '../../core/diagnostics.js';
import type { Artifact } from '../../runtime/artifact.js';
import { loadData } from '../../runtime/data/load.js';
import { openDataFolder } from '../../runtime/data/node-stream.js';
import { formatProblem, type FileStats, type Problem } from '../../runtime/data/problems.js';
import { rejectFiles } from '../../runtime/data/rejects.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { runs, SEED, TIMEOUT } from './budget.js';

const PROGRAM = `program "F" {
  currency EUR
  period quarter
  start 2026-01-01
}
partner {
  region: one of "EMEA", "APAC"
}
event sale {
  amount: money
  units: integer in 0..100
  note: text
}
payout cash as cash {
  cap 1_000 EUR per partner
}
event ret {
  sale: ref sale
}
rule "R" {
  for each sale
  award amount * 1% to cash
}
rule "Returns" {
  for each ret
  award -sale.amount * 1% to cash
}
`;

let a: Artifact;
let tmp: string;
let n = 0;
beforeAll(() => {
  const r = compile(PROGRAM);
  if (!r.artifact) throw new Error('the fuzz program does not compile');
  a = r.artifact;
  tmp = mkdtempSync(join(tmpdir(), 'incent-fuzz-data-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Pieces of cells: plausible values and the characters that break readers. */
const cellPiece = fc.oneof(
  fc.constantFrom('P1', 'P2', 'P9', 'S1', 'S2', '2026-01-05', '2026-02-30', '05/01/2026', '12.50', '12,50', '10.00 USD', '7', '-0', '007', 'EMEA', 'APAC', 'true', ''),
  fc.constantFrom('"', '""', ',', '\n', '\r', '\r\n', '\uFEFF', '\u001b[2J', '\u0000', '=1', ' =1', 'é', '日本', '\u202e'),
  fc.stringMatching(/^[0-9]{1,60}(\.[0-9]{1,40})?$/),
  fc.string({ maxLength: 6 }),
);
const cell = fc.array(cellPiece, { maxLength: 3 }).map((p) => p.join(''));
const csvText = (header: string) =>
  fc.tuple(fc.array(fc.array(cell, { minLength: 0, maxLength: 7 }), { maxLength: 12 }), fc.constantFrom('\n', '\r\n')).map(([rows, eol]) => [header, ...rows.map((r) => r.join(','))].join(eol));

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(cell, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([1, [2, [3]]]));
const recordObject = fc.dictionary(fc.constantFrom('id', 'partner', 'date', 'amount', 'units', 'note', 'extra', 'line'), jsonValue, { maxKeys: 8 });
/** An object's text, sometimes with a key given twice. */
const objectText = fc.tuple(recordObject, fc.boolean()).map(([o, dup]) => {
  const t = JSON.stringify(o);
  return dup && t.length > 2 ? t.replace('{', '{"amount":"1",') : t;
});
const ndjsonText = fc
  .tuple(fc.array(fc.oneof(objectText, fc.constantFrom('', 'not json', '[[[[[[]]]]]]', '{"id":'), fc.string({ maxLength: 10 })), { maxLength: 10 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));
const jsonText = fc.oneof(
  fc.tuple(fc.array(objectText, { maxLength: 8 }), fc.constantFrom(',', ',\n', ' ,')).map(([xs, sep]) => `[${xs.join(sep)}]`),
  fc.constantFrom('', '{}', '[', '[1,2]', '['.repeat(40) + ']'.repeat(40)),
);

const partnersCsv = csvText('id,region');
/** Returns naming sales through a `ref` field (§12.3): known, unknown and rejected sales' ids. */
const retsFile = fc.oneof(
  csvText('id,partner,date,sale').map((t) => ['ret.csv', t] as const),
  ndjsonText.map((t) => ['ret.ndjson', t.replace(/"units"/g, '"sale"')] as const),
);
const salesFile = fc.oneof(
  csvText('id,partner,date,amount,units,note').map((t) => ['sale.csv', t] as const),
  ndjsonText.map((t) => ['sale.ndjson', t] as const),
  jsonText.map((t) => ['sale.json', t] as const),
);

function checkInvariants(problems: readonly Problem[], files: readonly FileStats[]): void {
  for (const f of files) expect(f.input).toBe(f.valid + f.rejected + f.merged);
  for (const p of problems) {
    expect(CODES[p.code], p.code).toBeDefined();
    expect(p.message.length).toBeGreaterThan(0);
    const shown = renderDiagnostic(undefined, p, { color: false });
    expect(shown).toBe(printable(shown));
  }
}

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = join(tmp, `case-${++n}`);
  mkdirSync(dir);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
}

describe('data files, fuzzed', () => {
  it(
    'in memory: never throws, every record evaluated or reported, every problem coded; the run and the reject files never fail',
    () => {
      fc.assert(
        fc.property(partnersCsv, salesFile, retsFile, (partners, [name, sales], [retName, rets]) => {
          const { input, data } = loadData(a, { 'partners.csv': partners, [name]: sales, [retName]: rets });
          checkInvariants(input.problems, input.files);
          expect(input.files.reduce((s, f) => s + f.rejected, 0)).toBe(input.rejected.length);
          for (const text of rejectFiles(input.files, input.rejected).values()) expect(typeof text).toBe('string');
          if (!input.problems.some((p) => p.scope === 'file' && p.severity === 'error')) new Evaluator(a).run(data);
        }),
        { numRuns: runs(150), seed: SEED },
      );
    },
    TIMEOUT,
  );

  it(
    'streamed in chunks of any size: the same problems, rejected records and counts as in memory',
    () => {
      fc.assert(
        fc.property(partnersCsv, salesFile, retsFile, fc.integer({ min: 1, max: 64 }), (partners, [name, sales], [retName, rets], chunkSize) => {
          const files = { 'partners.csv': partners, [name]: sales, [retName]: rets };
          const { input } = loadData(a, files);
          const s = openDataFolder(folder(files), a, { chunkSize, acceptRejects: true });
          const problems = s.problems();
          checkInvariants(problems, s.files());
          expect(problems.map(formatProblem)).toEqual(input.problems.map(formatProblem));
          expect(s.rejectedRecords().map((r) => [r.file, r.line, r.raw, r.reasons])).toEqual(input.rejected.map((r) => [r.file, r.line, r.raw, r.reasons]));
          expect(s.files()).toEqual(input.files);
        }),
        { numRuns: runs(60), seed: SEED },
      );
    },
    TIMEOUT,
  );

  it(
    'arbitrary bytes (invalid UTF-8 included) as a data file: problems, never an exception',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('sale.csv', 'sale.ndjson', 'sale.json'), fc.integer({ min: 1, max: 32 }), (bytes, name, chunkSize) => {
          const s = openDataFolder(folder({ 'partners.csv': 'id,region\nP1,EMEA\n', 'ret.csv': 'id,partner,date,sale\nR1,P1,2026-01-09,S1\n', [name]: bytes }), a, { chunkSize, acceptRejects: true });
          checkInvariants(s.problems(), s.files());
          s.rejectedRecords();
        }),
        { numRuns: runs(100), seed: SEED },
      );
    },
    TIMEOUT,
  );
});
