/**
 * Data loading: CSV text → the evaluator's Dataset (`loadData`: scan, validation, duplicate and
 * partner checks, typed rows) for the canonical benchmark's sale lines, reported beside the bare
 * CSV scan (`scanCsv`) of the same text measured in the same run, since absolute times on shared
 * machines are noisy. Peak RSS is measured in a fresh child process (read the file, compile, load).
 *
 *   npx tsx test/bench/load.bench.ts [LINES=1000000] [RUNS=5]
 *
 * The data is generated once into bench-data/ (gitignored) with the benchmark's own generator
 * (the peers' `lib/gen.js` beside the repository, deterministic). Target for 1M lines: under 1.0 s and
 * under 350 MiB peak RSS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../../compiler/compile.js';
import { scanCsv } from '../../runtime/data/csv.js';
import { loadData } from '../../runtime/data/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** The peers' seeded generator, in a `shared/bench/peers` folder beside the repository (not part of it). */
const GEN = join(root, '..', 'shared', 'bench', 'peers', 'lib', 'gen.js');

interface GenLine {
  partnerId: string;
  sku: string;
  category: string;
  region: string;
  amount: string;
  quantity: number;
  date: string;
}

/** bench-data/sale-N.csv, written once with the benchmark's generator. */
function dataFile(n: number): string {
  const dir = join(root, 'bench-data');
  const file = join(dir, `sale-${n}.csv`);
  if (existsSync(file)) return file;
  if (!existsSync(GEN)) {
    console.log(`The peers' data generator is not beside this repository (${GEN} is missing), and ${file} was not made before: nothing to measure.`);
    process.exit(0);
  }
  const gen = createRequire(import.meta.url)(GEN) as { lines: (n: number) => Iterable<GenLine> };
  const out: string[] = ['id,partner,date,sku,category,region,amount,quantity'];
  let i = 0;
  for (const l of gen.lines(n)) out.push(`L${++i},${l.partnerId},${l.date},${l.sku},${l.category},${l.region},${l.amount},${l.quantity}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

function artifact() {
  const r = compile(readFileSync(join(root, 'test', 'fixtures', 'canonical.incent'), 'utf8'));
  if (!r.artifact) throw new Error('canonical.incent does not compile');
  return r.artifact;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

const args = process.argv.slice(2);
if (args[0] === '--rss') {
  // child: one load in a fresh process; prints its peak RSS (KiB) and the load time (ms)
  const a = artifact();
  const text = readFileSync(args[1]!, 'utf8');
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const { input, data } = loadData(a, { 'sale.csv': text });
  const ms = performance.now() - t;
  if (input.problems.length || data.events.sale!.length === 0) throw new Error('unexpected problems');
  console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS, before, ms, heap: process.memoryUsage().heapUsed }));
} else {
  const n = Number(args[0] ?? 1_000_000);
  const runs = Number(args[1] ?? 5);
  const file = dataFile(n);
  const text = readFileSync(file, 'utf8');
  const a = artifact();
  const scan: number[] = [];
  const load: number[] = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    rows = 0;
    scanCsv(text, () => void rows++);
    scan.push(performance.now() - t);
    t = performance.now();
    const { input, data } = loadData(a, { 'sale.csv': text });
    load.push(performance.now() - t);
    if (input.problems.length) throw new Error(`problems: ${input.problems.length}`);
    if (data.events.sale!.length !== rows - 1) throw new Error(`expected ${rows - 1} sales, got ${data.events.sale!.length}`);
  }
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss', file], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  const rss = JSON.parse(child.stdout.trim().split('\n').pop()!) as { maxRss: number; before: number; ms: number; heap: number };
  const s = median(scan);
  const l = median(load);
  console.log(`${n} lines, ${(text.length / 1e6).toFixed(1)} MB, medians of ${runs} runs`);
  console.log(`  CSV scan (scanCsv):                  ${s.toFixed(0)} ms`);
  console.log(`  loadData (text → evaluator Dataset): ${l.toFixed(0)} ms = ${(l / s).toFixed(1)}× the scan`);
  console.log(`  fresh process: peak RSS ${mib(rss.maxRss * 1024)} MiB (file text, compile and load; ${mib(rss.before)} MiB before the load), load ${rss.ms.toFixed(0)} ms, heap after ${mib(rss.heap)} MiB`);
}
