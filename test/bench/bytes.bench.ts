/**
 * The byte reader alone (`runtime/data/bytes.ts`: `readCsvBytes` with `ByteRows` (`byte-rows.ts`) and the partner
 * table, as the first read of `incent run` uses them, without the column kernel or anything after
 * it) on the canonical sale lines, beside the bare passes over the same bytes measured in the same
 * process, interleaved (with runs of lines, line by line, and interpreted): finding the line ends (`Buffer.indexOf`) and a byte loop that visits every
 * byte once. In-process and repeated, so that a change to the reader shows through the noise of a
 * shared machine (a whole `incent run` varies by ±15% there); compare the ratios, not the times.
 *
 *   npx tsx test/bench/bytes.bench.ts [FILE] [RUNS=9]
 *
 * FILE: bench-data/peers/data/incent-1m/sale.csv by default (written by `npm run bench`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../../compiler/compile.js';
import { readCsvBytes, TOOK, type CsvHandle, type PlainLines } from '../../runtime/data/bytes.js';
import { ByteRows } from '../../runtime/data/byte-rows.js';
import { PartnerTable, type ColumnUse } from '../../runtime/data/columns.js';
import { recordSchemas } from '../../runtime/data/load.js';
import { compileSchema } from '../../runtime/data/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = process.argv[2] ?? join(root, 'bench-data', 'peers', 'data', 'incent-1m', 'sale.csv');
const runs = Number(process.argv[3] ?? 9); // allow-number: a count of runs
if (!existsSync(file)) {
  console.log(`${file} is missing: run \`npm run bench\` once (it generates the canonical data), or give a file`);
  process.exit(0);
}

const compiled = compile(readFileSync(join(root, 'test', 'fixtures', 'canonical.incent'), 'utf8'));
if (!compiled.artifact) throw new Error('the canonical program does not compile');
const schema = compileSchema(recordSchemas(compiled.artifact).find((s) => s.file === 'sale')!);
// What the canonical program's column kernel asks of the sale lines.
const needs = new Map<string, ColumnUse>([
  ['category', { as: 'code' }],
  ['sku', { as: 'literal', literals: ['SKU007'] }],
  ['amount', { as: 'num' }],
]);

/** One read of the file through the byte reader: records taken on bytes, and those given to the string path. */
function byteRead(generate: boolean, runs = false): { took: number; general: number } {
  ByteRows.generate = generate;
  ByteRows.runs = runs;
  const table = new PartnerTable([], () => true);
  const rows = new ByteRows(schema, 2, needs, table, () => {
    throw new Error('no row is made here');
  }, 8192);
  const batch = rows.batch;
  let header: { columnOf: readonly number[]; width: number } | undefined;
  let general = 0;
  let took = 0;
  let sink = 0;
  const csv: CsvHandle = {
    row(fields) {
      if (header) general++;
      else header = { columnOf: schema.names.map((n) => fields.indexOf(n)), width: fields.length };
    },
    end() {},
    header: () => header,
  };
  const ids = new Int32Array(2 << 20);
  let at = 0;
  const plain: PlainLines = {
    flush() {
      for (let i = 0; i < batch.n; i++) sink += batch.partner[i]!;
      batch.n = 0;
    },
    clean(clean) {
      rows.clean = clean;
    },
    line(buf, start, end) {
      if (at === 0 && took === 0) rows.header(header!.columnOf, header!.width);
      const r = rows.convert(buf, start, end);
      if (r !== TOOK) return r;
      took++;
      if (at + 2 > ids.length) at = 0;
      ids[at++] = rows.idH1;
      ids[at++] = rows.idH2;
      batch.starts[batch.n] = start;
      batch.ends[batch.n] = end;
      if (++batch.n === batch.capacity) plain.flush();
      return TOOK;
    },
    // runs of lines (as the first read of `incent run` takes a clean stretch's lines)
    ...(runs && {
      lines(buf, start, limit, taken) {
        taken.lines = 0;
        if (!rows.hasRuns || !rows.clean) return start;
        const j0 = batch.n;
        const to = rows.runLines(buf, start, limit);
        const k = batch.n - j0;
        took += k;
        for (let j = j0; j < batch.n; j++) {
          if (at + 2 > ids.length) at = 0;
          ids[at++] = rows.runH1[j]!;
          ids[at++] = rows.runH2[j]!;
        }
        if (batch.n === batch.capacity) plain.flush();
        taken.lines = k;
        return to;
      },
    }),
  };
  readCsvBytes(file, 1 << 20, csv, plain, (e) => {
    throw e;
  });
  if (sink < 0) console.log(sink);
  return { took, general };
}

const bytes = readFileSync(file);
/** The line ends alone (what the reader's line loop finds before converting a line). */
function lineEnds(): number {
  let n = 0;
  for (let pos = 0; pos < bytes.length; ) {
    const nl = bytes.indexOf(10, pos);
    n++;
    if (nl < 0) break;
    pos = nl + 1;
  }
  return n;
}
/** Every byte visited once, commas counted (the least a reader that looks at every byte does). */
function byteLoop(): number {
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let commas = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 44) commas++;
  return commas;
}

const cases: Record<string, () => unknown> = {
  'byte reader (runs of lines)': () => byteRead(true, true),
  'byte reader (generated converter)': () => byteRead(true),
  'byte reader (interpreter)': () => byteRead(false),
  'line ends (Buffer.indexOf)': lineEnds,
  'byte loop': byteLoop,
};
const times: Record<string, number[]> = {};
let check: { took: number; general: number } | undefined;
for (let r = 0; r < runs; r++) {
  for (const [name, f] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    const out = f();
    (times[name] ??= []).push(Number(process.hrtime.bigint() - t0) / 1e6); // allow-number: a duration for a report
    if (name.startsWith('byte reader (runs')) check = out as { took: number; general: number };
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const loop = median(times['byte loop']!);
console.log(`${file}: ${check!.took} records taken on bytes, ${check!.general} given to the string path; ${runs} runs each, interleaved (the first is cold)`);
for (const [name, ts] of Object.entries(times)) {
  const m = median(ts);
  console.log(`${name.padEnd(36)} median ${m.toFixed(0).padStart(5)} ms, min ${Math.min(...ts).toFixed(0).padStart(5)} ms, first ${ts[0]!.toFixed(0).padStart(5)} ms — ${(m / loop).toFixed(1)}× the byte loop`);
}
