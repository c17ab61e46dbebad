/** Settlement of a pot (spec §9 steps 4–6) as pure functions, table by table. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as N from '../../runtime/num.js';
import type { CompiledPot } from '../../runtime/plan.js';
import type { Adjustment } from '../../runtime/results.js';
import { applyBudget, applyPotCap, settleBalance, shareBudget } from '../../runtime/settle.js';

const n = (s: string) => N.parseNum(s);
const t = (v: N.Num) => N.toText(v);

function pot(unit: 'money' | 'points', options: Partial<Omit<CompiledPot, 'spec' | 'digits'>> & { per?: 'period' | 'year' } = {}): CompiledPot {
  const { per, ...rest } = options;
  const kind = unit === 'money' ? 'cash' : 'points';
  const ir = { k: 'num', v: '0', u: 'num' } as never;
  return { spec: { name: kind, kind, unit, rounding: 'half-even', ...(rest.cap ? { cap: { amount: ir, per: per ?? 'period' } } : {}) }, digits: unit === 'money' ? 2 : 0, ...rest };
}

describe('step 4: the pot cap', () => {
  it.each([
    // earned, cap, per, already used this year → after, adjustment
    ['120', '100', 'period', '0', '100', '-20'],
    ['100', '100', 'period', '0', '100', undefined],
    ['-50', '100', 'period', '0', '-50', undefined], // a clawback is never capped
    ['50', '100', 'year', '60', '40', '-10'], // 40 left of the year's 100
    ['50', '100', 'year', '120', '0', '-50'], // nothing left (never a negative room)
    ['30', '100', 'year', '60', '30', undefined],
  ] as const)('earned %s, cap %s per %s, %s used → %s (adjustment %s)', (earned, cap, per, used, after, adj) => {
    const r = applyPotCap(pot('money', { cap: n(cap), per }), n(earned), 2026, () => n(used), 'EUR');
    expect(t(r.after)).toBe(after);
    expect(r.adjustment && t(r.adjustment.amount)).toBe(adj);
  });

  it('says what the yearly cap left', () => {
    const r = applyPotCap(pot('money', { cap: n('10040'), per: 'year' }), n('50'), 2026, () => n('10010'), 'EUR');
    expect([r.adjustment?.kind, t(r.adjustment!.amount), r.adjustment?.note]).toEqual(['yearly cap', '-20', 'yearly cap 10,040.00 EUR: 10,010.00 EUR already earned in 2026, 30.00 EUR left']);
  });
});

describe('step 5: the budget, shared pro rata in whole units', () => {
  it.each([
    // units by partner, budget → shares (undefined: it fits)
    [{ A: 50n, B: 50n }, 100n, undefined],
    [{ A: 100n, B: 100n }, 100n, { A: 50n, B: 50n }],
    [{ A: 1n, B: 1n, C: 1n }, 2n, { A: 1n, B: 1n, C: 0n }], // equal remainders: partner id ascending
    [{ A: 200n, B: 100n }, 100n, { A: 67n, B: 33n }], // 66.67 / 33.33: the larger remainder gets the unit
    [{ B: 1n, A: 1n, C: 1n }, 1n, { A: 1n, B: 0n, C: 0n }],
  ] as const)('%o within %s → %o', (units, budget, expected) => {
    const shares = shareBudget(new Map(Object.entries(units)), budget);
    expect(shares && Object.fromEntries([...shares].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(expected);
  });

  it('pays exactly the budget, never more than anyone earned, whatever the earnings', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.bigInt({ min: 1n, max: 10n ** 12n }), { minKeys: 1 }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (units, budget) => {
        const m = new Map(Object.entries(units));
        const shares = shareBudget(m, budget);
        const sum = [...m.values()].reduce((s, u) => s + u, 0n);
        if (sum <= budget) {
          expect(shares).toBeUndefined();
          return;
        }
        expect([...shares!.values()].reduce((s, u) => s + u, 0n)).toBe(budget);
        for (const [pid, share] of shares!) expect(share <= m.get(pid)!).toBe(true);
      }),
    );
  });

  it('applyBudget: reductions are adjustments that say how they were computed; negative earnings are not scaled', () => {
    const after = new Map([
      ['P1', n('30')],
      ['P2', n('90')],
      ['P3', n('-5')],
    ]);
    const adjustments = new Map<string, Adjustment[]>([...after.keys()].map((k) => [k, []]));
    const used = applyBudget(pot('money', { budget: n('60') }), after, adjustments, 'EUR');
    expect(t(used)).toBe('60');
    expect([...after].map(([k, v]) => `${k} ${t(v)}`)).toEqual(['P1 15', 'P2 45', 'P3 -5']);
    expect(adjustments.get('P1')!.map((j) => [j.kind, t(j.amount), j.note])).toEqual([['budget', '-15', 'budget 60.00 EUR shared pro rata: 30.00 EUR × 60.00 EUR ÷ 120.00 EUR → 15.00 EUR']]);
    expect(adjustments.get('P3')).toEqual([]);
  });
});

describe('step 6: balance and payment', () => {
  it.each([
    // balance, options → paid, carried
    ['120.50', {}, '120.5', '0'],
    ['-10', {}, '0', '-10'], // a debt is carried
    ['40', { minimum: n('50') }, '0', '40'], // under the minimum: carried
    ['50', { minimum: n('50') }, '50', '0'],
    ['135', { denominations: [n('100'), n('25'), n('10')] }, '135', '0'], // 100 + 25 + 10
    ['137', { denominations: [n('100'), n('25'), n('10')] }, '135', '2'], // the rest is carried
    ['9', { denominations: [n('10')] }, '0', '9'],
  ] as [string, Partial<CompiledPot>, string, string][])('balance %s with %o → paid %s, carried %s', (balance, options, paid, carried) => {
    const r = settleBalance(pot('money', options), n(balance), 'EUR');
    expect([t(r.paid), t(r.carried)]).toEqual([paid, carried]);
  });

  it('notes the cards and flags a payment above the approval threshold', () => {
    const r = settleBalance(pot('money', { denominations: [n('100'), n('25')], approval: n('120') }), n('130'), 'EUR');
    expect(r.cards).toEqual([
      { denomination: n('100'), count: 1 },
      { denomination: n('25'), count: 1 },
    ]);
    expect(r.approval).toBe(true);
    expect(r.notes).toEqual(['paid as 1 × 100.00 EUR + 1 × 25.00 EUR', '5.00 EUR is less than the smallest card that fits: carried', 'payment above 120.00 EUR: needs approval']);
  });

  it('points are whole', () => {
    const r = settleBalance(pot('points', { minimum: n('100') }), n('99'), 'EUR');
    expect(r.notes).toEqual(['balance 99 points is below the minimum 100 points: carried to the next period']);
  });
});
