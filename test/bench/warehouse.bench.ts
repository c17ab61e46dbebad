/**
 * `npm run bench` (issue 13): pass 1 in DuckDB against the streaming runtime, in the same run, on
 * the command a user runs (`bin/incent.js`): the canonical benchmark of ../shared/bench/peers at
 * 1,000,000 sale lines for 10,000 partners, and 20,000,000 lines (those lines twenty times over,
 * each copy with its own ids): end to end (CSV folder → statements in JSON) with
 * - the streaming runtime (`--data DIR`),
 * - DuckDB over the same folder (`--data DIR --engine duckdb`: `read_csv`),
 * - DuckDB over a table of a database file (`--source duckdb:PATH`: the warehouse case; loading
 *   the table is not timed),
 * each one's wall time (median of the runs, interleaved), CPU time and peak memory (the whole
 * process: DuckDB's memory is in it), the ratios to the streaming run, and whether the three gave
 * the same statements byte for byte. Options: `--quick` (1M only, one run each).
 * Data goes to bench-data/ (git-ignored); the shared folder is only read.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared', 'bench', 'peers');
const work = join(root, 'bench-data');
const peers = join(work, 'peers');
const quick = process.argv.includes('--quick');
const incent = join(root, 'bin', 'incent.js');
const canonical = join(root, 'test', 'fixtures', 'canonical.incent');

function sh(argv: string[], to: string): { ms: number; cpuMs: number; rssMiB: number; stderr: string; status: number | null } {
  const fd = openSync(to, 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', join(work, 'rss.cjs'), ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; // allow-number: a duration for a report
  const m = /MAXRSS_KB (\d+) CPU_US (\d+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: m ? Number(m[2]) / 1000 : NaN, rssMiB: m ? Number(m[1]) / 1024 : NaN, stderr: r.stderr ?? '', status: r.status }; // allow-number: report units
}

async function prepare(): Promise<string[]> {
  if (!existsSync(join(shared, 'package.json'))) {
    console.log(`The peers' canonical benchmark is not beside this repository (${shared} is missing): nothing to generate the data from, so the warehouse benchmark is skipped.`);
    process.exit(0);
  }
  mkdirSync(work, { recursive: true });
  spawnSync('node', ['-e', "require('fs').writeFileSync(process.argv[1], \"if (require('worker_threads').isMainThread) process.on('exit', () => { try { require('fs').writeSync(2, 'MAXRSS_KB ' + process.resourceUsage().maxRSS + ' CPU_US ' + (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) + '\\\\n'); } catch {} });\\n\")", join(work, 'rss.cjs')]);
  if (!existsSync(join(peers, 'package.json'))) cpSync(shared, peers, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes(join(shared, 'data')) && !p.includes(join(shared, 'results')) });
  const oneM = join(peers, 'data', 'incent-1m');
  if (!existsSync(join(oneM, 'sale.csv'))) {
    console.log('generating 1,000,000 lines (node to-incent.js 1m)…');
    spawnSync('node', ['to-incent.js', '1m'], { cwd: peers, stdio: 'inherit' });
  }
  const folders = [oneM];
  if (!quick) {
    const twentyM = join(work, 'warehouse-20m');
    const file = join(twentyM, 'sale.csv');
    if (!existsSync(file)) {
      console.log('writing 20,000,000 lines (the 1M lines twenty times, with their own ids)…');
      mkdirSync(twentyM, { recursive: true });
      const lines: string[] = [];
      const rl = createInterface({ input: createReadStream(join(oneM, 'sale.csv')), crlfDelay: Infinity });
      for await (const l of rl) if (l) lines.push(l);
      const fd = openSync(`${file}.part`, 'w');
      writeSync(fd, `${lines[0]}\n`);
      for (let k = 0; k < 20; k++) {
        let chunk = '';
        for (let i = 1; i < lines.length; i++) {
          chunk += `C${k}-${lines[i]}\n`;
          if (chunk.length > 1 << 22) {
            writeSync(fd, chunk);
            chunk = '';
          }
        }
        writeSync(fd, chunk);
      }
      closeSync(fd);
      cpSync(`${file}.part`, file);
      rmSync(`${file}.part`);
    }
    folders.push(twentyM);
  }
  console.log('building incent (npm run build)…');
  spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  return folders;
}

/** A DuckDB database file beside the folder with its sale.csv as a typed table (the warehouse's table). */
function table(folder: string): string {
  const db = join(folder, 'sales.duckdb');
  if (existsSync(db) && statSync(db).mtimeMs > statSync(join(folder, 'sale.csv')).mtimeMs) return db;
  rmSync(db, { force: true });
  const script = `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => { const i = await DuckDBInstance.create(${JSON.stringify(db)}); const c = await i.connect(); await c.run("CREATE TABLE sale AS SELECT * FROM read_csv(${JSON.stringify(join(folder, 'sale.csv')).replaceAll('"', "'")}, columns = {'id': 'VARCHAR', 'partner': 'VARCHAR', 'date': 'DATE', 'sku': 'VARCHAR', 'category': 'VARCHAR', 'region': 'VARCHAR', 'amount': 'DECIMAL(12,2)', 'quantity': 'INTEGER'}, header = true)"); c.disconnectSync(); i.closeSync(); })`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading ${db} failed: ${r.stderr}`);
  return db;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const f2 = (x: number) => x.toFixed(2); // allow-number: report formatting

async function main(): Promise<void> {
  const folders = await prepare();
  const lines: string[] = [`# pass 1 in DuckDB vs the streaming runtime (canonical program, --format json, ${new Date().toISOString().slice(0, 10)})`, ''];
  for (const folder of folders) {
    const n = folder.endsWith('warehouse-20m') ? '20,000,000' : '1,000,000';
    const db = table(folder);
    const runs: Record<string, string[]> = {
      streaming: [incent, 'run', canonical, '--data', folder, '--format', 'json'],
      'duckdb read_csv': [incent, 'run', canonical, '--data', folder, '--engine', 'duckdb', '--format', 'json'],
      'duckdb table': [incent, 'run', canonical, '--source', `duckdb:${db}`, '--format', 'json'],
    };
    const times = quick || n.startsWith('20') ? 1 : 3;
    const seen: Record<string, ReturnType<typeof sh>[]> = {};
    for (let t = 0; t < times; t++) {
      for (const [name, argv] of Object.entries(runs)) {
        const r = sh(argv, join(work, `warehouse-${name.replace(' ', '-')}.json`));
        if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
        (seen[name] ??= []).push(r);
      }
    }
    const base = readFileSync(join(work, 'warehouse-streaming.json'));
    const s = median(seen['streaming']!.map((r) => r.ms));
    lines.push(`## ${n} lines, 10,000 partners (${times === 1 ? 'one run each' : `median of ${times} interleaved runs`})`, '', '| run | wall s | cpu s | peak MiB | wall / streaming | statements |', '|---|---|---|---|---|---|');
    for (const name of Object.keys(runs)) {
      const rs = seen[name]!;
      const ms = median(rs.map((r) => r.ms));
      const same = readFileSync(join(work, `warehouse-${name.replace(' ', '-')}.json`)).equals(base);
      lines.push(`| ${name} | ${f2(ms / 1000)} | ${f2(median(rs.map((r) => r.cpuMs)) / 1000)} | ${Math.round(Math.max(...rs.map((r) => r.rssMiB)))} | ${f2(ms / s)}× | ${name === 'streaming' ? '—' : same ? 'byte-identical' : 'DIFFERENT'} |`);
    }
    lines.push('');
    console.log(lines.slice(-7).join('\n'));
  }
  console.log(`\n${lines.join('\n')}`);
}

await main();
