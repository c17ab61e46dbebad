/**
 * `incent run --timings`: where a run's time went, on stderr once the statements are written. The
 * times themselves are not asserted (timings belong to benchmarks); what is: the report's phases,
 * in order, the statements counted, and stdout the same with it as without.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { cli, root } from '../helpers/cli.js';
import { RunTimings } from '../../cli/timings.js';

const REPORT = /^incent: timings: start [\d,]+ ms, compile [\d,]+ ms, pass 1 \(events read\) [\d,]+ ms, pass 2 \(partners' values\) [\d,]+ ms, statements finished and written [\d,]+ ms \(([\d,]+) statements?\); [\d,]+ ms since the process started\n$/;

function example(name: string): string[] {
  return [join(root, 'examples', name, 'program.incent'), '--data', join(root, 'examples', name, 'data')];
}

describe('incent run --timings', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reports each phase once on stderr, and writes the same statements', () => {
    for (const [name, more] of [
      ['northwind-distributor', ['--all', '--format', 'json']],
      ['northwind-distributor', ['--format', 'csv']],
      // (a program with redemptions: its statements are written once the whole run is over)
      ['coffee-stars', ['--all', '--format', 'json']],
    ] as const) {
      const plain = cli('run', ...example(name), ...more);
      const timed = cli('run', ...example(name), ...more, '--timings');
      expect(timed.code, name).toBe(0);
      expect(timed.out, name).toBe(plain.out);
      expect(timed.err.replace(plain.err, ''), name).toMatch(REPORT);
      const count = Number(REPORT.exec(timed.err.replace(plain.err, ''))![1]!.replace(/,/g, ''));
      // the statements written: partners × periods
      const periods = more[0] === '--all' ? (JSON.parse(timed.out) as { partners: unknown[] }[]) : undefined;
      const want = periods ? periods.reduce((n, p) => n + p.partners.length, 0) : new Set(timed.out.trim().split('\n').slice(1).map((l) => l.split(',')[1])).size;
      expect(count, name).toBe(want);
      expect(count, name).toBeGreaterThan(0);
    }
  });

  it('is refused with --coverage, whose run it would not time', () => {
    const r = cli('run', ...example('northwind-distributor'), '--timings', '--coverage');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--timings reports where a run's time went, not a coverage run's");
  });

  it('says each phase marked, in order, with the time since the one before, and leaves out a phase not reached', () => {
    let now = 120.4;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const t = new RunTimings();
    now = 161;
    t.mark('compiled');
    now = 1513.6;
    t.mark('pass 1');
    now = 1600;
    t.mark('written');
    t.statements = 1;
    expect(t.text()).toBe('incent: timings: start 120 ms, compile 41 ms, pass 1 (events read) 1,353 ms, statements finished and written 86 ms (1 statement); 1,600 ms since the process started\n');
  });
});
