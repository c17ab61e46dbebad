/** The `incent` command line: exit codes, output formats, messages for bad usage and bad data. */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { cli } from '../helpers/cli.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'incent-cli-'));
}

/** A small Northwind data folder. */
function northwindData(): string {
  const dir = tmp();
  writeFileSync(join(dir, 'partners.csv'), 'id,kind,region\nP1,distributor,EMEA\nP2,reseller,AMER\n');
  writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,sku,category,amount,quantity\nS1,P1,2026-02-10,NW-SW-1,hardware,1500000,1\nS2,P2,2026-03-05,NW-RTR-9,hardware,1234.56,3\n');
  writeFileSync(join(dir, 'training.csv'), 'id,partner,date,course\nT1,P2,2026-02-01,Router Pro\n');
  return dir;
}

describe('incent check', () => {
  it('a clean program exits 0', () => {
    const r = cli('check', fixture('northwind.incent'));
    expect(r.code).toBe(0);
    expect(r.err).toContain('ok');
  });

  it('errors exit 1, rendered with location, excerpt, caret and hint; all of them, not only the first', () => {
    const dir = tmp();
    const file = join(dir, 'bad.incent');
    writeFileSync(
      file,
      readFileSync(fixture('northwind.incent'), 'utf8')
        .replace('award floor(amount / 1 EUR) * multiplier to points', 'award floor(amount / 1 EUR) * multiplierr to points')
        .replace('award 25 EUR * quantity to cash', 'award 25 EUR * quantity to cahs'),
    );
    const r = cli('check', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[E\d{4}\]: `multiplierr` is not defined/);
    expect(r.err).toContain('did you mean `multiplier`?');
    expect(r.err).toMatch(/bad\.incent:\d+:\d+/);
    expect(r.err).toContain('^^^^^^^^^^^');
    expect(r.err).toContain('`cahs`');
    expect(r.err).toContain('2 errors');
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('--format json gives every diagnostic with code, range and hint', () => {
    const dir = tmp();
    const file = join(dir, 'bad.incent');
    writeFileSync(file, readFileSync(fixture('northwind.incent'), 'utf8').replace('to cash\n', 'to cahs\n'));
    const r = cli('check', '--format', 'json', file);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.out) as { code: string; severity: string; message: string; hint?: string; range: { start: { line: number; column: number } } }[];
    const d = diags.find((x) => x.message.includes('cahs'))!;
    expect(d.severity).toBe('error');
    expect(d.code).toMatch(/^E\d{4}$/);
    expect(d.hint).toContain('cash');
    expect(d.range.start.line).toBeGreaterThan(1);
  });

  it('a missing file is a clear message, exit 2', () => {
    const r = cli('check', '/nonexistent/x.incent');
    expect(r.code).toBe(2);
    expect(r.err).toContain('/nonexistent/x.incent: no such file');
  });
});

describe('incent fmt', () => {
  it('--check passes on a formatted file and fails on a messy one; fmt rewrites it to the canonical form', () => {
    const dir = tmp();
    const file = join(dir, 'p.incent');
    copyFileSync(fixture('canonical.incent'), file); // aligned like the spec: not canonical
    expect(cli('fmt', '--check', file).code).toBe(1);
    expect(cli('fmt', file).code).toBe(0);
    const canonical = readFileSync(file, 'utf8');
    expect(canonical).toContain('measure total = sum sale.amount');
    expect(cli('fmt', '--check', file).code).toBe(0);
    writeFileSync(file, canonical.replace('measure total = sum sale.amount', 'measure   total=sum   sale.amount'));
    const r = cli('fmt', '--check', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not in canonical form');
    expect(cli('fmt', file).code).toBe(0);
    expect(cli('fmt', '--check', file).code).toBe(0);
  });

  it('refuses a file with syntax errors', () => {
    const dir = tmp();
    const file = join(dir, 'p.incent');
    writeFileSync(file, 'let x = (1 +\n');
    const r = cli('fmt', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('syntax errors');
    expect(readFileSync(file, 'utf8')).toBe('let x = (1 +\n');
  });
});

describe('incent test', () => {
  it('runs the spec example test block', () => {
    const r = cli('test', fixture('northwind.incent'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 passed, 0 failed');
  });

  it('a failing expectation shows expected, actual and the trace', () => {
    const dir = tmp();
    const file = join(dir, 'p.incent');
    writeFileSync(file, readFileSync(fixture('northwind.incent'), 'utf8').replace('expect "P1" credit = 50_000 EUR', 'expect "P1" credit = 40_000 EUR'));
    const r = cli('test', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error[T0001]: expect "P1" credit: expected 40000, actual 50000.00');
    expect(r.out).toMatch(/--> .*p\.incent:\d+:3\n.*\n\d+ \|   expect "P1" credit = 40_000 EUR\n.*\|   \^{31}/);
    expect(r.out).toContain('= trace: Distributor volume rebate: hardware_revenue 1,500,000.00 EUR reaches band "from 500,000 EUR" → 4% → 60,000.00 EUR → rule cap 50,000.00 EUR');
    expect(r.out).not.toContain('Router SPIFF'); // it awards cash, not credit
    expect(r.out).toContain('0 passed, 1 failed');
    const json = JSON.parse(cli('test', '--format', 'json', file).out);
    expect(json).toMatchObject({ passed: 0, failed: 1, tests: [{ passed: false, failures: [{ code: 'T0001', severity: 'error', range: { start: { column: 3 } } }] }] });
  });
});

describe('incent run', () => {
  it('--format json follows the §11 contract: decimals as strings, partners sorted, every pot for every partner', () => {
    const r = cli('run', fixture('northwind.incent'), '--data', northwindData(), '--period', '2026-Q1', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.program).toBe('Northwind Partner Rewards');
    expect(doc.period).toBe('2026-Q1');
    expect(doc.partners.map((p: { id: string }) => p.id)).toEqual(['P1', 'P2']);
    for (const p of doc.partners) expect(Object.keys(p.pots).sort()).toEqual(['cash', 'credit', 'points', 'trip']);
    const p1 = doc.partners[0];
    expect(p1.tiers.status).toBe('Gold');
    expect(p1.pots.credit).toMatchObject({ earned: '50000.00', paid: '50000.00', carried: '0.00' });
    expect(p1.pots.points.paid).toBe('2250000'); // 1,500,000 × 1.5
    const p2 = doc.partners[1];
    expect(p2.pots.cash).toMatchObject({ earned: '75.00', paid: '75.00' }); // 25 EUR × 3 routers in March, above the 50 EUR minimum
    expect(p2.pots.points.paid).toBe('1734'); // floor(1234.56) × 1 + 500 certification
  });

  it('--all prints one statement per period from the start to the end', () => {
    const r = cli('run', fixture('northwind.incent'), '--data', northwindData(), '--all', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((d: { period: string }) => d.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('table and csv formats; csv escapes cells a spreadsheet would execute', () => {
    const dir = northwindData();
    writeFileSync(join(dir, 'partners.csv'), 'id,kind,region\n=HYPERLINK(1),distributor,EMEA\nP2,reseller,AMER\n');
    writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,sku,category,amount,quantity\nS2,P2,2026-03-05,NW-RTR-9,hardware,1234.56,3\n');
    const table = cli('run', fixture('northwind.incent'), '--data', dir, '--period', '2026-Q1');
    expect(table.code).toBe(0);
    expect(table.out).toContain('Northwind Partner Rewards — 2026-Q1 (EUR)');
    expect(table.out).toMatch(/P2\s+Member/);
    const csv = cli('run', fixture('northwind.incent'), '--data', dir, '--period', '2026-Q1', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.out).toContain("'=HYPERLINK(1)");
    expect(csv.out).not.toMatch(/^=HYPERLINK/m);
  });

  it('bad records fail the run with every problem as FILE:LINE: field …; --reject sets them aside and says how many', () => {
    const dir = northwindData();
    writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,sku,category,amount,quantity\nS1,P1,2026-02-10,X,hardware,"12,50",1\nS2,P2,2026-02-30,X,hardwre,10,1\nS3,P2,2026-03-01,X,hardware,10,1\n');
    const r = cli('run', fixture('northwind.incent'), '--data', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('sale.csv:2: field "amount": "12,50" is not a decimal amount');
    expect(r.err).toMatch(/sale\.csv:3: field "date"/);
    expect(r.err).toMatch(/sale\.csv:3: field "category"/);
    const rejects = join(tmp(), 'rejected');
    const ok = cli('run', fixture('northwind.incent'), '--data', dir, '--reject', rejects, '--format', 'json', '--period', '2026-Q1');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).rejected).toBe(2);
    expect(ok.err).toContain('2 records rejected');
    // one file per data file, in its own format: the input's columns, then the line and the reasons
    expect(readFileSync(join(rejects, 'sale.csv'), 'utf8')).toBe(
      [
        'id,partner,date,sku,category,amount,quantity,line,reason',
        'S1,P1,2026-02-10,X,hardware,"12,50",1,2,"D0206 field ""amount"": ""12,50"" is not a decimal amount"',
        'S2,P2,2026-02-30,X,hardwre,10,1,3,"D0213 field ""date"": ""2026-02-30"" is not a date that exists; D0215 field ""category"": ""hardwre"" is not one of ""hardware"", ""software"", ""services"""',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(rejects, 'partners.csv'), 'utf8')).toBe('id,kind,region,line,reason\n');
  });

  it('a division by zero is an evaluation error naming the rule and the record, exit 1, no stack trace', () => {
    const dir = tmp();
    const file = join(dir, 'p.incent');
    writeFileSync(
      file,
      'program "Z" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\nevent sale {\n  amount: money\n  units: integer\n}\npayout cash as cash {\n  cap 100 EUR per partner\n}\nrule "Per unit" {\n  for each sale\n  award amount / units to cash\n}\n',
    );
    writeFileSync(join(dir, 'sale.csv'), 'id,partner,date,amount,units\nS1,P1,2026-01-05,10,2\nS2,P1,2026-01-06,10,0\n');
    const r = cli('run', file, '--data', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      [
        'error[R0001]: rule "Per unit", sale "S2" of partner "P1": division by zero in `amount / units`: `units` is zero',
        '  = hint: guard the division: `if x = 0 then 0 else y / x`',
        'incent: the evaluation stopped; nothing was printed',
        '',
      ].join('\n'),
    );
  });

  it('usage errors say what is wrong and show the usage', () => {
    const r = cli('run', fixture('northwind.incent'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('needs --data DIR');
    expect(cli('run', fixture('northwind.incent'), '--data', northwindData(), '--period', '2026-Q7').err).toContain('expected a period like');
    expect(cli('frobnicate').err).toContain('unknown command "frobnicate"');
  });
});

describe('incent explain', () => {
  it('prints the awards with traces and why the other rules gave nothing', () => {
    const r = cli('explain', fixture('northwind.incent'), '--data', northwindData(), '--period', '2026-Q1', '--partner', 'P2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Router SPIFF');
    expect(r.out).toContain('Distributor volume rebate: partner.kind "reseller" ≠ "distributor"');
    expect(r.out).toMatch(/Heroes trip: revenue 1,234\.56 EUR < 500,000 EUR/);
  });

  it('an unknown partner is a clear message', () => {
    const r = cli('explain', fixture('northwind.incent'), '--data', northwindData(), '--period', '2026-Q1', '--partner', 'P9');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--partner P9: no such partner');
  });
});

describe('the installed command', () => {
  const bin = new URL('../../bin/incent.js', import.meta.url).pathname;

  it('bin/incent.js runs the built command (built from the current sources by the tests\' global setup)', () => {
    const out = execFileSync('node', [bin, 'check', fixture('canonical.incent')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
    const r = spawnSync('node', [bin, 'check', fixture('canonical.incent')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${fixture('canonical.incent')}: ok\n`); // no staleness warning: the bundle is fresh
    const help = spawnSync('node', [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('incent run FILE --data DIR');
  });

  it('the commands run with the code cache the build wrote, and give the same output without it or with a damaged one', () => {
    const dist = new URL('../../dist/', import.meta.url).pathname;
    const example = new URL('../../examples/northwind-distributor/', import.meta.url).pathname;
    const args = ['run', join(example, 'program.incent'), '--data', join(example, 'data'), '--format', 'json', '--all'];
    const env = { ...process.env, INCENT_CODE_CACHE: 'report' };
    const built = spawnSync('node', [bin, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
    expect(built.status).toBe(0);
    expect(built.stderr).toBe('incent: code cache accepted\n');
    expect(built.stdout.length).toBeGreaterThan(1000);
    for (const [cache, said] of [[undefined, 'absent'], ['not a code cache', 'rejected']] as const) {
      const dir = layout({ 'dist/incent.mjs': readFileSync(join(dist, 'incent.mjs'), 'utf8'), 'dist/commands.cjs': readFileSync(join(dist, 'commands.cjs'), 'utf8'), ...(cache ? { 'dist/commands.cjs.cache': cache } : {}) });
      const r = spawnSync('node', [join(dir, 'bin', 'incent.js'), ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
      expect(r.stderr).toBe(`incent: code cache ${said}\n`);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(built.stdout);
    }
  });

  /** A copy of bin/incent.js in a folder laid out like a checkout or a package. */
  function layout(files: Record<string, string>): string {
    const dir = tmp();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(bin, join(dir, 'bin', 'incent.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    return dir;
  }

  it('without a build, it says in one line to run `npm run build` (exit 1, no stack trace)', () => {
    const dir = layout({ 'cli/main.ts': '' });
    const r = spawnSync('node', [join(dir, 'bin', 'incent.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`incent: the command is not built (${join(dir, 'dist', 'incent.mjs')} is missing): run \`npm run build\` in ${dir}/\n`);
  });

  it('in a checkout whose sources are newer than the bundle, it warns in one line and runs it; in a package (no sources), it runs it', () => {
    const bundle = "process.stdout.write('ran ' + process.argv.slice(2).join(' '));";
    const hourAgo = new Date(Date.now() - 3_600_000);
    const run = (dir: string) => spawnSync('node', [join(dir, 'bin', 'incent.js'), 'check', 'x'], { encoding: 'utf8' });

    const pkg = layout({ 'dist/incent.mjs': bundle });
    utimesSync(join(pkg, 'dist', 'incent.mjs'), hourAgo, hourAgo);
    expect(run(pkg)).toMatchObject({ status: 0, stdout: 'ran check x', stderr: '' });

    const checkout = layout({ 'dist/incent.mjs': bundle, 'cli/main.ts': '', 'runtime/evaluate/rules.ts': '' });
    utimesSync(join(checkout, 'dist', 'incent.mjs'), hourAgo, hourAgo);
    expect(run(checkout)).toMatchObject({ status: 0, stdout: 'ran check x', stderr: 'incent: warning: the sources changed since the command was built: run `npm run build`\n' });

    utimesSync(join(checkout, 'cli', 'main.ts'), hourAgo, hourAgo);
    expect(run(checkout).stderr).toContain('warning'); // a source in a subfolder counts too
    utimesSync(join(checkout, 'runtime', 'evaluate', 'rules.ts'), hourAgo, hourAgo);
    utimesSync(join(checkout, 'dist', 'incent.mjs'), new Date(), new Date());
    expect(run(checkout)).toMatchObject({ status: 0, stdout: 'ran check x', stderr: '' });
  });

  it('with the list of sources the build read (dist/sources.json), only those count, and one gone counts as changed', () => {
    const bundle = "process.stdout.write('ran');";
    const hourAgo = new Date(Date.now() - 3_600_000);
    const run = (dir: string) => spawnSync('node', [join(dir, 'bin', 'incent.js'), 'check', 'x'], { encoding: 'utf8' });
    const warning = 'incent: warning: the sources changed since the command was built: run `npm run build`\n';
    const checkout = layout({ 'dist/incent.mjs': bundle, 'dist/sources.json': '["cli/main.ts","runtime/evaluate/rules.ts"]', 'cli/main.ts': '', 'runtime/evaluate/rules.ts': '', 'runtime/unused.ts': '' });
    for (const f of ['cli/main.ts', 'runtime/evaluate/rules.ts']) utimesSync(join(checkout, f), hourAgo, hourAgo);
    utimesSync(join(checkout, 'dist', 'incent.mjs'), new Date(Date.now() - 1_800_000), new Date(Date.now() - 1_800_000));
    // a source the build did not read (runtime/unused.ts, newer) does not make it stale
    expect(run(checkout)).toMatchObject({ status: 0, stdout: 'ran', stderr: '' });
    utimesSync(join(checkout, 'runtime', 'evaluate', 'rules.ts'), new Date(), new Date());
    expect(run(checkout)).toMatchObject({ status: 0, stdout: 'ran', stderr: warning });
    utimesSync(join(checkout, 'runtime', 'evaluate', 'rules.ts'), hourAgo, hourAgo);
    rmSync(join(checkout, 'runtime', 'evaluate', 'rules.ts'));
    expect(run(checkout)).toMatchObject({ status: 0, stdout: 'ran', stderr: warning });
  });

  it('the build lists the sources it read: every .ts file the command is made of, none from node_modules', () => {
    const sources = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'dist', 'sources.json'), 'utf8')) as string[];
    expect(sources).toContain('cli/entry.ts');
    expect(sources).toContain('runtime/evaluate.ts');
    expect(sources).toContain('language/parser.ts');
    expect(sources.every((f) => /^[a-z]+\/[\w/.-]+\.ts$/.test(f))).toBe(true);
  });
});

describe('progress', () => {
  it('a run on a terminal that takes more than a second shows progress on stderr, never on stdout', async () => {
    const { vi } = await import('vitest');
    let t = 0;
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => (t += 600));
    let out = '';
    let err = '';
    try {
      const code = main(['run', fixture('northwind.incent'), '--data', northwindData(), '--format', 'json', '--all'], { out: (s) => (out += s), err: (s) => (err += s), color: false, tty: true });
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(err).toMatch(/period 2026-Q\d evaluated \(\d of 4\)…/);
    expect(out).not.toContain('evaluated');
    expect(() => JSON.parse(out)).not.toThrow();
  });
});

describe('redemptions that cannot be applied (§13.1)', () => {
  const program = `program "Stars" {
  currency USD
  period month
  start 2026-01-01
  end 2026-06-30
}
event purchase {
  amount: money
}
event redemption {
  stars: integer
}
payout stars as points {
  expire after 3 months
}
rule "Stars" {
  for each purchase
  award floor(amount / 1 USD) to stars
}
rule "Reward" {
  for each redemption
  redeem stars from stars
}
`;
  function folder(): { file: string; data: string } {
    const dir = tmp();
    const file = join(dir, 'stars.incent');
    writeFileSync(file, program);
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'purchase.csv'), 'id,partner,date,amount\nS1,P1,2026-01-10,50\nS2,P2,2026-01-02,10\n');
    writeFileSync(join(data, 'redemption.csv'), 'id,partner,date,stars\nR1,P1,2026-02-10,30\nR3,P2,2026-03-01,25\n');
    return { file, data };
  }

  it('fail the run at their file and line; --reject sets them aside in the reject folder and counts them', () => {
    const { file, data } = folder();
    const bad = cli('run', file, '--data', data, '--period', '2026-03');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toContain("error[D0401]: redemption.csv:3: redeems 25 points from `stars`, but the partner's balance there is 10 points at that point; the redemption is not applied");
    const rejects = join(tmp(), 'rejected');
    const ok = cli('run', file, '--data', data, '--reject', rejects, '--format', 'json', '--period', '2026-03');
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.out);
    expect(doc.rejected).toBe(1);
    // P1: 50 stars in January, 30 redeemed in February: 20 left, which expire at the end of April.
    expect(doc.partners[0].pots.stars.ledger).toEqual({ balance: '20', redeemed: '0', expired: '0', expiring: { amount: '20', on: '2026-04-30' }, lots: [{ period: '2026-01', remaining: '20', expires: '2026-04' }] });
    expect(ok.err).toContain('1 record rejected');
    expect(readFileSync(join(rejects, 'redemption.csv'), 'utf8')).toBe(
      "id,partner,date,stars,line,reason\nR3,P2,2026-03-01,25,3,\"D0401 redeems 25 points from `stars`, but the partner's balance there is 10 points at that point; the redemption is not applied\"\n",
    );
    expect(readFileSync(join(rejects, 'purchase.csv'), 'utf8')).toBe('id,partner,date,amount,line,reason\n');
  });
});
