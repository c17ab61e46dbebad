/** Settlement of a pot (spec §9 steps 4–6) as pure functions, table by table. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as N from '../../runtime/num.js';
import type { CompiledPot } from '../../runtime/plan.js';
import type { Adjustment } from '../../runtime/results.js';
import { applyBudget, applyFirstCome, applyPotCap, byServiceOrder, claimsOf, serveInOrder, settleBalance, shareBudget, type OrderedAward } from '../../runtime/settle.js';

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

describe('step 5 (§12.5): a budget served first come first served', () => {
  it.each([
    // a partner's awards in order, its earnings after caps and rounding (cents) → its claims (cents)
    [['10', '20', '30'], 6000n, [1000n, 2000n, 3000n]], // all in full
    [['10', '20', '30'], 4500n, [1000n, 2000n, 1500n]], // a cap of 45.00 cuts the latest award
    [['10', '-5', '20'], 2500n, [1000n, 0n, 1500n]], // a clawback of 5.00 is taken from the latest award (25.00 net)
    [['0.333', '0.333', '0.334'], 100n, [33n, 33n, 34n]], // floors of the running sum 0.333, 0.666, and the rest: 1.00
    [['0.005'], 1n, [1n]], // a total rounded up (ceiling): the last award claims the unit
    [['-3', '-4'], 0n, [0n, 0n]], // nothing to claim
    [['5'], 0n, [0n]],
  ] as const)('awards %o, earnings %s → claims %o', (amounts, units, claims) => {
    expect(claimsOf(amounts.map(n), units, 2)).toEqual(claims);
  });

  it.each([
    // claims in order, budget → what each is paid
    [[1000n, 2500n, 1250n], 3000n, [1000n, 2000n, 0n]], // the second crosses the budget and is paid in part; the third gets nothing
    [[1000n, 2000n], 3000n, [1000n, 2000n]], // exactly the budget
    [[0n, 500n], 100n, [0n, 100n]],
    [[700n], 0n, [0n]],
  ] as const)('claims %o within %s → %o', (claims, budget, paid) => {
    expect(serveInOrder(claims, budget)).toEqual(paid);
  });

  it('serves at most the budget, never more than claimed, and in order (a claim is cut only when all later ones get nothing)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { maxLength: 30 }), fc.bigInt({ min: 0n, max: 10n ** 10n }), (claims, budget) => {
        const paid = serveInOrder(claims, budget);
        const sum = paid.reduce((s, x) => s + x, 0n);
        const asked = claims.reduce((s, x) => s + x, 0n);
        expect(sum).toBe(asked < budget ? asked : budget);
        const cut = paid.findIndex((p, i) => p < claims[i]!);
        if (cut >= 0) for (let i = cut + 1; i < claims.length; i++) expect(paid[i]).toBe(0n);
      }),
    );
  });

  const award = (partner: string, date: string, id: string, amount: string, rule = 0, group: 0 | 1 = 0): OrderedAward => ({
    partner, group, date, id, kind: id ? 'sale' : '', rule, amount: n(amount), label: id ? `sale ${id} (${date})` : `rule ${rule}`,
  });

  it('the order: event awards by date and id, then partner-level awards by rule and partner', () => {
    const xs = [award('P2', '2026-03-31', '', '5', 1, 1), award('P1', '2026-03-31', '', '5', 0, 1), award('P1', '2026-02-01', 'S9', '5'), award('P2', '2026-02-01', 'S10', '5'), award('P3', '2026-01-15', 'S5', '5')];
    expect([...xs].sort(byServiceOrder).map((a) => `${a.partner}:${a.id || `rule ${a.rule}`}`)).toEqual(['P3:S5', 'P2:S10', 'P1:S9', 'P1:rule 0', 'P2:rule 1']); // "S10" < "S9" as text
  });

  it('applyFirstCome: after caps, the awards served in order; the one that crosses is paid in part, later ones nothing, each named in its partner\'s adjustment', () => {
    // Budget 60.00. In order: P2 S1 20 (left 40), P1 S2 30 (left 10), P2 S3 25 → 10 paid in part, P1 S4 15 → nothing.
    // P1 earned 45 (capped at 40 before the budget: its latest award S4 claims only 10), P2 45.
    const after = new Map([
      ['P1', n('40')],
      ['P2', n('45')],
      ['P3', n('-5')],
    ]);
    const adjustments = new Map<string, Adjustment[]>([...after.keys()].map((k) => [k, []]));
    const awards = [award('P1', '2026-01-02', 'S2', '30'), award('P2', '2026-01-01', 'S1', '20'), award('P2', '2026-01-03', 'S3', '25'), award('P1', '2026-01-04', 'S4', '15'), award('P3', '2026-01-05', 'S5', '-5')];
    const used = applyFirstCome(pot('money', { budget: n('60') }), after, adjustments, awards, 'EUR');
    expect(t(used)).toBe('60');
    expect([...after].map(([k, v]) => `${k} ${t(v)}`)).toEqual(['P1 30', 'P2 30', 'P3 -5']);
    expect(adjustments.get('P1')!.map((j) => [j.kind, t(j.amount), j.note])).toEqual([
      ['budget', '-10', 'budget 60.00 EUR served first come first served, and spent before every award was paid: sale S4 (2026-01-04) nothing → 30.00 EUR of 40.00 EUR'],
    ]);
    expect(adjustments.get('P2')!.map((j) => [t(j.amount), j.note])).toEqual([
      ['-15', 'budget 60.00 EUR served first come first served, and spent before every award was paid: sale S3 (2026-01-03) 10.00 EUR of 25.00 EUR → 30.00 EUR of 45.00 EUR'],
    ]);
    expect(adjustments.get('P3')).toEqual([]);
  });

  it('applyFirstCome: earnings within the budget are not touched', () => {
    const after = new Map([['P1', n('40')]]);
    const adjustments = new Map<string, Adjustment[]>([['P1', []]]);
    expect(t(applyFirstCome(pot('money', { budget: n('60') }), after, adjustments, [award('P1', '2026-01-02', 'S2', '40')], 'EUR'))).toBe('40');
    expect(adjustments.get('P1')).toEqual([]);
  });

  it('pays exactly the budget when exceeded, never more than a partner earned, whatever the awards', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('P1', 'P2', 'P3'), fc.integer({ min: 1, max: 28 }), fc.integer({ min: -500, max: 5000 })), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 10000 }),
        (rows, budgetCents) => {
          const awards = rows.map(([p, d, c], i) => award(p, `2026-01-${String(d).padStart(2, '0')}`, `S${i}`, (c / 100).toFixed(2)));
          const after = new Map<string, N.Num>();
          for (const a of awards) after.set(a.partner, N.add(after.get(a.partner) ?? N.ZERO, a.amount));
          const before = new Map(after);
          const adjustments = new Map<string, Adjustment[]>([...after.keys()].map((k) => [k, []]));
          const budget = n((budgetCents / 100).toFixed(2));
          const used = applyFirstCome(pot('money', { budget }), after, adjustments, awards, 'EUR');
          const positive = [...before.values()].filter((v) => N.sign(v) > 0).reduce((s, v) => N.add(s, v), N.ZERO as N.Num);
          expect(t(used)).toBe(t(N.cmp(positive, budget) > 0 ? budget : positive));
          for (const [pid, v] of after) {
            expect(N.cmp(v, N.sign(before.get(pid)!) > 0 ? before.get(pid)! : v) <= 0).toBe(true);
            if (N.sign(before.get(pid)!) <= 0) expect(t(v)).toBe(t(before.get(pid)!));
          }
        },
      ),
    );
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
