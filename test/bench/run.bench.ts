/**
 * `npm run bench` (runtime): issue 11's goals, each as a ratio to a baseline measured in the same
 * run, on the command a user runs after `npm ci` (`bin/incent.js`, which runs the bundle `prepare`
 * builds):
 * - the canonical benchmark of ../shared/bench/peers — 100,000 and 1,000,000 sale lines for 10,000
 *   partners — end to end (CSV file → statements) beside the floor (a byte scanner and integer
 *   cents, the peers' `e2e.js limit`), runs interleaved (9 rounds at 1M), medians, and the median
 *   of each round's own ratio; goal ≤ 2.5× the floor, peak ≤
 *   300 MiB; agreement with the floor partner by partner (points, tier, cash); where the runs' time
 *   went, from `incent run --timings` (each phase's median). Statements in JSON (with each award's
 *   trace: ~10 MB at 1M) and, in the same rounds, in CSV (a row per partner and pot, no traces:
 *   ~1 MB, the kind of output the floor writes, 0.25 MB) and as typed without a format (the table);
 * - lots and expiry (§13.1, issue 10): the canonical program by quarter over 1M lines, its pots
 *   keeping lots, with `expire after 2 periods` on both against none: goal within 1.3×;
 * - 5,000,000 lines against 1,000,000 (the same generator, 10,000 partners): goal within 1.1× of
 *   linear;
 * - `incent help` and `incent check` of the canonical program against bare `node -e 0`: goal ≤
 *   0.15 s over it;
 * - 1,000,000 partners × 3,000,000 lines (`wide.ts`) in `--format json`: goal ≤ 2 GiB peak;
 *   agreement with the floor for every partner; memory per partner, against 10,000 partners × the
 *   same 3,000,000 lines;
 * - the playground's re-evaluation of 50,500 records after a keystroke, in Chromium
 *   (`playground.bench.ts`): goal ≤ 200 ms;
 * - DuckDB (the peers' `e2e.js duckdb`: `read_csv`, exact DECIMAL, two threads) in the same rounds
 *   as the floor and incent: goal, incent ahead of it as typed (the table: a result line per partner,
 *   as DuckDB's), with the CSV and JSON statements' ratios beside it; its results against the floor's;
 * - json-rules-engine (`e2e.js jre`) at 100k, for scale.
 *
 * Beside each `incent run`, `incent diff --data` of the canonical program and a copy with one rule
 * changed (the SPIFF pays 30 EUR instead of 25 EUR) over the same data, reported as a ratio to the
 * run measured just before it: both versions share one read of the data (`Evaluator.runTogether`),
 * so the goal is under 2.2× one run.
 *
 * Every timed command's input file is read through just before it starts (`warm`): each is timed
 * over a file in the page cache, as a second run of it would be, not over the disk by chance.
 *
 * Data and the peers' dependencies go to bench-data/ (git-ignored); the shared folder is only read.
 * Options: `--quick` (100k only, no 5M, wide or playground), `--no-jre`, `--no-duckdb`, `--no-wide`,
 * `--no-playground`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floorWide, generateWide } from './wide.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared', 'bench', 'peers');
const work = join(root, 'bench-data');
const peers = join(work, 'peers');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const withDuckdb = !args.has('--no-duckdb');
const sizes = quick ? ['100k'] : ['100k', '1m'];
/** The installed command (`npm ci` builds its bundle through `prepare`). */
const incent = join(root, 'bin', 'incent.js');
const canonical = join(root, 'test', 'fixtures', 'canonical.incent');

/** One process (`node --require rss.cjs …argv`): wall time, peak memory, its output (or, with `to`, its stdout in that file). */
function sh(cmd: string, argv: string[], cwd: string, to?: string, inputs: readonly string[] = []): { ms: number; cpuMs: number; rssMiB: number; stdout: string; stderr: string; status: number | null } {
  const rss = join(work, 'rss.cjs');
  for (const input of inputs) warm(input);
  const fd = to === undefined ? undefined : openSync(to, 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, ['--require', rss, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
  if (fd !== undefined) closeSync(fd);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; // allow-number: a duration for a report
  const m = /MAXRSS_KB (\d+) CPU_US (\d+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: m ? Number(m[2]) / 1000 : NaN, rssMiB: m ? Number(m[1]) / 1024 : NaN, stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status }; // allow-number: KiB → MiB, µs → ms for a report
}

/**
 * Reads a command's input file through before it is timed (its bytes dropped). This machine's page
 * cache gives files back within seconds (a 58 MB file read again: 0.07 s from the disk, 0.01 s
 * cached), and the floor and DuckDB read another file than Incent's: without this, a run's time
 * held up to ~60 ms of disk reading or none, by chance. Every command of a round is timed over a
 * cached input, as a second run of it would be.
 */
function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function prepare(): void {
  if (!existsSync(join(shared, 'package.json'))) {
    console.log(`The peers' canonical benchmark is not beside this repository (${shared} is missing): nothing to compare with, so the runtime benchmark is skipped.`);
    process.exit(0);
  }
  mkdirSync(work, { recursive: true });
  // The process's figures when its main thread exits (`--require` runs in worker threads too: not there).
  writeFileSync(join(work, 'rss.cjs'), "if (require('worker_threads').isMainThread) process.on('exit', () => { try { require('fs').writeSync(2, 'MAXRSS_KB ' + process.resourceUsage().maxRSS + ' CPU_US ' + (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) + '\\n'); } catch {} });\n");
  if (!existsSync(join(peers, 'package.json'))) cpSync(shared, peers, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes(`${join(shared, 'data')}`) && !p.includes(`${join(shared, 'results')}`) });
  mkdirSync(join(peers, 'results'), { recursive: true });
  if (!existsSync(join(peers, 'data', 'sales-1m.csv'))) {
    console.log('generating the peers\' data (node lib/gen.js)…');
    spawnSync('node', ['lib/gen.js'], { cwd: peers, stdio: 'inherit' });
  }
  for (const tag of sizes) {
    if (!existsSync(join(peers, 'data', `incent-${tag}`, 'sale.csv'))) spawnSync('node', ['to-incent.js', tag], { cwd: peers, stdio: 'inherit' });
  }
  if (!args.has('--no-jre') && !existsSync(join(peers, 'node_modules', 'json-rules-engine'))) {
    // The peers' lock file lists platform packages it does not pin, so `npm ci` refuses it: install
    // just what the json-rules-engine variant needs, at the version the peers' package.json asks for.
    const wanted = (JSON.parse(readFileSync(join(peers, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['json-rules-engine'] ?? 'latest';
    console.log(`installing json-rules-engine@${wanted} for the peers…`);
    spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `json-rules-engine@${wanted}`], { cwd: peers, stdio: 'inherit' });
  }
  if (withDuckdb && !existsSync(join(peers, 'node_modules', '@duckdb', 'node-api'))) {
    // DuckDB, the peer the goal names ("ahead of DuckDB"): its prebuilt binding comes as an optional
    // package for this platform, so `--ignore-scripts` installs it whole.
    const wanted = (JSON.parse(readFileSync(join(peers, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@duckdb/node-api'] ?? 'latest';
    console.log(`installing @duckdb/node-api@${wanted} for the peers…`);
    spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `@duckdb/node-api@${wanted}`], { cwd: peers, stdio: 'inherit' });
  }
  console.log('building incent (npm run build)…');
  spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

interface Row {
  points: string;
  tier: string;
  cash: string;
}

function floorResults(tag: string): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const line of readFileSync(join(peers, 'results', `e2e-limit-${tag}.csv`), 'utf8').trim().split('\n').slice(1)) {
    const [pid, points, tier, cash] = line.split(',');
    m.set(pid!, { points: points!, tier: tier!, cash: cash! });
  }
  return m;
}

function agree(floor: Map<string, Row>, incent: Map<string, Row>): { partners: number; mismatched: number; examples: string[] } {
  let mismatched = 0;
  const examples: string[] = [];
  for (const [pid, f] of floor) {
    // The floor lists only partners with sales; Incent lists every partner (with zeros).
    const o = incent.get(pid);
    if (!o || o.points !== f.points || o.tier !== f.tier || o.cash !== f.cash) {
      mismatched++;
      if (examples.length < 3) examples.push(`${pid}: floor ${JSON.stringify(f)} incent ${JSON.stringify(o)}`);
    }
  }
  return { partners: floor.size, mismatched, examples };
}

const fmt = (x: number, d = 2) => x.toFixed(d); // allow-number: report formatting

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Runs each of `runs` `times` times, interleaved (so that a noisy moment hurts them alike); each one's median time and peak memory, and every run's time (`all`, in order). */
function interleaved(times: number, runs: Record<string, () => ReturnType<typeof sh>>): Record<string, { ms: number; cpuMs: number; rssMiB: number; all: number[]; last: ReturnType<typeof sh>; runs: ReturnType<typeof sh>[] }> {
  const seen: Record<string, ReturnType<typeof sh>[]> = {};
  for (let t = 0; t < times; t++) {
    for (const [name, run] of Object.entries(runs)) {
      const r = run();
      if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
      (seen[name] ??= []).push(r);
    }
  }
  return Object.fromEntries(Object.entries(seen).map(([name, rs]) => [name, { ms: median(rs.map((r) => r.ms)), cpuMs: median(rs.map((r) => r.cpuMs)), rssMiB: Math.max(...rs.map((r) => r.rssMiB)), all: rs.map((r) => r.ms), last: rs[rs.length - 1]!, runs: rs }]));
}

/** The phases `incent run --timings` reported on stderr in each run: each phase's median, in the report's order. */
function phases(runs: readonly { stderr: string }[]): string {
  const by = new Map<string, number[]>();
  for (const r of runs) {
    const line = /incent: timings: (.*); [\d,]+ ms since the process started/.exec(r.stderr)?.[1];
    for (const part of line?.split(', ') ?? []) {
      const m = /^(.*?) ([\d,]+) ms/.exec(part);
      if (m) by.set(m[1]!, [...(by.get(m[1]!) ?? []), Number(m[2]!.replace(/,/g, ''))]);
    }
  }
  return [...by].map(([name, ms]) => `${name} ${fmt(median(ms), 0)} ms`).join(', ');
}

const goal = (ok: boolean) => (ok ? 'goal met' : 'GOAL NOT MET');

/** Per partner [points, tier, cash paid] from `incent run --format json`'s text, read line by line (the file is too large for one string). */
function incentJsonFile(file: string): Map<string, Row> {
  const m = new Map<string, Row>();
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 24);
  let rest = '';
  let row: Row = { points: '', tier: '', cash: '' };
  let pot = '';
  const line = (l: string): void => {
    // the statement's layout (runtime/statement-stream.ts): a partner's id at 6 spaces, its tiers and pots at 8, a pot's members at 10
    if (l.startsWith('      "id": "')) {
      row = { points: '', tier: '', cash: '' };
      m.set(l.slice(13, l.lastIndexOf('"')), row);
    } else if (l.startsWith('        "status": "')) row.tier = l.slice(19, l.lastIndexOf('"'));
    else if (l.startsWith('        "') && l.endsWith('": {')) pot = l.slice(9, -4);
    else if (l.startsWith('          "paid": "')) {
      const v = l.slice(19, l.lastIndexOf('"'));
      if (pot === 'points') row.points = v;
      else if (pot === 'cash') row.cash = v;
    }
  };
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const text = rest + buf.toString('utf8', 0, n);
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) line(l);
  }
  closeSync(fd);
  return m;
}

/** Per partner [points, tier, cash paid] from `incent run --format csv` (a row per partner and pot: `period,partner,status,pot,earned,…,paid,…`). */
function incentCsvFile(file: string): Map<string, Row> {
  const m = new Map<string, Row>();
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  const [partner, tier, pot, paid] = ['partner', 'status', 'pot', 'paid'].map((c) => cols.indexOf(c));
  if ([partner, tier, pot, paid].some((i) => i! < 0)) throw new Error(`incent's CSV statement has no partner, status, pot or paid column: ${head}`);
  for (const line of rows) {
    // (the canonical program's ids, levels and pots hold no comma or quote)
    const cells = line.split(',');
    const id = cells[partner!]!;
    let row = m.get(id);
    if (!row) m.set(id, (row = { points: '', tier: cells[tier!]!, cash: '' }));
    if (cells[pot!] === 'points') row.points = cells[paid!]!;
    else if (cells[pot!] === 'cash') row.cash = cells[paid!]!;
  }
  return m;
}

/** Per partner [points, tier, cash paid] from `incent run`'s table (`partner  status  points paid  cash paid  …`, amounts grouped with commas). */
function incentTableFile(file: string): Map<string, Row> {
  const m = new Map<string, Row>();
  const lines = readFileSync(file, 'utf8').split('\n');
  const head = lines.findIndex((l) => l.startsWith('partner '));
  const cols = lines[head]!.split(/ {2,}/);
  const [partner, tier, points, cash] = ['partner', 'status', 'points paid', 'cash paid'].map((c) => cols.indexOf(c));
  if ([partner, tier, points, cash].some((i) => i! < 0)) throw new Error(`incent's table has no partner, status, points paid or cash paid column: ${lines[head]}`);
  // the partners' lines: between the two rules of dashes under the header
  for (const line of lines.slice(head + 2)) {
    if (line.startsWith('---')) break;
    const cells = line.split(/ +/); // (the canonical program's ids, levels and amounts hold no space)
    m.set(cells[partner!]!, { points: cells[points!]!.replace(/,/g, ''), tier: cells[tier!]!, cash: cells[cash!]!.replace(/,/g, '') });
  }
  return m;
}

function agreement(ag: ReturnType<typeof agree>): string {
  return `agreement with the floor: ${ag.partners - ag.mismatched}/${ag.partners} partners${ag.examples.length ? ' ' + ag.examples.join('; ') : ''}`;
}

function main(): void {
  prepare();
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    console.log(l);
  };
  let failed = false;

  // Start: the command's own cost over bare node.
  const start = interleaved(7, {
    node: () => sh('node', ['-e', '0'], root),
    help: () => sh('node', [incent, 'help'], root),
    check: () => sh('node', [incent, 'check', canonical], root),
  });
  for (const cmd of ['help', 'check'] as const) {
    const over = start[cmd]!.ms - start['node']!.ms;
    const cpuOver = start[cmd]!.cpuMs - start['node']!.cpuMs;
    say(`start: incent ${cmd} ${fmt(start[cmd]!.ms / 1000, 3)} s, node -e 0 ${fmt(start['node']!.ms / 1000, 3)} s — ${fmt(over / 1000, 3)} s over it, ${fmt(start[cmd]!.ms / start['node']!.ms, 2)}× (CPU: ${fmt(cpuOver / 1000, 3)} s over, ${fmt(start[cmd]!.cpuMs / start['node']!.cpuMs, 2)}×) (goal ≤ 0.15 s over): ${goal(over <= 150)}`);
  }

  // The canonical workload (10,000 partners) beside the floor.
  const oneM = { ms: NaN };
  for (const tag of sizes) {
    const n = tag === '1m' ? 1_000_000 : 100_000;
    const data = join(peers, 'data', `incent-${tag}`);
    const out = join(work, `incent-${tag}.json`);
    const dataCsv = join(data, 'sale.csv');
    const peersCsv = join(peers, 'data', `sales-${tag}.csv`);
    const outCsv = join(work, `incent-${tag}.csv`);
    const outTable = join(work, `incent-${tag}.txt`);
    // 9 rounds at 1M: with 3, the machine's load moved the ratio by ±0.5 from one bench run to the next (7 until the CSV runs joined the rounds)
    const r = interleaved(tag === '1m' ? 9 : 2, {
      floor: () => sh('node', ['e2e.js', 'limit', tag], peers, undefined, [peersCsv]),
      incent: () => sh('node', [incent, 'run', canonical, '--data', data, '--format', 'json', '--timings'], root, out, [dataCsv]),
      // the same statements in CSV: one row per partner and pot, no traces — the floor's kind of output
      csv: () => sh('node', [incent, 'run', canonical, '--data', data, '--format', 'csv', '--timings'], root, outCsv, [dataCsv]),
      // and as typed, without a format: the table (a line per partner, amounts grouped)
      table: () => sh('node', [incent, 'run', canonical, '--data', data, '--timings'], root, outTable, [dataCsv]),
      ...(withDuckdb ? { duckdb: () => sh('node', ['e2e.js', 'duckdb', tag], peers, undefined, [peersCsv]) } : {}),
    });
    const inc = r['incent']!;
    const floor = r['floor']!;
    const ag = agree(floorResults(tag), incentJsonFile(out));
    if (ag.mismatched > 0) failed = true;
    const ratio = inc.ms / floor.ms;
    // each round's own ratio (its two runs side by side): their median and range
    const paired = inc.all.map((ms, i) => ms / floor.all[i]!);
    say(
      `${tag} lines, 10,000 partners: incent ${fmt(inc.ms / 1000)} s (${fmt(n / (inc.ms / 1000) / 1e3, 0)}k lines/s, peak ${fmt(inc.rssMiB, 0)} MiB) — ` +
        `floor ${fmt(floor.ms / 1000)} s (peak ${fmt(floor.rssMiB, 0)} MiB) — incent/floor ${fmt(ratio, 2)}× (CPU ${fmt(inc.cpuMs / 1000)} s against ${fmt(floor.cpuMs / 1000)} s: ${fmt(inc.cpuMs / floor.cpuMs, 2)}×)` +
        (tag === '1m' ? ` (goal ≤ 2.5×, peak ≤ 300 MiB): ${goal(ratio <= 2.5 && inc.rssMiB <= 300)}` : '') +
        (tag === '1m' ? `; round by round ${fmt(median(paired), 2)}× (${fmt(Math.min(...paired), 2)}–${fmt(Math.max(...paired), 2)}×, ${paired.length} rounds)` : '') +
        `; ${agreement(ag)}`,
    );
    const csv = r['csv']!;
    const agCsv = agree(floorResults(tag), incentCsvFile(outCsv));
    if (agCsv.mismatched > 0) failed = true;
    const pairedCsv = csv.all.map((ms, i) => ms / floor.all[i]!);
    say(
      `${tag} lines, --format csv (no traces; one row per partner and pot, as the floor writes one per partner): incent ${fmt(csv.ms / 1000)} s (peak ${fmt(csv.rssMiB, 0)} MiB) — incent/floor ${fmt(csv.ms / floor.ms, 2)}× (CPU ${fmt(csv.cpuMs / floor.cpuMs, 2)}×)` +
        (tag === '1m' ? ` (goal ≤ 2.5×, peak ≤ 300 MiB): ${goal(csv.ms / floor.ms <= 2.5 && csv.rssMiB <= 300)}; round by round ${fmt(median(pairedCsv), 2)}× (${fmt(Math.min(...pairedCsv), 2)}–${fmt(Math.max(...pairedCsv), 2)}×)` : '') +
        `; ${agreement(agCsv)}; where its time went: ${phases(csv.runs)}`,
    );
    const table = r['table']!;
    const agTable = agree(floorResults(tag), incentTableFile(outTable));
    if (agTable.mismatched > 0) failed = true;
    const pairedTable = table.all.map((ms, i) => ms / floor.all[i]!);
    say(
      `${tag} lines, the default format (a table: a line per partner): incent ${fmt(table.ms / 1000)} s (peak ${fmt(table.rssMiB, 0)} MiB) — incent/floor ${fmt(table.ms / floor.ms, 2)}× (CPU ${fmt(table.cpuMs / floor.cpuMs, 2)}×)` +
        (tag === '1m' ? ` (goal ≤ 2.5×, peak ≤ 300 MiB): ${goal(table.ms / floor.ms <= 2.5 && table.rssMiB <= 300)}; round by round ${fmt(median(pairedTable), 2)}× (${fmt(Math.min(...pairedTable), 2)}–${fmt(Math.max(...pairedTable), 2)}×)` : '') +
        `; ${agreement(agTable)}`,
    );
    const duck = r['duckdb'];
    if (duck) {
      // DuckDB over the peers' CSV (`read_csv`, exact DECIMAL, its own threads): the same rules, results per partner.
      const floorRows = readFileSync(join(peers, 'results', `e2e-limit-${tag}.csv`), 'utf8').split('\n');
      const duckRows = readFileSync(join(peers, 'results', `e2e-duckdb-${tag}.csv`), 'utf8').split('\n');
      const differ = floorRows.filter((row, i) => row !== duckRows[i]).length + Math.max(0, duckRows.length - floorRows.length);
      // DuckDB writes a result per partner, as Incent's table (the command as typed) and CSV do; the
      // JSON statement also writes a trace per award (10 MB at 1M): the goal is judged on the
      // command as typed, and each format's ratio is shown.
      const rounds = (runs: { all: number[] }) => {
        const paired = runs.all.map((ms, i) => ms / duck.all[i]!);
        return `round by round ${fmt(median(paired), 2)}× (${fmt(Math.min(...paired), 2)}–${fmt(Math.max(...paired), 2)}×)`;
      };
      say(
        `${tag}: DuckDB ${fmt(duck.ms / 1000)} s (CPU ${fmt(duck.cpuMs / 1000)} s, peak ${fmt(duck.rssMiB, 0)} MiB) — ${fmt(duck.ms / floor.ms, 2)}× the floor; ` +
          `incent/DuckDB as typed (the table) ${fmt(table.ms / duck.ms, 2)}×` +
          (tag === '1m' ? `, ${rounds(table)} (goal: ahead of DuckDB): ${goal(table.ms < duck.ms)}` : '') +
          `; in CSV ${fmt(csv.ms / duck.ms, 2)}×${tag === '1m' ? `, ${rounds(csv)}` : ''}` +
          `; in JSON, with a trace per award, ${fmt(inc.ms / duck.ms, 2)}×${tag === '1m' ? `, ${rounds(inc)}` : ''}` +
          `; DuckDB's results differ from the floor's on ${differ} partner${differ === 1 ? '' : 's'}`,
      );
    }
    say(`${tag}: where a JSON run's time went (incent run --timings, medians of ${inc.runs.length} runs): ${phases(inc.runs)}`);
    if (tag === '1m') oneM.ms = inc.ms;
    const changed = join(work, 'canonical-changed.incent');
    writeFileSync(changed, readFileSync(canonical, 'utf8').replace('award 25 EUR * quantity', 'award 30 EUR * quantity'));
    // (3 runs, their median: one run was as much as 1.4× another on this shared machine)
    const diffs = [0, 1, 2].map(() => sh('node', [incent, 'diff', canonical, changed, '--data', data, '--format', 'json'], root, join(work, `diff-${tag}.json`), [dataCsv]));
    const failedDiff = diffs.find((d) => d.status !== 0);
    if (failedDiff) throw new Error(`incent diff failed: ${failedDiff.stderr}`);
    const diff = { ms: median(diffs.map((d) => d.ms)), rssMiB: Math.max(...diffs.map((d) => d.rssMiB)) };
    say(`${tag}: incent diff --data (one rule changed) ${fmt(diff.ms / 1000)} s (median of 3, peak ${fmt(diff.rssMiB, 0)} MiB) — ${fmt(diff.ms / inc.ms, 2)}× one incent run (goal: under 2.2×)`);
    if (!args.has('--no-jre') && tag === '100k') {
      const jre = sh('node', ['e2e.js', 'jre', tag], peers, undefined, [peersCsv]);
      if (jre.status === 0) say(`${tag}: json-rules-engine ${fmt(jre.ms / 1000)} s (peak ${fmt(jre.rssMiB, 0)} MiB) — incent is ${fmt(jre.ms / inc.ms, 1)}× faster`);
      else say(`${tag}: json-rules-engine failed: ${jre.stderr.split('\n')[0]}`);
    }
    rmSync(out, { force: true });
    rmSync(outCsv, { force: true });
    rmSync(outTable, { force: true });
  }

  {
    // §13.1: the cost of lots and expiry. The canonical program by quarter (four periods, --all),
    // its cash pot a `credit` pot (one that keeps a balance, so that it may keep lots), without and
    // with `expire after 2 periods` on both pots: the Q1 and Q2 lots expire within the year.
    const tag = quick ? '100k' : '1m';
    const data = join(peers, 'data', `incent-${tag}`);
    const quarterly = readFileSync(canonical, 'utf8').replace('period year', 'period quarter').replace('payout cash as cash {', 'payout cash as credit {');
    const plain = join(work, 'canonical-quarterly.incent');
    const expiring = join(work, 'canonical-expiring.incent');
    writeFileSync(plain, quarterly);
    writeFileSync(expiring, quarterly.replace('payout points as points', 'payout points as points {\n  expire after 2 periods\n}').replace('payout cash as credit {', 'payout cash as credit {\n  expire after 2 periods'));
    // In CSV the ledger adds a few columns; in JSON each pot's statement gains its ledger (lots,
    // balance, expiring): the statement is about twice as long, and writing it is part of the cost.
    // (9 runs each: with 3, one fast or slow run of a pair on this shared machine moved the ratio by
    // 0.2; with 5, a busy bench run read 1.41× in JSON where 11 alternated rounds by hand read 1.23×)
    for (const format of ['csv', 'json']) {
      const r = interleaved(quick ? 3 : 9, {
        plain: () => sh('node', [incent, 'run', plain, '--data', data, '--all', '--format', format], root, '/dev/null', [join(data, 'sale.csv')]),
        expiring: () => sh('node', [incent, 'run', expiring, '--data', data, '--all', '--format', format], root, '/dev/null', [join(data, 'sale.csv')]),
      });
      const ratio = r['expiring']!.ms / r['plain']!.ms;
      say(`${tag} lines by quarter, --format ${format}, lots with expiry on both pots: ${fmt(r['expiring']!.ms / 1000)} s (peak ${fmt(r['expiring']!.rssMiB, 0)} MiB) against ${fmt(r['plain']!.ms / 1000)} s without (peak ${fmt(r['plain']!.rssMiB, 0)} MiB): ${fmt(ratio, 2)}× (CPU ${fmt(r['expiring']!.cpuMs / r['plain']!.cpuMs, 2)}×) (goal ≤ 1.3×): ${goal(ratio <= 1.3)}`);
    }
  }

  if (!quick) {
    // Linearity: 1M and 5M lines of one generator (10,000 partners).
    const lin: Record<string, string> = {};
    for (const [tag, n] of [['1m', 1_000_000], ['5m', 5_000_000]] as const) {
      lin[tag] = join(work, 'wide', `lines-${tag}`);
      if (!existsSync(join(lin[tag], 'sale.csv'))) generateWide(peers, lin[tag], 10_000, n);
    }
    // The 5M file (~290 MB) is read by two threads (files of 96 MiB or more); beside it, by one (`--threads 1`).
    const runs: Record<string, () => ReturnType<typeof sh>> = Object.fromEntries(Object.entries(lin).map(([tag, dir]) => [tag, () => sh('node', [incent, 'run', canonical, '--data', dir, '--format', 'json'], root, '/dev/null', [join(dir, 'sale.csv')])]));
    runs['5m, one thread'] = () => sh('node', [incent, 'run', canonical, '--data', lin['5m']!, '--format', 'json', '--threads', '1'], root, '/dev/null', [join(lin['5m']!, 'sale.csv')]);
    const r = interleaved(3, runs);
    const ratio = r['5m']!.ms / (5 * r['1m']!.ms);
    const one = r['5m, one thread']!;
    say(`5M lines ${fmt(r['5m']!.ms / 1000)} s (peak ${fmt(r['5m']!.rssMiB, 0)} MiB) against 1M ${fmt(r['1m']!.ms / 1000)} s (peak ${fmt(r['1m']!.rssMiB, 0)} MiB): ${fmt(ratio, 2)}× linear (CPU ${fmt(r['5m']!.cpuMs / (5 * r['1m']!.cpuMs), 2)}×) (goal ≤ 1.1×): ${goal(ratio <= 1.1)}`);
    say(`5M lines read by two threads (the default from 96 MiB): ${fmt(r['5m']!.ms / 1000)} s (CPU ${fmt(r['5m']!.cpuMs / 1000)} s) against one thread ${fmt(one.ms / 1000)} s (CPU ${fmt(one.cpuMs / 1000)} s, peak ${fmt(one.rssMiB, 0)} MiB): ${fmt(r['5m']!.ms / one.ms, 2)}× the time of one thread`);
  }

  if (!quick && !args.has('--no-wide')) {
    // 1,000,000 partners × 3,000,000 lines, and 10,000 partners × the same lines for the memory per partner.
    const dirs = { wide: join(work, 'wide', 'incent-1m-partners'), narrow: join(work, 'wide', 'lines-3m-10k') };
    if (!existsSync(join(dirs.wide, 'sale.csv'))) generateWide(peers, dirs.wide, 1_000_000, 3_000_000);
    if (!existsSync(join(dirs.narrow, 'sale.csv'))) generateWide(peers, dirs.narrow, 10_000, 3_000_000);
    const out = join(work, 'wide.json');
    const wide = sh('node', [incent, 'run', canonical, '--data', dirs.wide, '--format', 'json'], root, out, [join(dirs.wide, 'sale.csv')]);
    if (wide.status !== 0) throw new Error(`incent (1M partners) failed: ${wide.stderr}`);
    const floorT0 = process.hrtime.bigint();
    const floor = floorWide(join(dirs.wide, 'sale.csv'), 1_000_000);
    const floorMs = Number(process.hrtime.bigint() - floorT0) / 1e6; // allow-number: a duration for a report
    const got = incentJsonFile(out);
    rmSync(out, { force: true });
    const want = new Map([...floor].map(([id, [points, tier, cash]]) => [id, { points: String(points), tier, cash }]));
    const ag = agree(want, got);
    if (ag.mismatched > 0) failed = true;
    const narrow = sh('node', [incent, 'run', canonical, '--data', dirs.narrow, '--format', 'json'], root, '/dev/null', [join(dirs.narrow, 'sale.csv')]);
    if (narrow.status !== 0) throw new Error(`incent (3M lines, 10k partners) failed: ${narrow.stderr}`);
    const perPartner = ((wide.rssMiB - narrow.rssMiB) * 1024 * 1024) / 990_000;
    say(
      `1,000,000 partners × 3,000,000 lines, --format json: ${fmt(wide.ms / 1000, 1)} s (CPU ${fmt(wide.cpuMs / 1000, 1)} s), peak ${fmt(wide.rssMiB, 0)} MiB (goal ≤ 2048 MiB): ${goal(wide.rssMiB <= 2048)}; ` +
        `${fmt(wide.ms / narrow.ms, 1)}× the same lines over 10,000 partners (${fmt(narrow.ms / 1000, 1)} s, peak ${fmt(narrow.rssMiB, 0)} MiB): ~${fmt(perPartner, 0)} bytes of peak memory per partner; ` +
        `the floor's pass over the file (in this process) ${fmt(floorMs / 1000, 2)} s; ${agreement(ag)}`,
    );
  }

  if (!quick && !args.has('--no-playground')) {
    const pg = spawnSync('npx', ['tsx', join(root, 'test', 'bench', 'playground.bench.ts')], { cwd: root, encoding: 'utf8' });
    const m = /after typing:\s+Evaluated ([\d,]+) records in (\d+) ms/.exec(pg.stdout ?? '');
    if (m) say(`playground: re-evaluation of ${m[1]} records after a keystroke, in the worker (Chromium): ${m[2]} ms, ${fmt(Number(m[2]) / 200, 2)}× the goal of 200 ms: ${goal(Number(m[2]) <= 200)}`);
    else say(`playground: not measured (${(pg.stdout + pg.stderr).trim().split('\n').slice(-2).join(' ')})`);
  }

  console.log('\n' + lines.join('\n'));
  if (failed) process.exitCode = 1;
}

main();
