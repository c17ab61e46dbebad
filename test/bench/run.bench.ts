/**
 * `npm run bench` (runtime): the canonical benchmark of ../shared/bench/peers — 100,000 and
 * 1,000,000 sale lines for 10,000 partners — run end to end (CSV file → statements) by `incent run`,
 * beside the floor (a byte scanner and integer cents, the peers' `e2e.js limit`) and
 * json-rules-engine (`e2e.js jre`), in one run. Reports wall time, lines per second, the ratio to
 * the floor and peak memory, and checks that Incent's statements agree with the floor's results
 * partner by partner (points, tier, cash).
 *
 * Beside each `incent run`, `incent diff --data` of the canonical program and a copy with one rule
 * changed (the SPIFF pays 30 EUR instead of 25 EUR) over the same data, reported as a ratio to the
 * run measured just before it: both versions share one read of the data (`Evaluator.runTogether`),
 * so the goal is under 2.2× one run.
 *
 * Data and the peers' dependencies go to bench-data/ (git-ignored); the shared folder is only read.
 * Options: `--quick` (100k only), `--no-jre` (skip json-rules-engine).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared', 'bench', 'peers');
const work = join(root, 'bench-data');
const peers = join(work, 'peers');
const args = new Set(process.argv.slice(2));
const sizes = args.has('--quick') ? ['100k'] : ['100k', '1m'];

function sh(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ms: number; rssMiB: number; stdout: string; stderr: string; status: number | null } {
  const rss = join(work, 'rss.cjs');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, ['--require', rss, ...argv], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; // allow-number: a duration for a report
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr ?? '');
  return { ms, rssMiB: m ? Number(m[1]) / 1024 : NaN, stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status }; // allow-number: KiB → MiB for a report
}

function prepare(): void {
  if (!existsSync(join(shared, 'package.json'))) {
    console.log(`The peers' canonical benchmark is not beside this repository (${shared} is missing): nothing to compare with, so the runtime benchmark is skipped.`);
    process.exit(0);
  }
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'rss.cjs'), "process.on('exit', () => { try { require('fs').writeSync(2, 'MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'); } catch {} });\n");
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

function incentResults(json: string): Map<string, Row> {
  const doc = JSON.parse(json) as { partners: { id: string; tiers: Record<string, string>; pots: Record<string, { paid: string }> }[] };
  return new Map(doc.partners.map((p) => [p.id, { points: p.pots['points']!.paid, tier: p.tiers['status']!, cash: p.pots['cash']!.paid }]));
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

function main(): void {
  prepare();
  const lines: string[] = [];
  const fmt = (x: number, d = 2) => x.toFixed(d); // allow-number: report formatting
  for (const tag of sizes) {
    const n = tag === '1m' ? 1_000_000 : 100_000;
    const floor = sh('node', ['e2e.js', 'limit', tag], peers);
    if (floor.status !== 0) throw new Error(`floor failed: ${floor.stderr}`);
    const inc = sh('node', [join(root, 'dist', 'incent.mjs'), 'run', join(root, 'test', 'fixtures', 'canonical.incent'), '--data', join(peers, 'data', `incent-${tag}`), '--format', 'json'], root);
    if (inc.status !== 0) throw new Error(`incent failed: ${inc.stderr}`);
    const ag = agree(floorResults(tag), incentResults(inc.stdout));
    const canonical = join(root, 'test', 'fixtures', 'canonical.incent');
    const changed = join(work, 'canonical-changed.incent');
    writeFileSync(changed, readFileSync(canonical, 'utf8').replace('award 25 EUR * quantity', 'award 30 EUR * quantity'));
    const diff = sh('node', [join(root, 'dist', 'incent.mjs'), 'diff', canonical, changed, '--data', join(peers, 'data', `incent-${tag}`), '--format', 'json'], root);
    if (diff.status !== 0) throw new Error(`incent diff failed: ${diff.stderr}`);
    lines.push(
      `${tag}: incent ${fmt(inc.ms / 1000)} s (${fmt(n / (inc.ms / 1000) / 1e3, 0)}k lines/s, peak ${fmt(inc.rssMiB, 0)} MiB) — ` +
        `floor ${fmt(floor.ms / 1000)} s (peak ${fmt(floor.rssMiB, 0)} MiB) — incent/floor ${fmt(inc.ms / floor.ms, 1)}×; ` +
        `agreement: ${ag.partners - ag.mismatched}/${ag.partners} partners${ag.examples.length ? ' ' + ag.examples.join('; ') : ''}`,
    );
    console.log(lines[lines.length - 1]);
    lines.push(`${tag}: incent diff --data (one rule changed) ${fmt(diff.ms / 1000)} s (peak ${fmt(diff.rssMiB, 0)} MiB) — ${fmt(diff.ms / inc.ms, 2)}× one incent run (goal: under 2.2×)`);
    if (!args.has('--no-jre') && tag === '100k') {
      const jre = sh('node', ['e2e.js', 'jre', tag], peers);
      if (jre.status === 0) lines.push(`${tag}: json-rules-engine ${fmt(jre.ms / 1000)} s (peak ${fmt(jre.rssMiB, 0)} MiB) — incent is ${fmt(jre.ms / inc.ms, 1)}× faster`);
      else lines.push(`${tag}: json-rules-engine failed: ${jre.stderr.split('\n')[0]}`);
    }
    console.log(lines[lines.length - 1]);
    if (ag.mismatched > 0) process.exitCode = 1;
  }
  console.log('\n' + lines.join('\n'));
}

main();
