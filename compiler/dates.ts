/** Calendar helpers for the checker: dates that exist, period boundaries, and period literals. */
import type { PeriodUnit } from '../language/syntax.js';

export interface YMD {
  y: number;
  m: number;
  d: number;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** Parses `YYYY-MM-DD`; undefined when malformed or when the date does not exist (2026-02-30). */
export function parseDate(text: string): YMD | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return { y, m: mo, d };
}

export function formatDate({ y, m, d }: YMD): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const MONTHS_PER: Record<PeriodUnit, number> = { month: 1, quarter: 3, year: 12 };

/** The first day of the period of `unit` that contains the date. */
export function periodStart(date: YMD, unit: PeriodUnit): YMD {
  const n = MONTHS_PER[unit];
  return { y: date.y, m: Math.floor((date.m - 1) / n) * n + 1, d: 1 };
}

/** The last day of the period of `unit` that contains the date. */
export function periodEnd(date: YMD, unit: PeriodUnit): YMD {
  const n = MONTHS_PER[unit];
  const m = Math.floor((date.m - 1) / n) * n + n;
  return { y: date.y, m, d: daysInMonth(date.y, m) };
}

export const sameDate = (a: YMD, b: YMD): boolean => a.y === b.y && a.m === b.m && a.d === b.d;

/** A period literal (`2026`, `2026-Q1`, `2026-03`) read: its unit and its first and last days. */
export interface PeriodValue {
  unit: PeriodUnit;
  first: YMD;
  last: YMD;
}

export function parsePeriod(text: string): PeriodValue | undefined {
  let m = /^(\d{4})$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    return { unit: 'year', first: { y, m: 1, d: 1 }, last: { y, m: 12, d: 31 } };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const first = { y, m: (Number(m[2]) - 1) * 3 + 1, d: 1 };
    return { unit: 'quarter', first, last: periodEnd(first, 'quarter') };
  }
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return undefined;
    const first = { y, m: mo, d: 1 };
    return { unit: 'month', first, last: periodEnd(first, 'month') };
  }
  return undefined;
}

/** How the period of `unit` containing the date is written: `2026`, `2026-Q1`, `2026-03`. */
export function periodLabel(date: YMD, unit: PeriodUnit): string {
  if (unit === 'year') return String(date.y);
  if (unit === 'quarter') return `${date.y}-Q${Math.floor((date.m - 1) / 3) + 1}`;
  return `${date.y}-${String(date.m).padStart(2, '0')}`;
}
