/** Calendar dates as integer day numbers, date arithmetic (§12.4), program periods (month/quarter/half/year), the windows of §6 and the periods of a run. */

// ---------------------------------------------------------------------------------------------
// Dates. A date is a `YYYY-MM-DD` string or a day number (days since 1970-01-01, may be
// negative). Pure integer arithmetic: no Date objects, so no time zone can change a result.

/** Days since 1970-01-01. */
export type Day = number;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/** The day number of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function dayFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number (H. Hinnant's civil_from_days). */
export function civilFromDay(n: Day): { year: number; month: number; day: number } {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day numbers of 0001-01-01 and 9999-12-31: the dates `YYYY-MM-DD` can write. */
export const MIN_DAY: Day = dayFromCivil(1, 1, 1);
export const MAX_DAY: Day = dayFromCivil(9999, 12, 31);

/**
 * The day number of a `YYYY-MM-DD` date that exists (2024-02-29 yes, 2026-02-29 no; year 0001
 * to 9999), or undefined. Strict: exactly 4-2-2 digits, nothing around them.
 */
export function parseDate(text: string): Day | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    y = y * 10 + c;
  }
  const m1 = text.charCodeAt(5) - 48, m2 = text.charCodeAt(6) - 48;
  const e1 = text.charCodeAt(8) - 48, e2 = text.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || e1 < 0 || e1 > 9 || e2 < 0 || e2 > 9) return undefined;
  const m = m1 * 10 + m2, d = e1 * 10 + e2;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return dayFromCivil(y, m, d);
}

/** Whether `text` has the shape `YYYY-MM-DD` (whether or not that date exists): for error messages. */
export function looksLikeDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

/** Whether `text` is a calendar date that exists. */
export function isValidDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** `YYYY-MM-DD` of a day number between 0001-01-01 and 9999-12-31. */
export function formatDate(day: Day): string {
  if (!Number.isInteger(day) || day < MIN_DAY || day > MAX_DAY) throw new Error(`internal: day ${day} is outside 0001-01-01..9999-12-31`);
  const c = civilFromDay(day);
  return pad(c.year, 4) + '-' + pad(c.month, 2) + '-' + pad(c.day, 2);
}

/** A day number from a date string or a day number; throws on an invalid string (validate data first). */
export function toDay(date: string | Day): Day {
  if (typeof date === 'number') return date;
  const d = parseDate(date);
  if (d === undefined) throw new Error(`internal: not a valid date: ${JSON.stringify(date)}`);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Date arithmetic (§12.4): whole days and calendar months, on day numbers.

/** `date + n days` (n < 0: earlier): the day number, or undefined when it leaves 0001-01-01..9999-12-31 (or n is not a safe integer). */
export function addDays(day: Day, n: number): Day | undefined {
  if (!Number.isSafeInteger(n)) return undefined;
  const d = day + n;
  return d >= MIN_DAY && d <= MAX_DAY ? d : undefined;
}

/**
 * `date + n months` (n < 0: earlier): the same day of the month n months later, clamped to that
 * month's last day (2026-01-31 + 1 month = 2026-02-28; 2024-03-31 - 1 month = 2024-02-29); undefined
 * when it leaves 0001-01-01..9999-12-31.
 */
export function addMonths(day: Day, n: number): Day | undefined {
  if (!Number.isSafeInteger(n) || Math.abs(n) > 12 * 10_000) return undefined;
  const c = civilFromDay(day);
  const k = c.year * 12 + (c.month - 1) + n;
  const year = Math.floor(k / 12);
  const month = k - year * 12 + 1;
  if (year < 1 || year > 9999) return undefined;
  return dayFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

/** `days between a and b`: b − a in days (negative when b is before a). */
export function daysBetween(a: Day, b: Day): number {
  return b - a;
}

// ---------------------------------------------------------------------------------------------
// Periods

export type PeriodUnit = 'month' | 'quarter' | 'half' | 'year';

/** A calendar period: index is the month 1–12, the quarter 1–4, the half 1–2 (January–June, July–December), or 1 for a year. */
export interface Period {
  readonly unit: PeriodUnit;
  readonly year: number;
  readonly index: number;
}

const MONTHS_PER: Record<PeriodUnit, number> = { month: 1, quarter: 3, half: 6, year: 12 };
const PER_YEAR: Record<PeriodUnit, number> = { month: 12, quarter: 4, half: 2, year: 1 };

/** How many months a period of `unit` spans. */
export function monthsPer(unit: PeriodUnit): number {
  return MONTHS_PER[unit];
}

export function isPeriodUnit(text: string): text is PeriodUnit {
  return text === 'month' || text === 'quarter' || text === 'half' || text === 'year';
}

/** Parses `2026` (year), `2026-H1` (half: H1 January–June, H2 July–December), `2026-Q1` (quarter), `2026-03` (month); undefined otherwise (`2026-Q5`, `2026-H3`, `2026-13`, `2026-3`). */
export function parsePeriod(text: string): Period | undefined {
  let m = /^(\d{4})$/.exec(text);
  if (m) return Number(m[1]) >= 1 ? { unit: 'year', year: Number(m[1]), index: 1 } : undefined;
  m = /^(\d{4})-H([12])$/.exec(text);
  if (m) return Number(m[1]) >= 1 ? { unit: 'half', year: Number(m[1]), index: Number(m[2]) } : undefined;
  m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) return Number(m[1]) >= 1 ? { unit: 'quarter', year: Number(m[1]), index: Number(m[2]) } : undefined;
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return Number(m[1]) >= 1 ? { unit: 'month', year: Number(m[1]), index: Number(m[2]) } : undefined;
  return undefined;
}

export function formatPeriod(p: Period): string {
  const y = pad(p.year, 4);
  switch (p.unit) {
    case 'year':
      return y;
    case 'half':
      return `${y}-H${p.index}`;
    case 'quarter':
      return `${y}-Q${p.index}`;
    case 'month':
      return `${y}-${pad(p.index, 2)}`;
  }
}

export function samePeriod(a: Period, b: Period): boolean {
  return a.unit === b.unit && a.year === b.year && a.index === b.index;
}

/** Orders periods of one unit (negative, zero, positive); by first day, then length, across units. */
export function comparePeriods(a: Period, b: Period): number {
  return firstDay(a) - firstDay(b) || lastDay(a) - lastDay(b);
}

/** The period of `unit` containing `date`. */
export function periodOf(unit: PeriodUnit, date: string | Day): Period {
  const c = civilFromDay(toDay(date));
  return { unit, year: c.year, index: Math.floor((c.month - 1) / MONTHS_PER[unit]) + 1 };
}

/** The period `n` periods after `p` (before it when n < 0). */
export function shiftPeriod(p: Period, n: number): Period {
  const k = p.year * PER_YEAR[p.unit] + (p.index - 1) + n;
  const year = Math.floor(k / PER_YEAR[p.unit]);
  return { unit: p.unit, year, index: k - year * PER_YEAR[p.unit] + 1 };
}

export function nextPeriod(p: Period): Period {
  return shiftPeriod(p, 1);
}

export function previousPeriod(p: Period): Period {
  return shiftPeriod(p, -1);
}

/** The first month (1–12) of a period. */
function firstMonth(p: Period): number {
  return (p.index - 1) * MONTHS_PER[p.unit] + 1;
}

/** The last month (1–12) of a period. */
function lastMonth(p: Period): number {
  return firstMonth(p) + MONTHS_PER[p.unit] - 1;
}

export function firstDay(p: Period): Day {
  return dayFromCivil(p.year, firstMonth(p), 1);
}

export function lastDay(p: Period): Day {
  const m = firstMonth(p) + MONTHS_PER[p.unit] - 1;
  return dayFromCivil(p.year, m, daysInMonth(p.year, m));
}

export function isFirstDayOfPeriod(unit: PeriodUnit, date: string | Day): boolean {
  const d = toDay(date);
  return firstDay(periodOf(unit, d)) === d;
}

export function isLastDayOfPeriod(unit: PeriodUnit, date: string | Day): boolean {
  const d = toDay(date);
  return lastDay(periodOf(unit, d)) === d;
}

/** Whether a date falls in a period. */
export function periodContains(p: Period, date: string | Day): boolean {
  const d = toDay(date);
  return d >= firstDay(p) && d <= lastDay(p);
}

// ---------------------------------------------------------------------------------------------
// Windows (§6)

export type Window =
  | { kind: 'this period' }
  | { kind: 'previous period' }
  | { kind: 'year to date' }
  | { kind: 'half to date' }
  | { kind: 'previous year' }
  | { kind: 'last'; n: number; unit: 'periods' | 'months' | 'quarters' | 'years' }
  | { kind: 'program to date' };

/** An inclusive range of days. */
export interface DayRange {
  readonly from: Day;
  readonly to: Day;
}

/**
 * The days a window covers when period `p` is evaluated, `programStart` being the program's start.
 * - `this period`: P; `previous period`: the period before P (of P's unit);
 * - `year to date`: 1 January of P's year through the end of P;
 * - `half to date`: the first day of the half-year (January–June or July–December) in which P
 *   ends, through the end of P (for a yearly P: July through December);
 * - `previous year`: the calendar year before P's year;
 * - `last N periods|months|quarters|years`: the N units ending where P ends, P included. The
 *   units are counted back from P's last day, so they are rolling when they are longer than P
 *   (`last 1 years` for 2026-Q1 is 2025-04-01..2026-03-31), and calendar-aligned otherwise;
 * - `program to date`: the program's start through the end of P.
 */
export function windowRange(w: Window, p: Period, programStart: string | Day): DayRange {
  switch (w.kind) {
    case 'this period':
      return { from: firstDay(p), to: lastDay(p) };
    case 'previous period': {
      const q = previousPeriod(p);
      return { from: firstDay(q), to: lastDay(q) };
    }
    case 'year to date':
      return { from: dayFromCivil(p.year, 1, 1), to: lastDay(p) };
    case 'half to date':
      return { from: dayFromCivil(p.year, lastMonth(p) <= 6 ? 1 : 7, 1), to: lastDay(p) };
    case 'previous year':
      return { from: dayFromCivil(p.year - 1, 1, 1), to: dayFromCivil(p.year - 1, 12, 31) };
    case 'last': {
      if (!Number.isInteger(w.n) || w.n < 1) throw new Error(`internal: last ${w.n}: N must be a positive integer`);
      const months = windowMonths(w, p.unit);
      // P always ends on the last day of a month: count `months` months back from that month.
      const endMonth: Period = { unit: 'month', year: p.year, index: firstMonth(p) + MONTHS_PER[p.unit] - 1 };
      return { from: firstDay(shiftPeriod(endMonth, 1 - months)), to: lastDay(p) };
    }
    case 'program to date':
      return { from: toDay(programStart), to: lastDay(p) };
  }
}

/**
 * The first month a window covers when period `p` is evaluated, as year × 12 + month − 1 (the
 * month of `windowRange(…).from`), computed without making a day: it may lie before year 1,
 * which is how the checker finds the windows that would reach before 0001-01-01.
 * `program to date` is given as P's first month (it starts at the program's start).
 */
export function windowFirstMonth(w: Window, p: Period): number {
  const first = p.year * 12 + firstMonth(p) - 1;
  switch (w.kind) {
    case 'this period':
    case 'program to date':
      return first;
    case 'previous period':
      return first - MONTHS_PER[p.unit];
    case 'year to date':
      return p.year * 12;
    case 'half to date':
      return p.year * 12 + (lastMonth(p) <= 6 ? 0 : 6);
    case 'previous year':
      return (p.year - 1) * 12;
    case 'last':
      return first + MONTHS_PER[p.unit] - windowMonths(w, p.unit);
  }
}

/** How many months `last N units` spans in a program of periods of `unit`. */
export function windowMonths(w: { n: number; unit: 'periods' | 'months' | 'quarters' | 'years' }, unit: PeriodUnit): number {
  return w.n * (w.unit === 'periods' ? MONTHS_PER[unit] : w.unit === 'months' ? 1 : w.unit === 'quarters' ? 3 : 12);
}

/**
 * The periods of a run, in order: from the period of the program's start through the period of
 * `end` when the program has one, else through the period of the latest record. With neither
 * (no end, no records, or only records before the start) the run is the first period alone.
 */
export function runPeriods(unit: PeriodUnit, start: string | Day, end?: string | Day, latestRecord?: string | Day): Period[] {
  const first = periodOf(unit, start);
  const lastDate = end !== undefined ? toDay(end) : latestRecord !== undefined ? toDay(latestRecord) : undefined;
  const last = lastDate === undefined ? first : periodOf(unit, lastDate);
  const out: Period[] = [first];
  for (let p = first; comparePeriods(p, last) < 0; ) {
    p = nextPeriod(p);
    out.push(p);
  }
  return out;
}
