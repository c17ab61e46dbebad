/**
 * Several currencies (§13.4): `money any` amounts converted to the program's currency at the rate
 * of their event's date, exactly (rounded only at the rule total, §9), with figures computed by hand;
 * `rates.csv` read and validated like any data; a missing rate a data problem of its record, which
 * `--reject` sets aside; the same results in memory, streamed on any chunk size, and in any row order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/compile.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { loadData } from '../../../runtime/data/load.js';
import { openDataFolder } from '../../../runtime/data/node-stream.js';
import { formatProblem } from '../../../runtime/data/problems.js';
import { Evaluator } from '../../../runtime/evaluate.js';
import { statementJson } from '../../../runtime/statement.js';
import { runTests } from '../../../runtime/tests.js';
import * as N from '../../../runtime/num.js';
import { tempFolders } from '../../helpers/folders.js';

const folder = tempFolders('currencies');

function artifact(text: string): Artifact {
  const r = compile(text);
  if (!r.artifact) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.artifact;
}

const program = (every: 'monthly' | 'daily', tests = '') => `program "Distributors" {
  currency EUR
  period month
  start 2026-01-01
  exchange rates ${every}
}

event sale {
  cur: text
  amount: money any by cur
}

event claim {
  value: money any
}

payout rebate as cash
payout fund as fund

rule "Rebate" {
  for each sale
  award amount * 10% to rebate
}

rule "Claims" {
  for each claim
  award value to fund
}
${tests}`;

const MONTHLY = artifact(program('monthly'));
const DAILY = artifact(program('daily'));

/** Each partner's paid amount per pot, in a period, from the in-memory path (rejected records set aside). */
function paid(a: Artifact, files: Record<string, string>, period: string): Record<string, Record<string, string>> {
  const { data } = loadData(a, files);
  const r = new Evaluator(a).run(data).find((x) => x.period === period)!;
  return Object.fromEntries(r.partners.map((p) => [p.id, Object.fromEntries(Object.entries(p.pots).map(([k, v]) => [k, N.toFixedText(v.paid, 2)]))]));
}

const SALES = 'id,partner,date,cur,amount';
const CLAIMS = 'id,partner,date,value';

describe('conversion at the rate of the event’s date', () => {
  it('is exact, and rounded only at the rule total (half-even)', () => {
    // 0.25 GBP × 1.3 = 0.325 EUR exactly (March).
    // P1: one sale: 10% of 0.325 = 0.0325 EUR → 0.03.
    // P2: two claims of 0.25 GBP: 0.325 + 0.325 = 0.65 EUR (rounding each converted amount first would give 0.32 + 0.32 = 0.64).
    // P3: one claim 0.25 GBP × 1.3 = 0.325 EUR: a tie at the cent, half-even → 0.32 (2 is even).
    // P4: one claim 0.25 GBP × 1.1 = 0.275 EUR (rate of 2026-04): a tie, half-even → 0.28 (8 is even).
    const files = {
      'sale.csv': `${SALES}\nS1,P1,2026-03-10,GBP,0.25\n`,
      'claim.csv': `${CLAIMS}\nC1,P2,2026-03-10,0.25 GBP\nC2,P2,2026-03-11,0.25 GBP\nC3,P3,2026-03-12,0.25 GBP\nC4,P4,2026-04-01,0.25 GBP\n`,
      'rates.csv': 'month,currency,rate\n2026-03,GBP,1.3\n2026-04,GBP,1.1\n',
    };
    expect(paid(MONTHLY, files, '2026-03')).toEqual({
      P1: { rebate: '0.03', fund: '0.00' },
      P2: { rebate: '0.00', fund: '0.65' },
      P3: { rebate: '0.00', fund: '0.32' },
      P4: { rebate: '0.00', fund: '0.00' }, // a partner of the data, with nothing in March
    });
    expect(paid(MONTHLY, files, '2026-04')['P4']).toEqual({ rebate: '0.00', fund: '0.28' });
  });

  it('reads the code from the record’s field (`by FIELD`) or from the value, alike', () => {
    // 12.50 GBP × 1.17 = 14.625 EUR; 100 CHF × 1.04 = 104 EUR; 10 EUR needs no rate.
    // by field: 10% of 14.625 + 104 + 10 = 12.8625 → 12.86; as values: 14.625 + 104 + 10 = 128.625 → 128.62 (half-even).
    const rates = 'month,currency,rate\n2026-03,GBP,1.17\n2026-03,CHF,1.04\n';
    const files = {
      'sale.csv': `${SALES}\nS1,P1,2026-03-04,GBP,12.50\nS2,P1,2026-03-05,CHF,100\nS3,P1,2026-03-06,EUR,10\n`,
      'claim.csv': `${CLAIMS}\nC1,P1,2026-03-04,12.50 GBP\nC2,P1,2026-03-05,100 CHF\nC3,P1,2026-03-06,10 EUR\n`,
      'rates.csv': rates,
    };
    expect(paid(MONTHLY, files, '2026-03')).toEqual({ P1: { rebate: '12.86', fund: '128.62' } });
    // JSON: the same values, as strings
    const json = {
      'sale.json': JSON.stringify([{ id: 'S1', partner: 'P1', date: '2026-03-04', cur: 'GBP', amount: '12.50' }]),
      'claim.json': JSON.stringify([{ id: 'C1', partner: 'P1', date: '2026-03-04', value: '12.50 GBP' }]),
      'rates.csv': rates,
    };
    // 10% of 14.625 = 1.4625 → 1.46; 14.625 → 14.62 (a tie: half-even keeps the even 2)
    expect(paid(MONTHLY, json, '2026-03')).toEqual({ P1: { rebate: '1.46', fund: '14.62' } });
  });

  it('takes a rate per day with `exchange rates daily`, per month with `monthly`', () => {
    // daily: 100 GBP on 2026-03-04 × 1.10 = 110; on 2026-03-05 × 1.20 = 120 → 10% of 230 = 23.00
    const daily = {
      'sale.csv': `${SALES}\nS1,P1,2026-03-04,GBP,100\nS2,P1,2026-03-05,GBP,100\n`,
      'claim.csv': `${CLAIMS}\n`,
      'rates.csv': 'date,currency,rate\n2026-03-04,GBP,1.10\n2026-03-05,GBP,1.20\n',
    };
    expect(paid(DAILY, daily, '2026-03')).toEqual({ P1: { rebate: '23.00', fund: '0.00' } });
    // monthly: both at March's 1.15 → 10% of 230 = 23.00 too, but from one rate
    const monthly = { ...daily, 'rates.csv': 'month,currency,rate\n2026-03,GBP,1.15\n' };
    expect(paid(MONTHLY, monthly, '2026-03')).toEqual({ P1: { rebate: '23.00', fund: '0.00' } });
    // a day without its rate is a problem of its record, though the month has others
    const { input } = loadData(DAILY, { ...daily, 'sale.csv': `${SALES}\nS1,P1,2026-03-06,GBP,100\n` });
    expect(input.problems.map(formatProblem)).toEqual(['sale.csv:2: field "amount": 100 GBP on 2026-03-06 cannot be converted: rates.csv has no rate for GBP in 2026-03-06']);
  });

  it('rejects a record whose rate is missing, or whose currency the rates do not have, and names it; the rest runs', () => {
    const files = {
      'sale.csv': `${SALES}\nS1,P1,2026-03-04,GBP,10\nS2,P1,2026-04-04,GBP,10\nS3,P1,2026-03-04,USD,10\n`,
      'claim.csv': `${CLAIMS}\nC1,P1,2026-03-04,5 JPY\n`,
      'rates.csv': 'month,currency,rate\n2026-03,GBP,1.2\n',
    };
    const { input } = loadData(MONTHLY, files);
    const expected = [
      'claim.csv:2: field "value": 5 JPY on 2026-03-04 cannot be converted: rates.csv has no rate for JPY in 2026-03',
      'sale.csv:3: field "amount": 10 GBP on 2026-04-04 cannot be converted: rates.csv has no rate for GBP in 2026-04',
      'sale.csv:4: field "amount": 10 USD on 2026-03-04 cannot be converted: rates.csv has no rate for USD in 2026-03',
    ];
    expect(input.problems.map(formatProblem)).toEqual(expected);
    expect(input.rejected.map((r) => [r.file, r.line, r.raw])).toEqual([
      ['claim.csv', 2, ['C1', 'P1', '2026-03-04', '5 JPY']],
      ['sale.csv', 3, ['S2', 'P1', '2026-04-04', 'GBP', '10']],
      ['sale.csv', 4, ['S3', 'P1', '2026-03-04', 'USD', '10']],
    ]);
    // the one valid sale: 10 GBP × 1.2 = 12 EUR → 1.20
    expect(paid(MONTHLY, files, '2026-03')).toEqual({ P1: { rebate: '1.20', fund: '0.00' } });
    // streamed: the same problems and rejected records
    const s = openDataFolder(folder(files), MONTHLY, { acceptRejects: true });
    expect(s.problems().map(formatProblem)).toEqual(expected);
    expect(s.rejectedRecords().map((r) => [r.file, r.line, r.raw])).toEqual([
      ['claim.csv', 2, ['C1', 'P1', '2026-03-04', '5 JPY']],
      ['sale.csv', 3, ['S2', 'P1', '2026-04-04', 'GBP', '10']],
      ['sale.csv', 4, ['S3', 'P1', '2026-03-04', 'USD', '10']],
    ]);
  });

  it('validates rates.csv like any data file', () => {
    const base = { 'sale.csv': `${SALES}\nS1,P1,2026-03-04,GBP,10\n`, 'claim.csv': `${CLAIMS}\n` };
    const problems = (rates: string | undefined, a = MONTHLY) => loadData(a, rates === undefined ? base : { ...base, 'rates.csv': rates }).input.problems.map(formatProblem);
    // missing: one problem of the file, not one per record
    expect(problems(undefined)).toEqual(['rates.csv: missing file (the program declares exchange rates monthly; an empty file with a header row is fine)']);
    // a daily column in a monthly program
    expect(problems('date,currency,rate\n2026-03-04,GBP,1.1\n')).toEqual([
      'rates.csv:1: missing column "month" (the header has: date, currency, rate)',
      'rates.csv:1: warning: unknown column "date" is ignored',
    ]);
    // bad rows: rejected, and the records that needed them say so
    expect(problems('month,currency,rate\n2026-03,GBP,-1.2\n2026-03,gb,1\n2026-13,CHF,1\n2026-03,EUR,1.00\n2026-03,USD,abc\n')).toEqual([
      'rates.csv:2: field "rate": "-1.2" is not a rate: a rate is above zero (EUR per one unit of the currency)',
      'rates.csv:3: field "currency": "gb" is not a currency code (three capital letters, ISO 4217: "GBP")',
      'rates.csv:4: field "month": "2026-13" is not a month (write YYYY-MM, e.g. 2026-03)',
      'rates.csv:6: field "rate": "abc" is not a decimal number',
      'sale.csv:2: field "amount": 10 GBP on 2026-03-04 cannot be converted: the rate for GBP in 2026-03 was rejected (rates.csv:2)',
    ]);
    // identical rows count once; rows that differ are all rejected
    const { input } = loadData(MONTHLY, { ...base, 'rates.csv': 'month,currency,rate\n2026-03,GBP,1.2\n2026-03,GBP,1.20\n' });
    expect(input.problems).toEqual([]);
    expect(input.files.find((f) => f.file === 'rates.csv')).toMatchObject({ input: 2, valid: 1, merged: 1, rejected: 0 });
    expect(problems('month,currency,rate\n2026-03,GBP,1.2\n2026-03,GBP,1.3\n')).toEqual([
      'rates.csv:2: two rates for GBP in 2026-03 that differ (also rates.csv:3); every row for it is rejected',
      'rates.csv:3: two rates for GBP in 2026-03 that differ (also rates.csv:2); every row for it is rejected',
      'sale.csv:2: field "amount": 10 GBP on 2026-03-04 cannot be converted: the rate for GBP in 2026-03 was rejected (rates.csv:2)',
    ]);
  });

  it('checks the codes of `money any` values', () => {
    const base = { 'rates.csv': 'month,currency,rate\n2026-03,GBP,1.2\n' };
    const { input } = loadData(MONTHLY, {
      ...base,
      'sale.csv': `${SALES}\nS1,P1,2026-03-04,gbp,10\nS2,P1,2026-03-04,GBP,10 CHF\nS3,P1,2026-03-04,GBP,10 GBP\nS4,P1,2026-03-04,GBP,"1,5"\n`,
      'claim.csv': `${CLAIMS}\nC1,P1,2026-03-04,10\nC2,P1,2026-03-04,10 gbp\nC3,P1,2026-03-04,\n`,
    });
    expect(input.problems.map(formatProblem)).toEqual([
      'claim.csv:2: field "value": "10" has no currency code (a `money any` amount carries its code: "12.50 GBP")',
      'claim.csv:3: field "value": "10 gbp" is not a currency code (three capital letters, ISO 4217: "GBP")',
      'claim.csv:4: field "value": is empty',
      'sale.csv:2: field "cur": "gbp" is not a currency code (three capital letters, ISO 4217: "GBP")',
      'sale.csv:3: field "amount": "10 CHF" is in CHF, but field "cur" says "GBP"',
      'sale.csv:5: field "amount": "1,5" is not a decimal amount',
    ]);
    // S3 (`10 GBP` with cur GBP) is valid: 12 EUR → 1.20
    expect(new Evaluator(MONTHLY).run(loadData(MONTHLY, { ...base, 'sale.csv': `${SALES}\nS3,P1,2026-03-04,GBP,10 GBP\n`, 'claim.csv': `${CLAIMS}\n` }).data)[2]!.partners[0]!.pots['rebate']!.paid).toEqual(N.parseNum('1.2'));
  });

  it('shows the conversion in traces; statements keep the converted value', () => {
    const files = {
      'sale.csv': `${SALES}\nS1,P1,2026-03-04,GBP,12.50\n`,
      'claim.csv': `${CLAIMS}\nC1,P1,2026-03-04,12.50 GBP\n`,
      'rates.csv': 'month,currency,rate\n2026-03,GBP,1.1700\n',
    };
    const r = new Evaluator(MONTHLY).run(loadData(MONTHLY, files).data, { explain: true }).find((x) => x.period === '2026-03')!;
    const traces = r.partners[0]!.awards.map((a) => a.trace);
    expect(traces).toEqual([
      'Rebate: 1 sale event: S1 (2026-03-04; amount 12.50 GBP × 1.17 = 14.625 EUR at the rate of 2026-03) → 1.4625 EUR → first: amount 14.625 EUR → 1.4625 EUR → rounded half-even to 1.46 EUR',
      'Claims: 1 claim event: C1 (2026-03-04; value 12.50 GBP × 1.17 = 14.625 EUR at the rate of 2026-03) → 14.625 EUR → first: value 14.625 EUR → 14.625 EUR → rounded half-even to 14.62 EUR',
    ]);
    expect(statementJson(MONTHLY, r).partners[0]!.pots).toMatchObject({ rebate: { paid: '1.46' }, fund: { paid: '14.62' } });
  });
});

describe('the paths agree', () => {
  /** `units` hundredths (or thousandths) as decimal text, from integers: no binary fraction holds an amount. */
  const decimal = (units: number, digits: number) => `${Math.trunc(units / 10 ** digits)}.${String(units % 10 ** digits).padStart(digits, '0')}`;
  const rows = (n: number) => {
    const codes = ['GBP', 'CHF', 'EUR', 'USD'];
    const sales = [SALES];
    const claims = [CLAIMS];
    for (let i = 1; i <= n; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      const month = i % 3 === 0 ? '04' : '03';
      sales.push(`S${i},P${i % 5},2026-${month}-${day},${codes[i % 4]},${decimal(i * 713, 2)}`);
      claims.push(`C${i},P${i % 4},2026-${month}-${day},${decimal(i * 370, 3)} ${codes[(i + 1) % 4]}`);
    }
    return { 'sale.csv': sales.join('\n') + '\n', 'claim.csv': claims.join('\n') + '\n', 'rates.csv': 'month,currency,rate\n2026-03,GBP,1.1713\n2026-03,CHF,1.0405\n2026-04,GBP,1.18\n' };
  };

  it('streamed on any chunk size, as in memory: the same statements, problems and rejected records', () => {
    const files = rows(300);
    const { input, data } = loadData(MONTHLY, files);
    expect(input.rejected.length).toBeGreaterThan(0); // USD has no rate, nor CHF in April
    const want = new Evaluator(MONTHLY).run(data, { explain: true }).map((r) => JSON.stringify(statementJson(MONTHLY, r)));
    const dir = folder(files);
    for (const chunkSize of [7, 64, 1 << 20]) {
      const s = openDataFolder(dir, MONTHLY, { chunkSize, acceptRejects: true });
      expect(new Evaluator(MONTHLY).runSource(s.partners, s, { explain: true }).map((r) => JSON.stringify(statementJson(MONTHLY, r)))).toEqual(want);
      expect(s.problems().map(formatProblem)).toEqual(input.problems.map(formatProblem));
      expect(s.rejectedRecords()).toEqual(input.rejected);
    }
  });

  it('gives the same results in any order of the rows (property)', () => {
    const files = rows(40);
    const lines = (t: string) => t.trimEnd().split('\n');
    const want = new Evaluator(MONTHLY).run(loadData(MONTHLY, files).data).map((r) => JSON.stringify(statementJson(MONTHLY, r).totals));
    const body = (t: string) => lines(t).slice(1);
    const permutation = (xs: string[]) => fc.shuffledSubarray(xs, { minLength: xs.length });
    fc.assert(
      fc.property(permutation(body(files['sale.csv'])), permutation(body(files['claim.csv'])), permutation(body(files['rates.csv'])), (s, c, r) => {
        const shuffled = { 'sale.csv': [SALES, ...s].join('\n') + '\n', 'claim.csv': [CLAIMS, ...c].join('\n') + '\n', 'rates.csv': ['month,currency,rate', ...r].join('\n') + '\n' };
        const got = new Evaluator(MONTHLY).run(loadData(MONTHLY, shuffled).data).map((x) => JSON.stringify(statementJson(MONTHLY, x).totals));
        expect(got).toEqual(want);
      }),
      { numRuns: 25 },
    );
  });
});

describe('test blocks', () => {
  it('take rates as `rate { … }` records', () => {
    const a = artifact(
      program(
        'monthly',
        `
test "rates" {
  period 2026-03
  sale { partner: "P1", date: 2026-03-04, cur: "GBP", amount: 12.50 }
  claim { partner: "P1", date: 2026-03-04, value: 5 CHF }
  rate { month: "2026-03", currency: "GBP", rate: 1.17 }
  rate { month: "2026-03", currency: "CHF", rate: 1.04 }
  expect "P1" rebate = 1.46 EUR
  expect "P1" fund = 5.20 EUR
}

test "a missing rate" {
  period 2026-03
  claim { partner: "P1", date: 2026-03-04, value: 5 CHF }
  expect "P1" fund = 0 EUR
}

test "a rate of zero" {
  period 2026-03
  claim { partner: "P1", date: 2026-03-04, value: 5 EUR }
  rate { month: "2026-03", currency: "CHF", rate: 0 }
  expect "P1" fund = 5 EUR
}
`,
      ),
    );
    const out = runTests(a);
    expect(out.map((t) => [t.name, t.passed])).toEqual([
      ['rates', true],
      ['a missing rate', false],
      ['a rate of zero', false],
    ]);
    expect(out[1]!.failures.map((f) => f.message)).toEqual(['test data: claim.json:1: field "value": 5 CHF on 2026-03-04 cannot be converted: rates.csv has no rate for CHF in 2026-03']);
    expect(out[2]!.failures.map((f) => f.message)).toEqual(['test data: rates.csv:2: field "rate": "0" is not a rate: a rate is above zero (EUR per one unit of the currency)']);
  });

  it('with daily rates, a `date`', () => {
    const a = artifact(
      program(
        'daily',
        `
test "daily" {
  period 2026-03
  sale { partner: "P1", date: 2026-03-04, cur: "GBP", amount: 100 }
  rate { date: 2026-03-04, currency: "GBP", rate: 1.1 }
  expect "P1" rebate = 11 EUR
}
`,
      ),
    );
    expect(runTests(a).map((t) => [t.name, t.passed, t.failures.map((f) => f.message)])).toEqual([['daily', true, []]]);
  });
});
