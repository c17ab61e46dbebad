/**
 * `incent run` with two threads (cli/threads.ts, the default): the second thread, a worker running
 * the built command, reads the tail of each large event file in pass 1 (here every file is "large":
 * INCENT_SPLIT_BYTES=0). The statements are those of one thread (`--threads 1`), byte for byte, on
 * every example and on a generated file; when the second thread fails, the first reads the tail.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleNames, root } from '../helpers/cli.js';
import { tempFolders } from '../helpers/folders.js';

const bin = join(root, 'bin', 'incent.js');
const folder = tempFolders('threads');

function run(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync('node', [bin, 'run', ...args], { encoding: 'utf8', env: { ...process.env, INCENT_SPLIT_BYTES: '0', INCENT_THREADS: 'report', ...env }, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('incent run with two threads', () => {
  const examples = exampleNames({ data: true });

  it.each(examples)('examples/%s: the statements of one thread, byte for byte (JSON, every period)', (ex) => {
    const args = [join(root, 'examples', ex, 'program.incent'), '--data', join(root, 'examples', ex, 'data'), '--all', '--format', 'json'];
    const one = run([...args, '--threads', '1']);
    const two = run(args);
    expect(two.out).toBe(one.out);
    expect(two.code).toBe(one.code);
    expect(one.err).not.toContain('second thread');
  });

  it('some examples have a tail read by the second thread', () => {
    const read = examples.filter((ex) => run([join(root, 'examples', ex, 'program.incent'), '--data', join(root, 'examples', ex, 'data'), '--all', '--format', 'csv']).err.includes('read by a second thread'));
    expect(read.length).toBeGreaterThan(2);
  });

  // 20,000 sales of 300 partners, a few of them HOT (the early rule: given back as rows), a quoted line near the end
  const lines = ['id,partner,date,sku,category,amount,quantity'];
  for (let i = 0; i < 20_000; i++) lines.push(`S${i},P${(i * 7919) % 300},2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${i % 97 === 0 ? 'HOT' : `K${i % 13}`},${i % 3 === 0 ? 'hardware' : 'software'},${(i * 37) % 5000}.${String(i % 100).padStart(2, '0')},${i % 9}`);
  lines.splice(19_990, 0, 'Q1,P1,2026-05-05,"quoted, sku",hardware,10.00,1');
  const dir = folder({ 'sale.csv': `${lines.join('\n')}\n` });
  const program = join(dir, '..', `program-${Date.now()}.incent`);
  writeFileSync(
    program,
    `program "T" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n  end 2026-12-31\n}\nevent sale {\n  sku: text\n  category: one of "hardware", "software"\n  amount: money\n  quantity: integer\n}\nmeasure total = sum sale.amount\nmeasure hardware = sum sale.amount where sale.category = "hardware"\npayout cash as cash\nrule "SPIFF" {\n  for each sale where sku = "HOT"\n  award 5 EUR * quantity to cash\n}\nrule "Rebate" {\n  for each partner\n  award hardware * 2% to cash\n}\n`,
  );

  it('a generated file: the tail read by the second thread up to the quoted line, the same statements', () => {
    const args = [program, '--data', dir, '--all', '--format', 'csv'];
    const one = run([...args, '--threads', '1']);
    expect(one.code).toBe(0);
    const two = run([...args, '--threads', '2']);
    expect(two.out).toBe(one.out);
    const said = /read by a second thread \((\d+) records, (\d+) given back as rows/.exec(two.err);
    expect(said, two.err).not.toBeNull();
    expect(Number(said![1])).toBeGreaterThan(9_000);
    expect(Number(said![2])).toBeGreaterThan(50);
  });

  it('when the second thread fails, the first reads the tail: the same statements', () => {
    const args = [program, '--data', dir, '--format', 'json', '--threads', '2'];
    const failed = run(args, { INCENT_TAIL_FAIL: '1' });
    expect(failed.err).toContain('the second thread failed');
    expect(failed.out).toBe(run([program, '--data', dir, '--format', 'json', '--threads', '1']).out);
  });

  it('a file under 96 MiB is read by one thread (without INCENT_SPLIT_BYTES)', () => {
    const r = spawnSync('node', [bin, 'run', program, '--data', dir], { encoding: 'utf8', env: { ...process.env, INCENT_THREADS: 'report', INCENT_SPLIT_BYTES: '' } });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('thread');
  });

  it('--threads takes a whole number of threads', () => {
    for (const bad of ['0', 'two', '1.5']) {
      const r = run([program, '--data', dir, '--threads', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--threads must be a whole number of threads, not "${bad}"`);
    }
  });
});
