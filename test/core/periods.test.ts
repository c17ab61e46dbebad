/** Tests of dates as day numbers, periods, the windows of §6 and the periods of a run. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseDate,
  formatDate,
  isValidDate,
  dayFromCivil,
  civilFromDay,
  isLeapYear,
  daysInMonth,
  parsePeriod,
  formatPeriod,
  periodOf,
  nextPeriod,
  previousPeriod,
  shiftPeriod,
  firstDay,
  lastDay,
  isFirstDayOfPeriod,
  isLastDayOfPeriod,
  periodContains,
  windowRange,
  windowFirstMonth,
  windowMonths,
  runPeriods,
  comparePeriods,
  MIN_DAY,
  MAX_DAY,
  type Period,
  type Window,
  type PeriodUnit,
} from '../../core/periods.js';

const D = (s: string) => parseDate(s)!;
const P = (s: string) => parsePeriod(s)!;
const range = (w: Window, p: string, start = '2025-01-01') => {
  const r = windowRange(w, P(p), start);
  return `${formatDate(r.from)}..${formatDate(r.to)}`;
};

describe('dates', () => {
  it('day numbers', () => {
    expect(D('1970-01-01')).toBe(0);
    expect(D('1970-01-02')).toBe(1);
    expect(D('1969-12-31')).toBe(-1);
    expect(D('2000-03-01') - D('2000-02-28')).toBe(2); // 2000 is a leap year
    expect(D('1900-03-01') - D('1900-02-28')).toBe(1); // 1900 is not
    expect(D('2026-12-31') - D('2026-01-01')).toBe(364);
    expect(D('2028-12-31') - D('2028-01-01')).toBe(365);
    expect(formatDate(MIN_DAY)).toBe('0001-01-01');
    expect(formatDate(MAX_DAY)).toBe('9999-12-31');
  });
  it('validates calendar dates', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30', '0001-01-01', '9999-12-31']) expect(isValidDate(ok), ok).toBe(true);
    for (const bad of ['2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '2026-1-5', '2026/01/05', ' 2026-01-05', '2026-01-05T00:00', '20260105', '+026-01-05', '2026-0a-05', ''])
      expect(isValidDate(bad), bad).toBe(false);
  });
  it('leap years and month lengths', () => {
    expect([1900, 2000, 2024, 2026, 2100].map(isLeapYear)).toEqual([false, true, true, false, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2026, 9)).toBe(30);
  });
  it('day number ↔ date round-trips, consecutively, over all representable years', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_DAY, max: MAX_DAY - 1 }), (n) => {
        const s = formatDate(n);
        expect(parseDate(s)).toBe(n);
        const a = civilFromDay(n);
        const b = civilFromDay(n + 1);
        expect(dayFromCivil(a.year, a.month, a.day)).toBe(n);
        // the next day is the next calendar date
        if (a.day < daysInMonth(a.year, a.month)) expect(b).toEqual({ year: a.year, month: a.month, day: a.day + 1 });
        else if (a.month < 12) expect(b).toEqual({ year: a.year, month: a.month + 1, day: 1 });
        else expect(b).toEqual({ year: a.year + 1, month: 1, day: 1 });
      }),
      { numRuns: 2000 },
    );
  });
  it('agrees with Date.UTC (which is time-zone free) on day numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        expect(dayFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86400000);
      }),
    );
  });
});

describe('periods', () => {
  it('parse and format', () => {
    expect(parsePeriod('2026')).toEqual({ unit: 'year', year: 2026, index: 1 });
    expect(parsePeriod('2026-Q1')).toEqual({ unit: 'quarter', year: 2026, index: 1 });
    expect(parsePeriod('2026-03')).toEqual({ unit: 'month', year: 2026, index: 3 });
    for (const bad of ['2026-Q5', '2026-Q0', '2026-q1', '2026-13', '2026-00', '2026-3', '26', '0000', '2026-03-01', ' 2026', '2026 ', 'Q1-2026'])
      expect(parsePeriod(bad), bad).toBeUndefined();
  });
  it('parse ∘ format is the identity (property)', () => {
    const period = fc.oneof(
      fc.record({ unit: fc.constant<PeriodUnit>('year'), year: fc.integer({ min: 1, max: 9999 }), index: fc.constant(1) }),
      fc.record({ unit: fc.constant<PeriodUnit>('quarter'), year: fc.integer({ min: 1, max: 9999 }), index: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ unit: fc.constant<PeriodUnit>('month'), year: fc.integer({ min: 1, max: 9999 }), index: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(period, (p) => {
        expect(parsePeriod(formatPeriod(p))).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/), (s) => {
        const p = parsePeriod(s);
        if (s.startsWith('0000')) expect(p).toBeUndefined();
        else expect(formatPeriod(p!)).toBe(s);
      }),
    );
  });
  it('the period containing a date', () => {
    expect(formatPeriod(periodOf('quarter', '2026-02-10'))).toBe('2026-Q1');
    expect(formatPeriod(periodOf('quarter', '2026-04-01'))).toBe('2026-Q2');
    expect(formatPeriod(periodOf('quarter', '2026-12-31'))).toBe('2026-Q4');
    expect(formatPeriod(periodOf('month', D('2024-02-29')))).toBe('2024-02');
    expect(formatPeriod(periodOf('year', '2026-07-15'))).toBe('2026');
  });
  it('next and previous, across years', () => {
    expect(formatPeriod(nextPeriod(P('2026-Q4')))).toBe('2027-Q1');
    expect(formatPeriod(previousPeriod(P('2026-Q1')))).toBe('2025-Q4');
    expect(formatPeriod(nextPeriod(P('2026-12')))).toBe('2027-01');
    expect(formatPeriod(previousPeriod(P('2026-01')))).toBe('2025-12');
    expect(formatPeriod(nextPeriod(P('2026')))).toBe('2027');
    expect(formatPeriod(shiftPeriod(P('2026-03'), -15))).toBe('2024-12');
    expect(formatPeriod(shiftPeriod(P('2026-Q2'), 7))).toBe('2028-Q1');
  });
  it('first and last days', () => {
    const days = (p: string) => `${formatDate(firstDay(P(p)))}..${formatDate(lastDay(P(p)))}`;
    expect(days('2026-Q1')).toBe('2026-01-01..2026-03-31');
    expect(days('2026-Q2')).toBe('2026-04-01..2026-06-30');
    expect(days('2026-Q3')).toBe('2026-07-01..2026-09-30');
    expect(days('2026-Q4')).toBe('2026-10-01..2026-12-31');
    expect(days('2024-02')).toBe('2024-02-01..2024-02-29');
    expect(days('2026-02')).toBe('2026-02-01..2026-02-28');
    expect(days('2026')).toBe('2026-01-01..2026-12-31');
  });
  it('first/last day of a period (the header checks of start and end)', () => {
    expect(isFirstDayOfPeriod('quarter', '2026-01-01')).toBe(true);
    expect(isFirstDayOfPeriod('quarter', '2026-04-01')).toBe(true);
    expect(isFirstDayOfPeriod('quarter', '2026-02-01')).toBe(false);
    expect(isFirstDayOfPeriod('month', '2026-02-01')).toBe(true);
    expect(isFirstDayOfPeriod('year', '2026-04-01')).toBe(false);
    expect(isLastDayOfPeriod('quarter', '2026-12-31')).toBe(true);
    expect(isLastDayOfPeriod('quarter', '2026-06-30')).toBe(true);
    expect(isLastDayOfPeriod('quarter', '2026-06-29')).toBe(false);
    expect(isLastDayOfPeriod('month', '2024-02-29')).toBe(true);
    expect(isLastDayOfPeriod('month', '2024-02-28')).toBe(false);
    expect(isLastDayOfPeriod('month', '2026-02-28')).toBe(true);
    expect(isLastDayOfPeriod('year', '2026-12-31')).toBe(true);
  });
  it('periods tile the calendar: each day is in exactly one period, consecutive periods touch', () => {
    fc.assert(
      fc.property(fc.integer({ min: D('1900-01-01'), max: D('2200-12-31') }), fc.constantFrom<PeriodUnit>('month', 'quarter', 'year'), (n, unit) => {
        const p = periodOf(unit, n);
        expect(periodContains(p, n)).toBe(true);
        expect(periodContains(nextPeriod(p), n)).toBe(false);
        expect(firstDay(nextPeriod(p))).toBe(lastDay(p) + 1);
        expect(lastDay(previousPeriod(p))).toBe(firstDay(p) - 1);
        expect(comparePeriods(previousPeriod(p), p)).toBeLessThan(0);
      }),
    );
  });
});

describe('windows (§6)', () => {
  it('this period, previous period', () => {
    expect(range({ kind: 'this period' }, '2026-Q2')).toBe('2026-04-01..2026-06-30');
    expect(range({ kind: 'previous period' }, '2026-Q1')).toBe('2025-10-01..2025-12-31');
    expect(range({ kind: 'previous period' }, '2024-03')).toBe('2024-02-01..2024-02-29');
  });
  it('year to date, previous year', () => {
    expect(range({ kind: 'year to date' }, '2026-Q3')).toBe('2026-01-01..2026-09-30');
    expect(range({ kind: 'year to date' }, '2026-01')).toBe('2026-01-01..2026-01-31');
    expect(range({ kind: 'year to date' }, '2026')).toBe('2026-01-01..2026-12-31');
    expect(range({ kind: 'previous year' }, '2026-Q3')).toBe('2025-01-01..2025-12-31');
    expect(range({ kind: 'previous year' }, '2026')).toBe('2025-01-01..2025-12-31');
  });
  it('last N units, ending where P ends, P included', () => {
    expect(range({ kind: 'last', n: 4, unit: 'quarters' }, '2026-Q1')).toBe('2025-04-01..2026-03-31');
    expect(range({ kind: 'last', n: 4, unit: 'periods' }, '2026-Q1')).toBe('2025-04-01..2026-03-31');
    expect(range({ kind: 'last', n: 1, unit: 'periods' }, '2026-Q1')).toBe('2026-01-01..2026-03-31');
    expect(range({ kind: 'last', n: 3, unit: 'periods' }, '2026-02')).toBe('2025-12-01..2026-02-28');
    expect(range({ kind: 'last', n: 3, unit: 'months' }, '2026-Q2')).toBe('2026-04-01..2026-06-30');
    expect(range({ kind: 'last', n: 2, unit: 'months' }, '2026-Q2')).toBe('2026-05-01..2026-06-30');
    expect(range({ kind: 'last', n: 2, unit: 'years' }, '2026')).toBe('2025-01-01..2026-12-31');
    expect(range({ kind: 'last', n: 1, unit: 'years' }, '2026-Q1')).toBe('2025-04-01..2026-03-31'); // rolling
    expect(range({ kind: 'last', n: 2, unit: 'quarters' }, '2026-01')).toBe('2025-08-01..2026-01-31'); // rolling
    expect(range({ kind: 'last', n: 12, unit: 'months' }, '2024-02')).toBe('2023-03-01..2024-02-29');
    expect(() => range({ kind: 'last', n: 0, unit: 'months' }, '2026-02')).toThrow();
  });
  it('program to date', () => {
    expect(range({ kind: 'program to date' }, '2026-Q3', '2025-04-01')).toBe('2025-04-01..2026-09-30');
  });
  it('last N periods always covers N whole periods ending with P (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.constantFrom<PeriodUnit>('month', 'quarter', 'year'), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), (y, unit, n, i) => {
        const p: Period = periodOf(unit, dayFromCivil(y, i, 1));
        const r = windowRange({ kind: 'last', n, unit: 'periods' }, p, 0);
        expect(r.to).toBe(lastDay(p));
        expect(r.from).toBe(firstDay(shiftPeriod(p, 1 - n)));
      }),
    );
  });
});

describe('periods of a run', () => {
  const run = (unit: PeriodUnit, start: string, end?: string, latest?: string) => runPeriods(unit, start, end, latest).map(formatPeriod);
  it('through the end', () => {
    expect(run('quarter', '2026-01-01', '2026-12-31')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(run('month', '2025-11-01', '2026-02-28')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(run('year', '2025-01-01', '2026-12-31', '2030-05-05')).toEqual(['2025', '2026']); // end wins
  });
  it('through the latest record without an end', () => {
    expect(run('quarter', '2026-01-01', undefined, '2026-05-17')).toEqual(['2026-Q1', '2026-Q2']);
    expect(run('quarter', '2026-01-01', undefined, '2026-01-01')).toEqual(['2026-Q1']);
  });
  it('the first period alone with no end and no records (or only earlier records)', () => {
    expect(run('month', '2026-01-01')).toEqual(['2026-01']);
    expect(run('month', '2026-01-01', undefined, '2025-06-30')).toEqual(['2026-01']);
  });
});

describe('the first month of a window (for the checker, without making a day)', () => {
  const windows: Window[] = [
    { kind: 'this period' },
    { kind: 'previous period' },
    { kind: 'year to date' },
    { kind: 'previous year' },
    { kind: 'program to date' },
    { kind: 'last', n: 5, unit: 'months' },
    { kind: 'last', n: 3, unit: 'periods' },
    { kind: 'last', n: 2, unit: 'years' },
  ];
  it('is the month of windowRange(…).from (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 9000 }), fc.constantFrom<PeriodUnit>('month', 'quarter', 'year'), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...windows), (y, unit, m, w) => {
        const p = periodOf(unit, dayFromCivil(y, m, 1));
        const c = civilFromDay(windowRange(w, p, firstDay(p)).from);
        expect(windowFirstMonth(w, p)).toBe(c.year * 12 + c.month - 1);
      }),
    );
  });
  it('may lie before year 1, where windowRange has no day', () => {
    expect(windowFirstMonth({ kind: 'previous period' }, P('0001-Q1'))).toBe(12 - 3);
    expect(windowFirstMonth({ kind: 'last', n: 100, unit: 'years' }, P('0050'))).toBe(-50 * 12 + 12);
  });
  it('windowMonths counts a window in months for a period unit', () => {
    expect(windowMonths({ n: 4, unit: 'periods' }, 'quarter')).toBe(12);
    expect(windowMonths({ n: 4, unit: 'periods' }, 'year')).toBe(48);
    expect(windowMonths({ n: 100, unit: 'years' }, 'month')).toBe(1200);
  });
});
