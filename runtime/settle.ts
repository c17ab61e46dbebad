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
  if (pot.spec.cap!.per === 'year') {
    const used = yearUsed();
    const left = N.sub(pot.cap, used);
    const room = N.sign(left) > 0 ? left : N.ZERO;
    if (N.cmp(earned, room) <= 0) return { after: earned };
    return { after: room, adjustment: { kind: 'yearly cap', amount: N.sub(room, earned), note: `yearly cap ${potText(pot.cap, pot, currency)}: ${potText(used, pot, currency)} already earned in ${year}, ${potText(room, pot, currency)} left` } };
  }
  if (N.cmp(earned, pot.cap) <= 0) return { after: earned };
  return { after: pot.cap, adjustment: { kind: 'cap', amount: N.sub(pot.cap, earned), note: capNote(pot, currency) } };
}

/** A pot's cap note, the same for every partner it caps: made once per pot (and currency). */
const capNotes = new WeakMap<CompiledPot, { currency: string; note: string }>();
function capNote(pot: CompiledPot, currency: string): string {
  const known = capNotes.get(pot);
  if (known?.currency === currency) return known.note;
  const note = `pot cap ${potText(pot.cap!, pot, currency)} per partner per period`;
  capNotes.set(pot, { currency, note });
  return note;
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
  // the usual case (a balance of zero or more, no minimum, no cards, no approval): paid as it is
  if (!pot.minimum && !pot.denominations && pot.approval === undefined && N.sign(balance) >= 0) return { paid: balance, carried: N.ZERO, approval: false, notes: [] };
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

// ---------------------------------------------------------------------------------------------
// §12.5: budgets served first come first served

/**
 * A partner's claims on a first-come budget, in whole units, one per award in the order served:
 * its earnings after the rule caps, the rule totals' rounding and the pot cap (`units`, above zero)
 * are shared among its awards so that its earliest awards claim first — each positive award
 * claims what the running exact sum of the positive awards reaches, rounded down to a unit and
 * never beyond `units`, and the last positive award claims the rest (so that the claims add up to
 * `units` exactly). A clawback, a cap or a rounding down thus takes from the partner's latest
 * awards; an award of zero or less claims nothing. Pure; table-tested.
 */
export function claimsOf(amounts: readonly Num[], units: bigint, digits: number): bigint[] {
  const claims = amounts.map(() => 0n);
  if (units <= 0n) return claims;
  let last = -1;
  for (let i = 0; i < amounts.length; i++) if (N.sign(amounts[i]!) > 0) last = i;
  if (last < 0) {
    // Earnings above zero without a positive award (a total rounded up from nothing): the last award claims them.
    if (claims.length) claims[claims.length - 1] = units;
    return claims;
  }
  const sum = new N.Accumulator();
  let before = 0n;
  for (let i = 0; i <= last; i++) {
    const a = amounts[i]!;
    if (N.sign(a) <= 0) continue;
    sum.add(a);
    let reached = i === last ? units : N.toUnits(N.round(sum.value(), digits, 'floor'), digits);
    if (reached > units) reached = units;
    claims[i] = reached - before;
    before = reached;
  }
  return claims;
}

/**
 * Serves claims in order from a budget (§12.5): each is paid in full while the budget lasts, the
 * one that crosses it in part, the later ones nothing. Returns what each claim is paid; all in
 * whole units. Pure; table-tested.
 */
export function serveInOrder(claims: readonly bigint[], budget: bigint): bigint[] {
  let left = budget;
  return claims.map((c) => {
    const paid = c <= 0n ? 0n : c < left ? c : left > 0n ? left : 0n;
    left -= paid;
    return paid;
  });
}

/** An award to a pot whose budget is served first come first served, with its place in the order. */
export interface OrderedAward {
  partner: string;
  /** Event awards first (0), then partner-level awards (1, dated the period's last day). */
  group: 0 | 1;
  date: string;
  /** The event's id ('' for a partner-level award). */
  id: string;
  /** The event's kind ('' for a partner-level award), which settles a tie of two kinds' ids. */
  kind: string;
  /** The rule's position in the file. */
  rule: number;
  amount: Num;
  /** How a statement names it: `sale S1 (2026-03-02)`, `rule "Volume bonus"`. */
  label: string;
}

/**
 * The order of §12.5: event awards by (date, event id), then partner-level awards by rule order
 * and partner id; ties (one event awarded by two rules, two kinds' events with one id and date)
 * by kind, rule order, then partner id. Ids and kinds compare as text (UTF-16 code units).
 */
export function byServiceOrder(x: OrderedAward, y: OrderedAward): number {
  const t = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return x.group - y.group || t(x.date, y.date) || t(x.id, y.id) || t(x.kind, y.kind) || x.rule - y.rule || t(x.partner, y.partner);
}

/**
 * Step 5 for a budget served first come first served (§12.5): when the positive earnings after
 * caps exceed the budget, every award is served in order (`awards`, any order: they are sorted
 * here) from the partners' claims (`claimsOf`), and each partner's earnings become what its
 * awards were paid — an adjustment names the awards paid in part or not at all. Returns what the
 * pot uses of its budget. Runs after the pot caps, as pro rata does.
 */
export function applyFirstCome(pot: CompiledPot, after: Map<string, Num>, adjustments: Map<string, Adjustment[]>, awards: readonly OrderedAward[], currency: string): Num {
  const budget = N.toUnits(pot.budget!, pot.digits);
  const units = new Map<string, bigint>();
  let total = 0n;
  for (const [pid, e] of after) {
    if (N.sign(e) <= 0) continue;
    const u = N.toUnits(e, pot.digits);
    units.set(pid, u);
    total += u;
  }
  if (total > budget) {
    const ordered = [...awards].filter((a) => units.has(a.partner)).sort(byServiceOrder);
    // Each partner's claims, in its awards' order.
    const byPartner = new Map<string, number[]>();
    ordered.forEach((a, i) => {
      const list = byPartner.get(a.partner);
      if (list) list.push(i);
      else byPartner.set(a.partner, [i]);
    });
    const claims: bigint[] = ordered.map(() => 0n);
    for (const [pid, idx] of byPartner) {
      const c = claimsOf(
        idx.map((i) => ordered[i]!.amount),
        units.get(pid)!,
        pot.digits,
      );
      idx.forEach((i, k) => (claims[i] = c[k]!));
    }
    // A partner with earnings but no award listed (not expected) claims them after every award.
    const unlisted = [...units.keys()].filter((pid) => !byPartner.has(pid)).sort();
    const paid = serveInOrder([...claims, ...unlisted.map((pid) => units.get(pid)!)], budget);
    const served = new Map<string, bigint>();
    const cut = new Map<string, string[]>();
    const fmt = (v: Num) => potText(v, pot, currency);
    ordered.forEach((a, i) => {
      served.set(a.partner, (served.get(a.partner) ?? 0n) + paid[i]!);
      if (paid[i]! < claims[i]!) {
        const list = cut.get(a.partner) ?? [];
        list.push(paid[i]! === 0n ? `${a.label} nothing` : `${a.label} ${fmt(N.fromUnits(paid[i]!, pot.digits))} of ${fmt(N.fromUnits(claims[i]!, pot.digits))}`);
        cut.set(a.partner, list);
      }
    });
    unlisted.forEach((pid, k) => {
      served.set(pid, paid[ordered.length + k]!);
      if (paid[ordered.length + k]! < units.get(pid)!) cut.set(pid, [`its earnings ${fmt(N.fromUnits(paid[ordered.length + k]!, pot.digits))} of ${fmt(N.fromUnits(units.get(pid)!, pot.digits))}`]);
    });
    for (const [pid, u] of units) {
      const now = N.fromUnits(served.get(pid) ?? 0n, pot.digits);
      const before = after.get(pid)!;
      const reduction = N.sub(now, before);
      if (!N.isZero(reduction)) {
        const items = cut.get(pid) ?? [];
        const shown = items.length > 5 ? [...items.slice(0, 5), `and ${items.length - 5} more`] : items;
        adjustments.get(pid)!.push({
          kind: 'budget',
          amount: reduction,
          note: `budget ${fmt(pot.budget!)} served first come first served, and spent before every award was paid: ${shown.join('; ')} → ${fmt(now)} of ${fmt(N.fromUnits(u, pot.digits))}`,
        });
      }
      after.set(pid, now);
    }
  }
  let used: Num = N.ZERO;
  for (const e of after.values()) if (N.sign(e) > 0) used = N.add(used, e);
  return used;
}
