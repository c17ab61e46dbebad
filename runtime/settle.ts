/**
 * Settlement of a pot in one period (spec §9 steps 4–6): the pot cap (per period or per year),
 * the budget shared pro rata in whole units (exact largest remainders), and the balance —
 * carried in plus earnings after adjustments — paid, carried, or paid as gift cards. Pure
 * functions of their arguments: the evaluator keeps the state they read and write.
 */
import * as N from './num.js';
import type { Num } from './num.js';
import type { CompiledPot } from './plan.js';
import type { Adjustment } from './results.js';
import { potText } from './text.js';

/**
 * Step 4: a partner's earnings in a pot after the pot's cap. `yearUsed` is what the partner has
 * already earned in the pot this calendar year (read only for a yearly cap).
 */
export function applyPotCap(pot: CompiledPot, earned: Num, year: number, yearUsed: () => Num, currency: string): { after: Num; adjustment?: Adjustment } {
  if (!pot.cap || N.sign(earned) <= 0) return { after: earned };
  const fmt = (v: Num) => potText(v, pot, currency);
  if (pot.spec.cap!.per === 'year') {
    const used = yearUsed();
    const left = N.sub(pot.cap, used);
    const room = N.sign(left) > 0 ? left : N.ZERO;
    if (N.cmp(earned, room) <= 0) return { after: earned };
    return { after: room, adjustment: { kind: 'yearly cap', amount: N.sub(room, earned), note: `yearly cap ${fmt(pot.cap)}: ${fmt(used)} already earned in ${year}, ${fmt(room)} left` } };
  }
  if (N.cmp(earned, pot.cap) <= 0) return { after: earned };
  return { after: pot.cap, adjustment: { kind: 'cap', amount: N.sub(pot.cap, earned), note: `pot cap ${fmt(pot.cap)} per partner per period` } };
}

/**
 * Step 5's arithmetic: when the positive earnings (in whole units, by partner) exceed the
 * budget, each gets ⌊e × budget ÷ Σe⌋ units and the units left over go one each to the largest
 * remainders (ties: partner id ascending), so that the shares add up to the budget exactly.
 * Undefined when the earnings fit in the budget.
 */
export function shareBudget(units: ReadonlyMap<string, bigint>, budget: bigint): Map<string, bigint> | undefined {
  let sum = 0n;
  for (const u of units.values()) sum += u;
  if (sum <= budget) return undefined;
  const shares: { pid: string; share: bigint; rem: bigint }[] = [];
  let given = 0n;
  for (const [pid, u] of units) {
    const share = (u * budget) / sum;
    shares.push({ pid, share, rem: (u * budget) % sum });
    given += share;
  }
  let left = budget - given;
  shares.sort((x, y) => (x.rem > y.rem ? -1 : x.rem < y.rem ? 1 : x.pid < y.pid ? -1 : x.pid > y.pid ? 1 : 0));
  for (const s of shares) {
    if (left <= 0n) break;
    s.share += 1n;
    left -= 1n;
  }
  return new Map(shares.map((s) => [s.pid, s.share]));
}

/**
 * Step 5: the pot's budget over every partner's earnings after caps (`after`, updated in place;
 * each reduction is an adjustment). Returns what the pot uses of its budget.
 */
export function applyBudget(pot: CompiledPot, after: Map<string, Num>, adjustments: Map<string, Adjustment[]>, currency: string): Num {
  const budget = pot.budget!;
  const units = new Map<string, bigint>();
  for (const [pid, e] of after) if (N.sign(e) > 0) units.set(pid, N.toUnits(e, pot.digits));
  const shares = shareBudget(units, N.toUnits(budget, pot.digits));
  if (shares) {
    const fmt = (v: Num) => potText(v, pot, currency);
    let sum = 0n;
    for (const u of units.values()) sum += u;
    for (const [pid, share] of shares) {
      const before = after.get(pid)!;
      const now = N.fromUnits(share, pot.digits);
      const reduction = N.sub(now, before);
      if (!N.isZero(reduction)) {
        adjustments.get(pid)!.push({
          kind: 'budget',
          amount: reduction,
          note: `budget ${fmt(budget)} shared pro rata: ${fmt(before)} × ${fmt(budget)} ÷ ${fmt(N.fromUnits(sum, pot.digits))} → ${fmt(now)}`,
        });
      }
      after.set(pid, now);
    }
  }
  let used: Num = N.ZERO;
  for (const e of after.values()) if (N.sign(e) > 0) used = N.add(used, e);
  return used;
}

export interface Payment {
  paid: Num;
  carried: Num;
  approval: boolean;
  /** Giftcard: the cards paid, largest first. */
  cards?: { denomination: Num; count: number }[];
  notes: string[];
}

/**
 * Step 6: what is paid of a balance (carried in + earnings after adjustments), and what is
 * carried: a debt or a balance under the minimum is carried whole; gift cards are paid largest
 * first while they fit and the rest is carried; otherwise the whole balance is paid.
 */
export function settleBalance(pot: CompiledPot, balance: Num, currency: string): Payment {
  const fmt = (v: Num) => potText(v, pot, currency);
  const notes: string[] = [];
  let paid: Num = N.ZERO;
  let carried: Num = balance;
  let cards: { denomination: Num; count: number }[] | undefined;
  if (N.sign(balance) < 0) {
    notes.push(`balance ${fmt(balance)} is negative: nothing is paid and the debt is carried`);
  } else if (pot.minimum && N.cmp(balance, pot.minimum) < 0) {
    if (N.sign(balance) > 0) notes.push(`balance ${fmt(balance)} is below the minimum ${fmt(pot.minimum)}: carried to the next period`);
  } else if (pot.denominations) {
    let rest = balance;
    cards = [];
    for (const d of pot.denominations) {
      if (N.sign(d) <= 0) continue;
      const count = N.floor(N.div(rest, d)) as N.Fixed | Num;
      const k = Number(N.toText(count)); // allow-number: a card count, an exact small integer
      if (k > 0) {
        cards.push({ denomination: d, count: k });
        rest = N.sub(rest, N.mul(d, count));
      }
    }
    paid = N.sub(balance, rest);
    carried = rest;
    if (cards.length) notes.push(`paid as ${cards.map((c) => `${c.count} × ${fmt(c.denomination)}`).join(' + ')}`);
    if (N.sign(rest) > 0) notes.push(`${fmt(rest)} is less than the smallest card that fits: carried`);
  } else {
    paid = balance;
    carried = N.ZERO;
  }
  const approval = pot.approval !== undefined && N.cmp(paid, pot.approval) > 0;
  if (approval) notes.push(`payment above ${fmt(pot.approval!)}: needs approval`);
  return { paid, carried, approval, ...(cards ? { cards } : {}), notes };
}
