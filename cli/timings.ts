/**
 * `incent run --timings`: where a run's time went, written on stderr once the statements are —
 * the command's start (node, the bundle; from the process's start), the program's compilation,
 * pass 1 (the data folder opened, its events read and aggregated), pass 2 (the partners' measures,
 * tiers and lets) and the statements finished and written. Wall time from `performance.now()`;
 * the statements on stdout are the same with it or without.
 */
import type { Io } from './io.js';
import { groupDigits } from '../runtime/num.js';

const PHASES = [
  ['compiled', 'compile'],
  ['pass 1', 'pass 1 (events read)'],
  ['pass 2', "pass 2 (partners' values)"],
  ['written', 'statements finished and written'],
] as const;

export type Mark = (typeof PHASES)[number][0];

export class RunTimings {
  /** When the command began (ms since the process started), and each phase's end. */
  private readonly began = performance.now();
  private readonly at = new Map<Mark, number>();
  /** Statements written (partners × periods). */
  statements = 0;

  mark(m: Mark): void {
    this.at.set(m, performance.now());
  }

  /** The report's line: each phase marked, in order, and the total since the process started. */
  text(): string {
    // (digits grouped without `toLocaleString`, whose first call loads ICU's locale data: ~20 ms, in the run it measures)
    const ms = (x: number): string => `${groupDigits(String(Math.round(x)))} ms`;
    const parts = [`start ${ms(this.began)}`];
    let prev = this.began;
    for (const [m, name] of PHASES) {
      const t = this.at.get(m);
      if (t === undefined) continue;
      parts.push(`${name} ${ms(t - prev)}${m === 'written' ? ` (${groupDigits(String(this.statements))} statement${this.statements === 1 ? '' : 's'})` : ''}`);
      prev = t;
    }
    return `incent: timings: ${parts.join(', ')}; ${ms(prev)} since the process started\n`;
  }

  report(io: Io): void {
    io.err(this.text());
  }
}
