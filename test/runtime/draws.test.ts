/**
 * §13.3 draws and guarantees, case by case: a new seller's recoverable draw, topped up, recovered
 * across several periods and forgiven at the end of its window; a guarantee (non-recoverable);
 * a draw that applies only where its condition holds. Every figure is worked out by hand beside it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as N from '../../runtime/num.js';
import { compileOrThrow, header, period, pot, t } from '../helpers/run.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import { explainPartner, statementJson } from '../../runtime/statement.js';
import { StatementJsonSchema } from '../../runtime/statement-schema.js';

const program = (draw: string) => `${header({ period: 'month' })}
partner {
  hired: date
  level: one of "new", "senior"
}
event sale {
  amount: money
}
payout commission as cash {
  ${draw}
  approval above 2_500 EUR
}
rule "Commission" {
  for each sale
  award amount * 10% to commission
}
`;

function run(draw: string, sales: string): { results: PeriodResult[]; source: string } {
  const source = program(draw);
  const a = compileOrThrow(source);
  const { input, data } = loadData(a, { 'partners.csv': 'id,hired,level\nA,2026-01-15,new\nB,2025-06-01,senior\n', 'sale.csv': sales });
  expect(input.problems).toEqual([]);
  return { results: new Evaluator(a).run(data), source };
}

const sales = `id,partner,date,amount
S1,A,2026-01-20,5000
S2,A,2026-02-10,12000
S3,A,2026-03-10,30000
S4,A,2026-04-10,25000
S5,A,2026-05-10,10000
S6,B,2026-01-10,40000
`;

describe('a recoverable draw for 4 periods from the hiring date', () => {
  const { results: r, source } = run('draw 2_000 EUR per period recoverable for 4 periods from partner.hired', sales);
  const d = (p: string) => {
    const x = pot(r, p, 'A', 'commission');
    return { paid: t(x.paid), topUp: t(x.draw!.topUp), recovered: t(x.draw!.recovered), forgiven: t(x.draw!.forgiven), debt: t(x.draw!.debt), applies: x.draw!.applies };
  };

  it('tops up a payment below the draw, and the top-up is a debt', () => {
    // January (hired the 15th: the window is 2026-01 … 2026-04): 10% × 5,000 = 500 → topped up by 1,500 to 2,000.
    expect(d('2026-01')).toEqual({ paid: '2000', topUp: '1500', recovered: '0', forgiven: '0', debt: '1500', applies: true });
    // February: 1,200 → top-up 800; debt 1,500 + 800 = 2,300.
    expect(d('2026-02')).toEqual({ paid: '2000', topUp: '800', recovered: '0', forgiven: '0', debt: '2300', applies: true });
    // The earnings are unchanged: only the payment is topped up.
    expect(t(pot(r, '2026-02', 'A', 'commission').earned)).toBe('1200');
  });

  it('recovers the debt from payments above the draw, across several periods, and forgives the rest at the end of the window', () => {
    // March: 3,000 → 1,000 above the draw recovers 1,000: paid 2,000, debt 1,300.
    expect(d('2026-03')).toEqual({ paid: '2000', topUp: '0', recovered: '1000', forgiven: '0', debt: '1300', applies: true });
    // April, the window's last period: 2,500 → 500 recovered (paid 2,000), and the 800 still owed is forgiven.
    expect(d('2026-04')).toEqual({ paid: '2000', topUp: '0', recovered: '500', forgiven: '800', debt: '0', applies: true });
    // May: the draw no longer applies: 1,000 is paid as earned, not topped up.
    expect(d('2026-05')).toEqual({ paid: '1000', topUp: '0', recovered: '0', forgiven: '0', debt: '0', applies: false });
  });

  it('a partner outside its window: B was hired in 2025, so its window ended then', () => {
    const b = pot(r, '2026-01', 'B', 'commission');
    expect([t(b.paid), b.draw!.applies, t(b.draw!.topUp)]).toEqual(['4000', false, '0']);
    // approval compares the payment: 4,000 > 2,500.
    expect(b.approval).toBe(true);
  });

  it('the cost counts the top-ups; statements and explanations show them', () => {
    // January: A 2,000 + B 4,000.
    expect(t(period(r, '2026-01').cost)).toBe('6000');
    const a = compileOrThrow(source);
    const json = statementJson(a, period(r, '2026-04'));
    expect(StatementJsonSchema.safeParse(json).success).toBe(true);
    expect(json.partners[0]!.pots['commission']!.draw).toEqual({ applies: true, top_up: '0.00', recovered: '500.00', forgiven: '800.00', debt: '0.00' });
    const text = explainPartner(a, period(r, '2026-01'), 'A')!;
    expect(text).toContain('draw: top-up 1,500.00, recovered 0.00, forgiven 0.00, debt 1,500.00');
    expect(text).toContain('draw: 1,500.00 EUR tops the payment up to 2,000.00 EUR, a debt recovered from later payments above 2,000.00 EUR (1,500.00 EUR owed)');
  });
});

describe('a guarantee, and a draw with a condition', () => {
  it('non-recoverable: the top-up is never recovered', () => {
    const { results: r } = run('draw 2_000 EUR per period non-recoverable', sales);
    // A, January: 500 → topped up by 1,500; March: 3,000 is paid whole (nothing owed).
    expect([t(pot(r, '2026-01', 'A', 'commission').paid), t(pot(r, '2026-01', 'A', 'commission').draw!.debt)]).toEqual(['2000', '0']);
    expect(t(pot(r, '2026-03', 'A', 'commission').paid)).toBe('3000');
    // B has no sale in February: the guarantee pays 2,000 all the same.
    expect(t(pot(r, '2026-02', 'B', 'commission').paid)).toBe('2000');
  });

  it('`where`: only partners for whom the condition holds are drawn for', () => {
    const { results: r } = run('draw 2_000 EUR per period recoverable where partner.level = "new"', sales);
    expect(t(pot(r, '2026-02', 'B', 'commission').paid)).toBe('0');
    expect(t(pot(r, '2026-02', 'A', 'commission').paid)).toBe('2000');
    // Without `for`, the draw never ends: A's debt is still being recovered in May (1,000 is not above 2,000: topped up again).
    // January 1,500 + February 800 − March 1,000 − April 500 = 800; May: 1,000 → top-up 1,000 → debt 1,800.
    expect(t(pot(r, '2026-05', 'A', 'commission').draw!.debt)).toBe('1800');
  });
});

describe('property', () => {
  it('every recoverable top-up is recovered, forgiven or still owed; a payment is never below the draw while it applies', () => {
    const sale = fc.record({ partner: fc.constantFrom('A', 'B'), month: fc.integer({ min: 1, max: 12 }), amount: fc.integer({ min: 0, max: 60_000 }) });
    fc.assert(
      fc.property(fc.array(sale, { maxLength: 14 }), fc.boolean(), (ss, windowed) => {
        const rows = ss.map((s, i) => `S${i},${s.partner},2026-${String(s.month).padStart(2, '0')}-10,${s.amount}`);
        const { results } = run(`draw 2_000 EUR per period recoverable${windowed ? ' for 4 periods from partner.hired' : ''}`, `id,partner,date,amount\n${rows.join('\n')}\n`);
        for (const id of ['A', 'B']) {
          let topUps: N.Num = N.ZERO;
          let back: N.Num = N.ZERO;
          let debt: N.Num = N.ZERO;
          for (const r of results) {
            const x = r.partners.find((p) => p.id === id)!.pots['commission']!;
            topUps = N.add(topUps, x.draw!.topUp);
            back = N.add(N.add(back, x.draw!.recovered), x.draw!.forgiven);
            debt = x.draw!.debt;
            if (x.draw!.applies) expect(N.cmp(x.paid, N.int(2000))).toBeGreaterThanOrEqual(0);
          }
          expect(t(N.add(back, debt))).toBe(t(topUps));
        }
      }),
      { numRuns: 40 },
    );
  });
});
