/** Measures the CSV scanner on the canonical benchmark's data: `npx tsx test/bench/csv.bench.ts FILE` (FILE: bench-data/peers/data/incent-1m/sale.csv, written by `npm run bench`). */
import { readFileSync, createReadStream } from 'node:fs';
import { scanCsv, CsvScanner } from '../../runtime/data/csv.js';

const file = process.argv[2];
if (!file) throw new Error('usage: tsx test/bench/csv.bench.ts FILE.csv');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const bytes = readFileSync(file);
const text = bytes.toString('utf8');
const times: number[] = [];
const btimes: number[] = [];
let rows = 0;
for (let r = 0; r < 7; r++) {
  let t = performance.now();
  rows = 0;
  scanCsv(text, () => void rows++);
  times.push(performance.now() - t);
  t = performance.now();
  scanCsv(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), () => void rows++);
  btimes.push(performance.now() - t);
}
console.log(`${rows} rows, ${(text.length / 1e6).toFixed(1)} MB: string scan median ${median(times).toFixed(0)} ms; from bytes (decode + scan) ${median(btimes).toFixed(0)} ms`);

// streaming: chunks of 1 MiB from a file stream
const t0 = performance.now();
let srows = 0;
const scanner = new CsvScanner(() => void srows++);
const decoder = new TextDecoder('utf-8', { fatal: true });
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) scanner.push(decoder.decode(chunk as Buffer, { stream: true }));
scanner.push(decoder.decode());
scanner.end();
console.log(`stream (1 MiB chunks, read + decode + scan): ${srows} rows in ${(performance.now() - t0).toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
