/** Checks the `program "…" { … }` header (§3): required clauses, currency, period, start, end, rounding. */
import { error, type Diagnostic } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import { ROUNDING_MODES, type Header, type HeaderClause, type Ident, type PeriodUnit, type ProgramFile, type RoundingMode, type Span } from '../language/syntax.js';
import type { HeaderInfo } from './checked.js';
import { currencyCodeList, currencyDigits } from '../core/money.js';
import { firstDay, formatDate, isFirstDayOfPeriod, isLastDayOfPeriod, lastDay, periodOf } from '../core/periods.js';

const PERIOD_UNITS: readonly PeriodUnit[] = ['month', 'quarter', 'half', 'year'];

const PERIOD_STARTS: Record<PeriodUnit, string> = {
  month: 'the first day of a month',
  quarter: 'the first day of a quarter (1 January, 1 April, 1 July or 1 October)',
  half: 'the first day of a half-year (1 January or 1 July)',
  year: '1 January',
};
const PERIOD_ENDS: Record<PeriodUnit, string> = {
  month: 'the last day of a month',
  quarter: 'the last day of a quarter (31 March, 30 June, 30 September or 31 December)',
  half: 'the last day of a half-year (30 June or 31 December)',
  year: '31 December',
};

/** A rounding mode as written, checked; undefined (and an E0409) when unknown. */
export function roundingMode(mode: Ident | undefined, diags: Diagnostic[]): RoundingMode | undefined {
  if (!mode) return undefined;
  if ((ROUNDING_MODES as readonly string[]).includes(mode.name)) return mode.name as RoundingMode;
  const guess = suggest(mode.name, ROUNDING_MODES);
  diags.push(
    error('E0409', `\`${mode.name}\` is not a rounding mode`, mode.span, guess ? `did you mean \`${guess}\`?` : `the rounding modes are ${ROUNDING_MODES.map((m) => `\`${m}\``).join(', ')}`),
  );
  return undefined;
}

export function checkHeader(file: ProgramFile, diags: Diagnostic[], checkDate: (value: string, span: Span) => boolean): HeaderInfo {
  const info: HeaderInfo = { name: '', currency: '', minorDigits: 2, period: 'quarter', start: '', rounding: 'half-even' };
  const h: Header | undefined = file.header;
  if (!h) {
    const first = file.decls[0];
    diags.push(
      error(
        'E0401',
        'the program has no header',
        first ? { start: first.span.start, end: first.span.start } : { start: 0, end: 0 },
        'start the file with `program "NAME" { currency EUR  period quarter  start 2026-01-01 }`',
      ),
    );
    return info;
  }
  info.name = h.name?.value ?? '';
  const seen = new Map<string, HeaderClause>();
  const words: Record<HeaderClause['kind'], string> = { Currency: 'currency', PeriodClause: 'period', Start: 'start', End: 'end', Rounding: 'rounding', ExchangeRates: 'exchange rates' };
  for (const c of h.clauses ?? []) {
    if (!c) continue;
    const prev = seen.get(c.kind);
    if (prev) {
      diags.push(error('E0403', `the header gives \`${words[c.kind]}\` twice`, c.span, 'keep one', [{ span: prev.span, message: 'first given here' }]));
      continue;
    }
    seen.set(c.kind, c);
  }
  const nameSpan = h.name?.span ?? h.span;
  for (const [kind, example] of [
    ['Currency', 'currency EUR'],
    ['PeriodClause', 'period quarter'],
    ['Start', 'start 2026-01-01'],
  ] as const) {
    if (!seen.has(kind)) {
      diags.push(error('E0402', `the program header has no \`${words[kind]}\``, nameSpan, `add \`${example}\` to the header`));
    }
  }

  const cur = seen.get('Currency') as Extract<HeaderClause, { kind: 'Currency' }> | undefined;
  if (cur?.code) {
    const digits = currencyDigits(cur.code.name);
    if (digits === undefined) {
      const guess = suggest(cur.code.name, currencyCodeList());
      diags.push(
        error('E0404', `\`${cur.code.name}\` is not an ISO 4217 currency code`, cur.code.span, guess ? `did you mean \`${guess}\`?` : 'write a three-letter ISO 4217 code, e.g. `EUR`, `USD`, `JPY`'),
      );
    } else {
      info.currency = cur.code.name;
      info.minorDigits = digits;
    }
  }

  const per = seen.get('PeriodClause') as Extract<HeaderClause, { kind: 'PeriodClause' }> | undefined;
  let unit: PeriodUnit | undefined;
  if (per?.unit) {
    if ((PERIOD_UNITS as readonly string[]).includes(per.unit.name)) unit = per.unit.name as PeriodUnit;
    else {
      const guess = suggest(per.unit.name, [...PERIOD_UNITS, 'months', 'quarters', 'halves', 'years', 'monthly', 'quarterly', 'yearly']);
      const fix = guess === 'halves' ? 'half' : guess?.replace(/(ly|s)$/, '');
      diags.push(error('E0405', `\`${per.unit.name}\` is not a period`, per.unit.span, fix ? `did you mean \`${fix}\`?` : 'the period is `month`, `quarter`, `half` or `year`'));
    }
  }
  if (unit) info.period = unit;

  let start: string | undefined;
  const st = seen.get('Start') as Extract<HeaderClause, { kind: 'Start' }> | undefined;
  if (st?.date && checkDate(st.date.value, st.date.span)) {
    start = st.date.value;
    info.start = start;
    if (unit && !isFirstDayOfPeriod(unit, start)) {
      const s = formatDate(firstDay(periodOf(unit, start)));
      diags.push(error('E0406', `the program must start on ${PERIOD_STARTS[unit]}`, st.date.span, `the ${unit} containing ${st.date.value} starts on ${s}: write \`start ${s}\``));
    }
  }
  const en = seen.get('End') as Extract<HeaderClause, { kind: 'End' }> | undefined;
  if (en?.date && checkDate(en.date.value, en.date.span)) {
    const end = en.date.value;
    info.end = en.date.value;
    if (start && en.date.value <= info.start) {
      diags.push(error('E0408', `the program ends (${en.date.value}) before it starts (${info.start})`, en.date.span, 'the end must come after the start', st ? [{ span: st.date.span, message: 'the start' }] : []));
    } else if (unit && !isLastDayOfPeriod(unit, end)) {
      const e = formatDate(lastDay(periodOf(unit, end)));
      diags.push(error('E0407', `the program must end on ${PERIOD_ENDS[unit]}`, en.date.span, `the ${unit} containing ${en.date.value} ends on ${e}: write \`end ${e}\``));
    }
  }
  const rnd = seen.get('Rounding') as Extract<HeaderClause, { kind: 'Rounding' }> | undefined;
  const mode = roundingMode(rnd?.mode, diags);
  if (mode) info.rounding = mode;
  const ex = seen.get('ExchangeRates') as Extract<HeaderClause, { kind: 'ExchangeRates' }> | undefined;
  if (ex?.rates && ex.every) {
    if (ex.rates.name !== 'rates') {
      diags.push(error('E0457', `\`exchange ${ex.rates.name}\` is not a header clause`, ex.rates.span, `write \`exchange rates ${ex.every.name === 'daily' ? 'daily' : 'monthly'}\``));
    } else if (ex.every.name === 'monthly' || ex.every.name === 'daily') {
      info.exchangeRates = ex.every.name;
    } else {
      const guess = suggest(ex.every.name, ['monthly', 'daily', 'month', 'day']);
      const fix = guess === 'month' ? 'monthly' : guess === 'day' ? 'daily' : guess;
      diags.push(error('E0457', `\`${ex.every.name}\` is not how often rates are given`, ex.every.span, fix ? `did you mean \`${fix}\`?` : 'rates are given `monthly` (a rate per month) or `daily` (a rate per day)'));
    }
  }
  return info;
}
