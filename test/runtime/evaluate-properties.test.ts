/**
 * Properties of the evaluator over random data (fast-check): row order never matters, caps and
 * budgets hold, budgets bind exactly, and every pot balances (carried in + earned + adjustments =
 * paid + carried out).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../runtime/artifact.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import type { Num } from '../../runtime/num.js';
import { formatProblem } from '../../runtime/data/problems.js';
import { statementJson } from '../../runtime/statement.js';
import { PROGRAM } from '../helpers/property-program.js';
import { compileOrThrow } from '../helpers/run.js';


const artifact: Artifact = compileOrThrow(PROGRAM);
const PIDS = ['P1', 'P2', 'P3', 'P4', 'P5'];

interface Data {
  kinds: ('distributor' | 'reseller')[];
  /** `ship`: days from the sale to its shipping, or none (the default, 2026-06-30). */
  sales: { p: number; day: number; cat: number; cents: number; mills: boolean; ship: number | null }[];
  refunds: { p: number; day: number; cents: number }[];
  /** Returns of sales (by their index among the sales, modulo their number), some days after. */
  returns: { sale: number; after: number }[];
}

const DAY0 = Date.UTC(2025, 9, 1); // 2025-10-01: some events fall before the start
function isoDay(d: number): string {
  return new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10); // test data only; the runtime never sees a Date
}
function money(cents: number, mills: boolean): string {
  const s = (Math.abs(cents) / 100).toFixed(2);
  return (cents < 0 ? '-' : '') + s + (mills ? '5' : '');
}

const dataArb: fc.Arbitrary<Data> = fc.record({
  kinds: fc.array(fc.constantFrom('distributor' as const, 'reseller' as const), { minLength: PIDS.length, maxLength: PIDS.length }),
  sales: fc.array(
    fc.record({ p: fc.nat(PIDS.length - 1), day: fc.nat(455), cat: fc.nat(1), cents: fc.integer({ min: 1, max: 400_000 }), mills: fc.boolean(), ship: fc.option(fc.nat(60)) }),
    { maxLength: 40 },
  ),
  refunds: fc.array(fc.record({ p: fc.nat(PIDS.length - 1), day: fc.nat(455), cents: fc.integer({ min: 1, max: 300_000 }) }), { maxLength: 8 }),
  returns: fc.array(fc.record({ sale: fc.nat(100), after: fc.nat(60) }), { maxLength: 6 }),
});

function rows(d: Data): { partners: string[]; sale: string[]; refund: string[]; return: string[] } {
  return {
    partners: PIDS.map((id, i) => `${id},${d.kinds[i]}`),
    sale: d.sales.map((s, i) => `S${i},${PIDS[s.p]},${isoDay(s.day)},${s.cat ? 'hardware' : 'software'},${money(s.cents, s.mills)},${s.ship === null ? '' : isoDay(s.day + s.ship)}`),
    refund: d.refunds.map((s, i) => `R${i},${PIDS[s.p]},${isoDay(s.day)},${money(s.cents, false)}`),
    return: d.sales.length === 0 ? [] : d.returns.map((x, i) => {
      const k = x.sale % d.sales.length;
      const s = d.sales[k]!;
      return `T${i},${PIDS[s.p]},${isoDay(Math.min(455, s.day + x.after))},S${k}`;
    }),
  };
}

function files(r: ReturnType<typeof rows>): Record<string, string> {
  return {
    'partners.csv': ['id,kind', ...r.partners].join('\n') + '\n',
    'sale.csv': ['id,partner,date,category,Amount (€),shipped', ...r.sale].join('\n') + '\n',
    'refund.csv': ['id,partner,date,amount', ...r.refund].join('\n') + '\n',
    'return.csv': ['id,partner,date,sale', ...r.return].join('\n') + '\n',
  };
}

function run(f: Record<string, string>): PeriodResult[] {
  const { input, data } = loadData(artifact, f);
  if (input.problems.length) throw new Error(input.problems.map(formatProblem).join('\n'));
  return new Evaluator(artifact).run(data);
}

function shuffled<T>(xs: T[], seed: number[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = (seed[i % seed.length] ?? 0) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const sum = (xs: Num[]) => xs.reduce((s, x) => N.add(s, x), N.ZERO as Num);
const adjSum = (x: { adjustments: { kind: string; amount: Num }[] }, kinds?: string[]) => sum(x.adjustments.filter((a) => !kinds || kinds.includes(a.kind)).map((a) => a.amount));
const num = (text: string) => N.parseNum(text);

describe('evaluator properties', () => {
  it('statements do not depend on record order', () => {
    fc.assert(
      fc.property(dataArb, fc.array(fc.nat(1000), { minLength: 1, maxLength: 20 }), (d, seed) => {
        const r = rows(d);
        const a = run(files(r)).map((x) => statementJson(artifact, x));
        const b = run(files({ partners: shuffled(r.partners, seed), sale: shuffled(r.sale, seed), refund: shuffled(r.refund, [...seed].reverse()), return: shuffled(r.return, seed) })).map((x) => statementJson(artifact, x));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 150 },
    );
  });

  it('caps, budgets and balances hold in every period', () => {
    fc.assert(
      fc.property(dataArb, (d) => {
        const results = run(files(rows(d)));
        const yearly = new Map<string, Num>();
        const pending = new Map<string, Num>();
        for (const r of results) {
          for (const p of r.partners) {
            for (const [name, x] of Object.entries(p.pots)) {
              // carried in + earned + adjustments + what the hold released less what it holds (§13.2)
              // + the draw's top-up less what it recovered (§13.3) = paid + carried out
              const pendingBefore = pending.get(`${p.id} ${name}`) ?? N.ZERO;
              const pendingAfter = x.hold?.pending ?? N.ZERO;
              pending.set(`${p.id} ${name}`, pendingAfter);
              const draw = x.draw ? N.sub(x.draw.topUp, x.draw.recovered) : N.ZERO;
              const into = N.add(N.add(N.add(x.carriedIn, x.earned), adjSum(x)), N.add(N.sub(pendingBefore, pendingAfter), draw));
              expect(N.cmp(into, N.add(x.paid, x.carried)), `${r.period} ${p.id} ${name}`).toBe(0);
              // what a pot with lots credits is its new lot (§13.1): the lots hold at most what was credited
              if (x.ledger) expect(N.sign(x.ledger.balance)).toBeGreaterThanOrEqual(0);
              // paid and carried are whole units
              const digits = name === 'pts' || name === 'trip' ? 0 : 2;
              expect(N.cmp(N.round(x.paid, digits, 'down'), x.paid)).toBe(0);
              expect(N.cmp(N.round(x.carried, digits, 'down'), x.carried)).toBe(0);
              expect(N.sign(x.paid)).toBeGreaterThanOrEqual(0);
            }
            // per-period caps: what a partner earns after adjustments never exceeds the cap
            expect(N.cmp(N.add(p.pots.cash!.earned, adjSum(p.pots.cash!)), num('400'))).toBeLessThanOrEqual(0);
            // `plain` has no minimum and no debts: what it pays is what it earns, at most the cap
            expect(N.cmp(p.pots.plain!.paid, num('150'))).toBeLessThanOrEqual(0);
            const k = `${r.period.slice(0, 4)} ${p.id}`;
            yearly.set(k, N.add(yearly.get(k) ?? N.ZERO, N.add(p.pots.gift!.earned, adjSum(p.pots.gift!))));
            expect(N.cmp(yearly.get(k)!, num('300'))).toBeLessThanOrEqual(0);
          }
          for (const [name, budget] of [['cash', '1000'], ['plain', '300'], ['pts', '700'], ['first', '200']] as const) {
            const pots = r.partners.map((p) => p.pots[name]!);
            const positiveAfter = sum(pots.map((x) => N.add(x.earned, adjSum(x))).filter((v) => N.sign(v) > 0));
            const positiveBefore = sum(pots.map((x) => N.add(x.earned, adjSum(x, ['cap', 'yearly cap']))).filter((v) => N.sign(v) > 0));
            expect(N.cmp(positiveAfter, num(budget)), `${r.period} ${name}`).toBeLessThanOrEqual(0);
            // when the budget binds, the pot pays exactly its budget
            if (N.cmp(positiveBefore, num(budget)) > 0) expect(N.cmp(positiveAfter, num(budget)), `${r.period} ${name} binds`).toBe(0);
            else expect(N.cmp(positiveAfter, positiveBefore)).toBe(0);
            if (name === 'plain') expect(N.cmp(sum(pots.map((x) => x.paid)), num(budget))).toBeLessThanOrEqual(0);
          }
          // exactly N (or fewer) top partners
          expect(r.partners.filter((p) => !N.isZero(p.pots.trip!.paid)).length).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 200 },
    );
  });
});
