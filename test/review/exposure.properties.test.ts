/**
 * The exposure analysis is sound: no data set pays more than a bound it reports. Brute force over
 * generated programs — small programs made to be bounded (field ranges, rule caps, per-event caps,
 * `once`, rankings, pot caps per period and per year, budgets, minimums, gift cards, bands, lookups,
 * marginal rates, `if`, `min`, negative awards) and the generator of test/generators/programs.ts —
 * each run over generated data whose values sit on the ranges' ends as often as inside them. For
 * every period, partner, pot and rule of the run: a rule's total ≤ its bound; a partner's earnings
 * after the pot's cap and budget ≤ the pot's bound for one partner, its payment ≤ that plus what
 * may be carried in; the period's positive earnings ≤ the bound for all partners; over the
 * program, payments ≤ the program's bound; and the cost likewise. The same check holds for every
 * example over its own data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { EvalError } from '../../runtime/compile-ir.js';
import { loadData } from '../../runtime/data/load.js';
import { openDataFolder } from '../../runtime/data/node-stream.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { exposure, type ExposureBound, type ExposureReport } from '../../review/exposure.js';
import { reportSchemas } from '../../review/schema.js';
import { generateSample } from '../../playground/src/sample.js';
import { programSchema } from '../../playground/src/schema.js';
import { tableToCsv } from '../../playground/src/tables.js';
import { fromGen, genProgram, type Rand } from '../generators/programs.js';
import { exampleNames } from '../helpers/cli.js';

const { ExposureReportSchema } = reportSchemas();

// ---------------------------------------------------------------------------------------------
// Bounded programs and adversarial data

interface Bounded {
  source: string;
  ranges: { amount: [number, number]; quantity: [number, number]; target: [number, number] };
  period: 'month' | 'quarter';
}

function cents(n: number): string {
  const neg = n < 0;
  const a = Math.abs(n);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** A program whose pots are bounded most of the time, with every construct the analysis reasons about. */
function genBounded(r: Rand): Bounded {
  const period = r.pick(['month', 'quarter'] as const);
  const lo = r.pick([0, 0, -5_000, 100]); // cents
  const hi = r.pick([50_000, 250_000, 1_000_000]);
  const q = r.int(1, 20);
  const t = r.pick([100_000, 5_000_000]);
  const money = (c: number) => `${cents(c)} EUR`;
  const pct = () => `${r.int(0, 12)}${r.bool(0.3) ? '.5' : ''}%`;
  const lines = [
    `program "Bounded" {\n  currency EUR\n  period ${period}\n  start 2026-01-01\n  end 2026-${period === 'month' ? '04-30' : '06-30'}\n  rounding ${r.pick(['half-even', 'up', 'down', 'ceiling'])}\n}`,
    `partner {\n  kind: one of "a", "b"\n  target: money in 0 EUR..${money(t)}\n}`,
    `event sale {\n  category: one of "x", "y", "z"\n  amount: money in ${money(lo)}..${money(hi)}\n  quantity: integer in 0..${q}\n}`,
    'measure revenue = sum sale.amount',
    'measure orders = count sale',
    'measure biggest = max sale.amount else 0 EUR',
    `tier status by revenue {\n  Base\n  Mid from ${money(r.int(1, 5) * 100_000)}\n  Top from ${money(r.int(6, 20) * 100_000)}\n}`,
    `let rate = bands revenue {\n  below 1_000 EUR: ${pct()}\n  from 1_000 EUR: ${pct()}\n  from 5_000 EUR: ${pct()}\n}`,
    `let mult = lookup status { Base: 1, Mid: ${r.pick(['1.25', '2', '0.5'])}, Top: ${r.pick(['1.5', '3'])} }`,
    `let share = marginal biggest {\n  below 1_000 EUR: ${pct()}\n  from 1_000 EUR: ${r.pick(['-1%', '2%', '10%'])}\n}`,
    `let bonus = if status >= Mid then ${money(r.int(0, 50_000))} else ${money(r.int(0, 5_000))}`,
  ];
  const pots = [
    { name: 'cash', unit: 'money', opts: [] as string[] },
    { name: 'points', unit: 'points', opts: [] as string[] },
    { name: 'cards', unit: 'money', opts: ['denominations 25 EUR, 10 EUR'] },
    { name: 'trip', unit: 'items', opts: ['value 1_000 EUR'] },
  ];
  const potAmount = (unit: string, base: number) => (unit === 'money' ? money(base * 100) : String(base));
  for (const p of pots) {
    if (r.bool(0.5)) p.opts.push(`cap ${potAmount(p.unit, r.int(1, 5_000))} per partner${r.pick(['', ' per year'])}`);
    if (r.bool(0.4)) p.opts.push(`budget ${potAmount(p.unit, r.int(1, 20_000))}`);
    if (p.name !== 'trip' && r.bool(0.3)) p.opts.push(`minimum ${potAmount(p.unit, r.int(1, 300))}`);
    if (r.bool(0.2)) p.opts.push(`rounding ${r.pick(['up', 'ceiling', 'half-up', 'floor'])}`);
    lines.push(`payout ${p.name} as ${p.name === 'cards' ? 'giftcard' : p.name === 'trip' ? 'item' : p.name} {\n${p.opts.join('\n')}\n}`);
  }
  const eventAward = (unit: string) =>
    unit === 'money'
      ? r.pick([
          `amount * ${pct()}`,
          `amount * rate`,
          `min(amount, ${money(r.int(1, 100_000))}) * 10%`,
          `if amount > ${money(r.int(1, 100_000))} then ${money(r.int(1, 5_000))} else amount * 5%`,
          `${money(r.int(1, 5_000))} * quantity`,
          `amount * lookup category { "x": 1%, "y": 3%, else: 0% }`,
          `-(amount * 2%)`,
          `amount - ${money(r.int(0, 50_000))}`,
          `bonus`,
        ])
      : r.pick([`floor(amount / 1 EUR) * mult`, `quantity * ${r.int(1, 50)}`, `round(amount / 7 EUR)`, `1`, `lookup status { Base: 1, Mid: 2, Top: 5 }`]);
  const partnerAward = (unit: string) =>
    unit === 'money'
      ? r.pick([`partner.target * ${pct()}`, `share`, `min(revenue, ${money(r.int(1, 1_000_000))}) * 2%`, `bonus`, `revenue * rate`, `${money(r.int(1, 9_999))}`])
      : r.pick([`floor(partner.target / 1_000 EUR)`, `floor(share / 1 EUR)`, `lookup status { Base: 10, Mid: 20, Top: 50 }`, `orders * 3`, '1']);
  const where = (scope: 'event' | 'partner') =>
    r.bool(0.5)
      ? ''
      : scope === 'event'
        ? ` where ${r.pick(['category = "x"', `amount <= ${money(r.int(1, 200_000))}`, `amount > ${money(r.int(0, 100_000))} and quantity >= 1`, 'status >= Mid', 'date in 2026-01-01..2026-02-28'])}`
        : ` where ${r.pick(['partner.kind = "a"', `revenue >= ${money(r.int(0, 300_000))}`, 'status < Top', `partner.target <= ${money(r.int(0, 5_000_000))}`])}`;
  const nRules = r.int(1, 5);
  for (let i = 0; i < nRules; i++) {
    const pot = r.pick(pots);
    const scope = r.int(0, 2);
    const clauses: string[] = [];
    if (scope === 0) {
      clauses.push(`for each sale${where('event')}`);
      clauses.push(`award ${pot.name === 'trip' ? '1' : eventAward(pot.unit)} to ${pot.name}`);
      if (r.bool(0.6)) clauses.push(`cap ${potAmount(pot.unit, r.int(1, 3_000))}${r.bool(0.4) ? ' per event' : ''}`);
      if (r.bool(0.3)) clauses.push(`once per partner${r.bool() ? ' per period' : ''}`);
    } else if (scope === 1) {
      clauses.push(`for each partner${where('partner')}`);
      clauses.push(`award ${pot.name === 'trip' ? '1' : partnerAward(pot.unit)} to ${pot.name}`);
      if (r.bool(0.4)) clauses.push(`cap ${potAmount(pot.unit, r.int(1, 3_000))}`);
      if (r.bool(0.2)) clauses.push('once per partner');
    } else {
      clauses.push(`for top ${r.int(1, 3)} partners by revenue${where('partner')}`);
      clauses.push(`award ${pot.name === 'trip' ? '1' : partnerAward(pot.unit)} to ${pot.name}`);
      if (r.bool(0.3)) clauses.push(`cap ${potAmount(pot.unit, r.int(1, 3_000))}`);
    }
    lines.push(`rule "R${i}" {\n${clauses.join('\n')}\n}`);
  }
  return { source: lines.join('\n\n') + '\n', ranges: { amount: [lo, hi], quantity: [0, q], target: [0, t] }, period };
}

/** Data whose values sit on the ranges' ends as often as inside them, for a few partners and many events. */
function genData(r: Rand, b: Bounded): Record<string, string> {
  const nPartners = r.int(1, 4);
  const partners = ['id,kind,target', ...Array.from({ length: nPartners }, (_, i) => `P${i + 1},${r.pick(['a', 'b'])},${cents(r.pick([0, b.ranges.target[1], r.int(0, b.ranges.target[1])]))}`)];
  const nSales = r.int(0, 40);
  const value = (lo: number, hi: number) => r.pick([lo, hi, hi, r.int(lo, hi)]);
  const months = b.period === 'month' ? 4 : 6;
  const sales = ['id,partner,date,category,amount,quantity'];
  for (let i = 0; i < nSales; i++) {
    const m = r.int(0, months); // the last one: after the end (never earns)
    const date = m === months ? '2026-12-15' : `2026-${String(m + 1).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    sales.push(`S${i},P${r.int(1, nPartners)},${r.bool(0.05) ? '2025-12-31' : date},${r.pick(['x', 'y', 'z'])},${cents(value(b.ranges.amount[0], b.ranges.amount[1]))},${value(0, b.ranges.quantity[1])}`);
  }
  return { 'partners.csv': partners.join('\n') + '\n', 'sale.csv': sales.join('\n') + '\n' };
}

// ---------------------------------------------------------------------------------------------
// The check

const dec = (s: string) => N.parseNum(s);
const le = (x: N.Num, b: ExposureBound) => !b.bounded || N.cmp(x, dec(b.amount!)) <= 0;

/** Every bound of the report holds in the run; returns how many finite bounds were checked. */
function checkBounds(report: ExposureReport, results: PeriodResult[], a: import('../../runtime/artifact.js').Artifact): number {
  let checked = 0;
  const ok = (x: N.Num, b: ExposureBound, what: string) => {
    if (b.bounded) checked++;
    expect(le(x, b), `${what}: ${N.toText(x)} > ${b.amount}`).toBe(true);
  };
  const programPaid = new Map<string, N.Num>();
  let programCost: N.Num = N.ZERO;
  for (const r of results) {
    for (const pe of report.pots) {
      let positive: N.Num = N.ZERO;
      for (const p of r.partners) {
        const x = p.pots[pe.pot]!;
        const after = x.adjustments.reduce((s, j) => N.add(s, j.amount), x.earned);
        ok(after, pe.perPartner, `${r.period} ${p.id} ${pe.pot} earned after adjustments`);
        ok(x.paid, pe.paidPerPartner, `${r.period} ${p.id} ${pe.pot} paid`);
        if (N.sign(after) > 0) positive = N.add(positive, after);
        programPaid.set(pe.pot, N.add(programPaid.get(pe.pot) ?? N.ZERO, x.paid));
        for (const rule of pe.rules) {
          for (const aw of p.awards.filter((w) => w.rule === rule.rule && w.pot === pe.pot)) ok(aw.amount, rule.perPartner, `${r.period} ${p.id} rule ${rule.rule} → ${pe.pot}`);
        }
      }
      ok(positive, pe.perPeriod, `${r.period} ${pe.pot} all partners`);
    }
    // What the period's earnings cost (paid now or later): money pots, and items × value.
    let accrued: N.Num = N.ZERO;
    for (const pot of a.pots) {
      if (pot.unit === 'points') continue;
      const value = pot.unit === 'items' ? (pot.value && (pot.value.k === 'money' || pot.value.k === 'num') ? dec(pot.value.v) : N.ZERO) : N.ONE;
      for (const p of r.partners) {
        const x = p.pots[pot.name]!;
        const after = x.adjustments.reduce((s, j) => N.add(s, j.amount), x.earned);
        if (N.sign(after) > 0) accrued = N.add(accrued, N.mul(after, value));
      }
    }
    ok(accrued, report.cost.perPeriod, `${r.period} cost of the period's earnings`);
    programCost = N.add(programCost, r.cost);
  }
  if (report.periods !== undefined && results.length === report.periods) {
    for (const pe of report.pots) if (pe.program) ok(programPaid.get(pe.pot) ?? N.ZERO, pe.program, `${pe.pot} over the program`);
    if (report.cost.program) ok(programCost, report.cost.program, 'cost over the program');
  }
  return checked;
}

function exposureOf(source: string) {
  const c = compile(source);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.message), source).toEqual([]);
  return { artifact: c.artifact!, checked: c.checked!, report: exposure(c.artifact!, { program: 'p.incent' }, { checked: c.checked!, text: source }) };
}

describe('exposure: no data set pays more than a reported bound', () => {
  it('bounded programs over adversarial data', () => {
    let checked = 0;
    let finite = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const r = fromGen(g);
        const b = genBounded(r);
        const { artifact, report } = exposureOf(b.source);
        ExposureReportSchema.parse(report);
        finite += report.pots.filter((p) => p.perPartner.bounded).length;
        for (let k = 0; k < 3; k++) {
          const files = genData(r, b);
          const { input, data } = loadData(artifact, files);
          expect(input.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([]);
          let results;
          try {
            results = new Evaluator(artifact).run(data);
          } catch (e) {
            if (e instanceof EvalError) continue;
            throw e;
          }
          checked += checkBounds(report, results, artifact);
        }
      }),
      { numRuns: 100 },
    );
    expect(finite).toBeGreaterThan(200); // most pots of these programs are bounded
    expect(checked).toBeGreaterThan(10_000);
  });

  it('generated programs (test/generators/programs.ts) over sample data', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 1_000_000 }), (g, seed) => {
        const source = genProgram(fromGen(g));
        const { artifact, checked: c, report } = exposureOf(source);
        ExposureReportSchema.parse(report);
        const tables = generateSample(programSchema(c), { seed, partners: 5, events: 60 });
        const files: Record<string, string> = {};
        for (const [file, table] of Object.entries(tables)) files[`${file}.csv`] = tableToCsv(table).text;
        const { data } = loadData(artifact, files);
        let results;
        try {
          results = new Evaluator(artifact).run(data);
        } catch (e) {
          if (e instanceof EvalError) return;
          throw e;
        }
        checked += checkBounds(report, results, artifact);
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  const root = join(import.meta.dirname, '..', '..');
  const examples = exampleNames({ data: true });
  it.each(examples)('examples/%s over its own data', (name) => {
    const dir = join(root, 'examples', name);
    const { artifact, report } = exposureOf(readFileSync(join(dir, 'program.incent'), 'utf8'));
    const folder = openDataFolder(join(dir, 'data'), artifact);
    const results = new Evaluator(artifact).runSource(folder.partners, folder);
    expect(results.length).toBeGreaterThan(0);
    const checked = checkBounds(report, results, artifact);
    // A pot bounded for one partner is checked for every partner of every period.
    const bounded = report.pots.filter((p) => p.perPartner.bounded).length;
    expect(checked).toBeGreaterThanOrEqual(bounded * results.reduce((n, r) => n + r.partners.length, 0));
  });
});
