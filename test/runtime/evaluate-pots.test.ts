/**
 * Pots (spec §8, §9 steps 4–7): caps per period and per year, budgets (exact largest remainders),
 * minimums, gift cards, debts, approval, cost. Every expected number is worked out by hand beside it.
 */
import { describe, expect, it } from 'vitest';
import * as N from '../../runtime/num.js';
import type { PeriodResult, PotResult } from '../../runtime/evaluate.js';
import { header, paid, partner, period, pot, runProgram, t } from '../helpers/run.js';

/** A program with `bonus` events whose amount is awarded as is (negative amounts are clawbacks). */
function bonusProgram(pots: string, opts: { end?: string; rounding?: string } = {}): string {
  const names = [...pots.matchAll(/payout (\w+) as (\w+)/g)].map((m) => ({ name: m[1]!, count: m[2] === 'points' || m[2] === 'item' }));
  return `${header(opts)}
event bonus { pot: text  amount: money }
${pots}
${names.map(({ name, count }) => `rule "To ${name}" {\n  for each bonus where pot = "${name}"\n  award ${count ? 'amount / 1 EUR' : 'amount'} to ${name}\n}`).join('\n')}
`;
}

function adj(p: PotResult): string[] {
  return p.adjustments.map((a) => `${a.kind} ${t(a.amount)}`);
}

/** carried in + earned + adjustments = paid + carried out, for every partner and pot of every period. */
function checkIdentity(results: PeriodResult[]): void {
  for (const r of results)
    for (const p of r.partners)
      for (const [name, x] of Object.entries(p.pots)) {
        const left = x.adjustments.reduce((s, a) => N.add(s, a.amount), N.add(x.carriedIn, x.earned));
        expect(N.cmp(left, N.add(x.paid, x.carried)), `${r.period} ${p.id} ${name}`).toBe(0);
      }
}

describe('pot caps (§8, §9.4)', () => {
  it('a yearly cap: at 10,010 of 10,040, earning 50 more pays 30; a new year starts afresh', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 10_040 EUR per partner per year }', { end: '2027-12-31' }), {
      'bonus.csv': `id,partner,date,pot,amount
        B1,P1,2026-02-01,cash,10010
        B2,P1,2026-05-01,cash,50
        B3,P1,2026-08-01,cash,100
        B4,P1,2027-02-01,cash,100`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('10010'); // under the cap
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('30'); // 10,040 − 10,010 left
    expect(adj(pot(r, '2026-Q2', 'P1', 'cash'))).toEqual(['yearly cap -20']); // 30 − 50
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').earned)).toBe('50'); // earned is before the cap
    expect(paid(r, '2026-Q3', 'P1', 'cash')).toBe('0'); // nothing left in 2026
    expect(adj(pot(r, '2026-Q3', 'P1', 'cash'))).toEqual(['yearly cap -100']);
    expect(paid(r, '2027-Q1', 'P1', 'cash')).toBe('100'); // 2027: a fresh 10,040
    checkIdentity(r);
  });

  it('a per-period cap (the default)', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 100 EUR per partner }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,150\nB2,P1,2026-05-01,cash,80`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('100'); // 150 capped at 100
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual(['cap -50']);
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('80'); // a new period, under the cap
  });

  it('a yearly cap counts net earnings: a clawback frees room', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 100 EUR per partner per year }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,100\nB2,P1,2026-05-01,cash,-40\nB3,P1,2026-08-01,cash,100`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('100');
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('0'); // balance −40: a debt
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').carried)).toBe('-40');
    // net earned in 2026 so far: 100 − 40 = 60 → 40 left; balance −40 + 40 = 0
    expect(adj(pot(r, '2026-Q3', 'P1', 'cash'))).toEqual(['yearly cap -60']);
    expect(paid(r, '2026-Q3', 'P1', 'cash')).toBe('0');
    checkIdentity(r);
  });
});

describe('pot budgets (§9.5)', () => {
  it('pro rata with largest remainders, ties by partner id; negative earnings not scaled', () => {
    const r = runProgram(bonusProgram('payout cash as cash { budget 100 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount
        B1,P3,2026-02-01,cash,50
        B2,P2,2026-02-01,cash,50
        B3,P1,2026-02-01,cash,50
        B4,P4,2026-02-01,cash,-10`,
    });
    // positive Σ 150.00 > 100.00: each 5000 × 10000 ÷ 15000 = 3333 cents, remainder 5000 each;
    // 1 cent left over → the tie goes to P1 (lowest id)
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('33.34');
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('33.33');
    expect(paid(r, '2026-Q1', 'P3', 'cash')).toBe('33.33');
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual(['budget -16.66']); // 33.34 − 50
    expect(paid(r, '2026-Q1', 'P4', 'cash')).toBe('0'); // −10 not scaled: a debt
    expect(t(pot(r, '2026-Q1', 'P4', 'cash').carried)).toBe('-10');
    expect(adj(pot(r, '2026-Q1', 'P4', 'cash'))).toEqual([]);
    const tot = period(r, '2026-Q1').totals.cash!;
    expect(t(tot.budgetUsed)).toBe('100'); // exactly the budget
    expect(t(tot.paid)).toBe('100'); // 33.34 + 33.33 + 33.33
    checkIdentity(r);
  });

  it('an uneven split: the largest remainder wins, not the lowest id', () => {
    const r = runProgram(bonusProgram('payout cash as cash { budget 50 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,10\nB2,P2,2026-02-01,cash,20\nB3,P3,2026-02-01,cash,40.01`,
    });
    // Σ = 7001 cents, B = 5000: P1 1000×5000 = 5,000,000 ÷ 7001 = 714 r 1286
    //                          P2 2000×5000 = 10,000,000 ÷ 7001 = 1428 r 2572
    //                          P3 4001×5000 = 20,005,000 ÷ 7001 = 2857 r 3143 → +1 (4999 given, 1 left)
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('7.14');
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('14.28');
    expect(paid(r, '2026-Q1', 'P3', 'cash')).toBe('28.58');
    expect(t(period(r, '2026-Q1').totals.cash!.paid)).toBe('50');
  });

  it('in points; and a budget that does not bind changes nothing', () => {
    const r = runProgram(bonusProgram('payout pts as points { budget 10 }\npayout cash as cash { budget 100 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount
        B1,P1,2026-02-01,pts,5
        B2,P2,2026-02-01,pts,5
        B3,P3,2026-02-01,pts,5
        C1,P1,2026-02-01,cash,70.01`,
    });
    // 5 × 10 ÷ 15 = 3 r 5 each; 1 point left → P1
    expect(['P1', 'P2', 'P3'].map((p) => paid(r, '2026-Q1', p, 'pts'))).toEqual(['4', '3', '3']);
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('70.01'); // 70.01 ≤ 100
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual([]);
    expect(t(period(r, '2026-Q1').totals.cash!.budgetUsed)).toBe('70.01');
  });

  it('the cap applies before the budget', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 60 EUR per partner  budget 100 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,90\nB2,P2,2026-02-01,cash,60`,
    });
    // P1 90 → cap 60; Σ 120 > 100: 60 × 100 ÷ 120 = 50 each, exactly
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual(['cap -30', 'budget -10']);
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('50');
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('50');
  });
});

describe('balances and payment (§9.6)', () => {
  it('minimum: exactly at it is paid; below it is carried and paid once reached', () => {
    const r = runProgram(bonusProgram('payout cash as cash { minimum 50 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,49.99\nB2,P1,2026-05-01,cash,0.01\nB3,P2,2026-02-01,cash,50`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('0'); // 49.99 < 50
    expect(t(pot(r, '2026-Q1', 'P1', 'cash').carried)).toBe('49.99');
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').carriedIn)).toBe('49.99');
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('50'); // 49.99 + 0.01 = 50.00, exactly the minimum
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').carried)).toBe('0');
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('50'); // exactly 50
    checkIdentity(r);
  });

  it('gift cards: largest first while they fit, the rest carried', () => {
    const r = runProgram(bonusProgram('payout gift as giftcard { denominations 20 EUR, 50 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,gift,135\nB2,P1,2026-05-01,gift,5`,
    });
    const q1 = pot(r, '2026-Q1', 'P1', 'gift');
    expect(t(q1.paid)).toBe('120'); // 2 × 50 + 1 × 20
    expect(q1.cards!.map((c) => `${c.count}x${t(c.denomination)}`)).toEqual(['2x50', '1x20']);
    expect(t(q1.carried)).toBe('15'); // 135 − 120
    expect(paid(r, '2026-Q2', 'P1', 'gift')).toBe('20'); // 15 + 5 = 20 → one card
    expect(t(pot(r, '2026-Q2', 'P1', 'gift').carried)).toBe('0');
    expect(t(period(r, '2026-Q1').cost)).toBe('120'); // what the cards cost, not the carried rest
    checkIdentity(r);
  });

  it('a refund turns the balance negative: nothing paid, the debt carried and paid off by later earnings', () => {
    const r = runProgram(bonusProgram('payout cash as cash { minimum 10 EUR  approval above 100 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount
        B1,P1,2026-02-01,cash,100
        B2,P1,2026-05-01,cash,-150
        B3,P1,2026-08-01,cash,200
        B4,P2,2026-02-01,cash,100.01`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('100');
    expect(pot(r, '2026-Q1', 'P1', 'cash').approval).toBe(false); // 100 is not above 100
    expect(pot(r, '2026-Q1', 'P2', 'cash').approval).toBe(true); // 100.01 > 100, still paid
    expect(paid(r, '2026-Q1', 'P2', 'cash')).toBe('100.01');
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').earned)).toBe('-150');
    expect(paid(r, '2026-Q2', 'P1', 'cash')).toBe('0'); // balance −150
    expect(t(pot(r, '2026-Q2', 'P1', 'cash').carried)).toBe('-150');
    expect(paid(r, '2026-Q3', 'P1', 'cash')).toBe('50'); // −150 + 200
    expect(t(pot(r, '2026-Q3', 'P1', 'cash').carried)).toBe('0');
    expect(t(period(r, '2026-Q2').totals.cash!.carried)).toBe('-150');
    checkIdentity(r);
  });
});

describe('cost (§9.7)', () => {
  it('money paid, credited or accrued, plus item counts × value; points cost nothing', () => {
    const r = runProgram(
      bonusProgram(`payout cash as cash
payout credit as credit
payout fund as fund
payout pts as points
payout trip as item { value 3_000 EUR }`),
      {
        'bonus.csv': `id,partner,date,pot,amount
          B1,P1,2026-02-01,cash,10
          B2,P1,2026-02-01,credit,20.50
          B3,P1,2026-02-01,fund,0.25
          B4,P1,2026-02-01,pts,1000
          B5,P1,2026-02-01,trip,1
          B6,P2,2026-02-01,trip,1`,
      },
    );
    expect(t(period(r, '2026-Q1').cost)).toBe('6030.75'); // 10 + 20.50 + 0.25 + 2 × 3,000
    expect(paid(r, '2026-Q1', 'P1', 'pts')).toBe('1000');
    expect(t(period(r, '2026-Q2').cost)).toBe('0');
    expect(partner(period(r, '2026-Q1'), 'P2').pots.cash).toBeDefined(); // every pot for every partner
  });
});

describe('caps that are not whole units', () => {
  it('a cap of 100.005 EUR or 10.5 points pays whole cents and points, never more than the cap', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 100.005 EUR per partner }\npayout pts as points { cap 10.5 per partner per year }'), {
      'bonus.csv': `id,partner,date,pot,amount
        B1,P1,2026-02-01,cash,200
        P1,P1,2026-02-01,pts,7
        P2,P1,2026-05-01,pts,7`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'cash')).toBe('100'); // 100.005 → 100.00 (a fraction of a cent cannot be paid)
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual(['cap -100']);
    expect(paid(r, '2026-Q1', 'P1', 'pts')).toBe('7');
    expect(paid(r, '2026-Q2', 'P1', 'pts')).toBe('3'); // 10 − 7 left of the yearly 10.5 → 10
    checkIdentity(r);
  });
});

describe('choices the spec leaves open (language/REFERENCE.md)', () => {
  it('a negative rule total rounds with the pot mode too: points round toward zero', () => {
    const r = runProgram(bonusProgram('payout pts as points'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,pts,10\nB2,P1,2026-05-01,pts,-2.5`,
    });
    expect(paid(r, '2026-Q1', 'P1', 'pts')).toBe('10');
    expect(t(pot(r, '2026-Q2', 'P1', 'pts').earned)).toBe('-2'); // −2.5 rounded `down` (toward zero) → −2
    expect(t(pot(r, '2026-Q2', 'P1', 'pts').carried)).toBe('-2'); // a debt of 2 points
  });
  it('a balance of zero pays nothing and is not flagged; a pot cap does not touch negative earnings', () => {
    const r = runProgram(bonusProgram('payout cash as cash { cap 10 EUR per partner  minimum 5 EUR  approval above 0.01 EUR }'), {
      'bonus.csv': `id,partner,date,pot,amount\nB1,P1,2026-02-01,cash,-30\nB2,P2,2026-02-01,cash,0`,
    });
    expect(adj(pot(r, '2026-Q1', 'P1', 'cash'))).toEqual([]); // −30 is below the cap: untouched
    expect(t(pot(r, '2026-Q1', 'P1', 'cash').carried)).toBe('-30');
    expect(pot(r, '2026-Q1', 'P2', 'cash').approval).toBe(false); // paid 0 is not above 0.01
  });
});

describe('budgets served first come first served (§12.5)', () => {
  const src = `${header()}
event sale { amount: money }
event claim { amount: money }
payout spiff as cash {
  cap 40 EUR per partner
  budget 100 EUR first come first served
}
rule "Sale SPIFF" {
  for each sale
  award amount to spiff
}
rule "Claim SPIFF" {
  for each claim
  award amount to spiff
  cap 15 EUR
}
rule "Welcome" {
  for each partner
  award 10 EUR to spiff
}
`;
  const files = {
    'sale.csv': `id,partner,date,amount
      S1,P1,2026-01-10,30
      S2,P2,2026-01-11,25
      S3,P1,2026-01-20,30
      S4,P3,2026-02-01,20.005`,
    'claim.csv': `id,partner,date,amount
      C1,P3,2026-01-11,20`,
  };
  const r = runProgram(src, files);

  it('awards are served by (date, id), then partner-level awards; caps and rounding first', () => {
    // Earnings after §9 steps 3–4: P1 sale 60 + welcome 10 = 70 → pot cap 40. P2 sale 25 + welcome 10 = 35.
    // P3 claim 20 → rule cap 15, sale 20.005 → 20.00 (half-even), welcome 10: 45 → pot cap 40.
    // Each partner's earnings are claimed by its awards in order, earliest first (a cap takes from the latest):
    //   P1: S1 30, S3 10, welcome 0; P2: S2 25, welcome 10; P3: C1 20, S4 20 (running sum 40.005 → 40.00), welcome 0.
    // Served from 100: 01-10 S1 P1 30 (70 left); 01-11 C1 P3 20 (50; "C1" < "S2"), S2 P2 25 (25); 01-20 S3 P1 10 (15);
    // 02-01 S4 P3 15 of 20 (0); then the partner-level awards: P2's welcome gets nothing.
    expect(['P1', 'P2', 'P3'].map((p) => paid(r, '2026-Q1', p, 'spiff'))).toEqual(['40', '25', '35']);
    expect(t(period(r, '2026-Q1').totals['spiff']!.budgetUsed!)).toBe('100');
  });

  it('each partner whose awards the budget could not pay has an adjustment naming them', () => {
    const p2 = pot(r, '2026-Q1', 'P2', 'spiff');
    expect(p2.adjustments.map((a) => [a.kind, t(a.amount), a.note])).toEqual([
      ['budget', '-10', 'budget 100.00 EUR served first come first served, and spent before every award was paid: rule "Welcome" nothing → 25.00 EUR of 35.00 EUR'],
    ]);
    const p3 = pot(r, '2026-Q1', 'P3', 'spiff');
    expect(p3.adjustments.map((a) => a.kind)).toEqual(['cap', 'budget']); // the pot cap, then the budget
    expect(t(p3.adjustments[1]!.amount)).toBe('-5');
  });

  it('does not depend on the order of the records', () => {
    const reversed = Object.fromEntries(Object.entries(files).map(([f, text]) => {
      const [head, ...rows] = text.split('\n');
      return [f, [head, ...rows.reverse()].join('\n')];
    }));
    const again = runProgram(src, reversed);
    expect(again.map((p) => p.partners.map((x) => x.pots['spiff']))).toEqual(r.map((p) => p.partners.map((x) => x.pots['spiff'])));
  });
});
