/**
 * Holds (§13.2): a pot with `hold N days|months` does not put a partner's earnings of a period in
 * its balance at once. Each award's share of the earnings (after §9's caps, rounding and budget)
 * is **pending** until its event's date + N, then **available**: it enters the balance in the
 * period containing that date. A clawback from an event whose `ref` field names an event whose
 * award is still pending (on the clawback's date) cancels that pending amount first; the rest of
 * it is an ordinary clawback (§9 step 6). In each period, for each partner and held pot:
 * 1. cancellations: the period's negative awards, in (date, id) order, each rounded to the pot's
 *    unit with its rounding mode and then through its event's `ref` fields (in their order),
 *    cancel what is pending of the named events' awards and still pending on the clawback's date;
 *    what is cancelled is added back to the period's earnings, since the clawback is taken from
 *    the pending amount instead;
 * 2. the earnings so corrected, when above zero, are shared among the period's awards earliest
 *    first (`claimsOf`, as a first-come budget shares them: a cap or a clawback takes from the
 *    latest awards); each award's share is pending until its event's date + N (a partner-level
 *    award: the period's last day + N), or available now when that date is in the period; when
 *    zero or below, they enter the balance as they are (a debt);
 * 3. what earlier periods held and is due by the end of the period becomes available.
 * Pure bookkeeping in whole units of the pot; the order is the caller's (`ledger.ts`).
 */
import * as N from '../num.js';
import type { Num } from '../num.js';
import { civilFromDay, dayFromCivil, daysInMonth, formatDate, toDay } from '../../core/periods.js';
import { claimsOf } from '../settle.js';
import type { RoundingMode } from '../../core/money.js';

/** An award of a period to a held pot, with what `ref` fields of its event name (`kind\0id`). */
export interface HeldAward {
  /** Its event's kind and id (`''` for a partner-level award). */
  kind: string;
  id: string;
  /** Its event's date; for a partner-level award, the period's last day. */
  date: string;
  rule: number;
  amount: Num;
  refs?: readonly string[];
}

interface Pending {
  /** `kind\0id` of the event whose award this is ('' for a partner-level award). */
  key: string;
  label: string;
  /** The day it becomes available. */
  release: string;
  amount: Num;
}

/** A held pot's figures for a partner in a period (`PotResult.hold`). */
export interface HoldFigures {
  /** What the period's awards claim of its earnings (after caps and budgets, and the cancellations added back): held, or available at once. */
  awarded: Num;
  /** What enters the balance this period from what was held (this period's awards with no wait left, and earlier ones now due). */
  available: Num;
  /** What clawbacks of the period cancelled of pending amounts. */
  cancelled: Num;
  /** What is still pending at the end of the period. */
  pending: Num;
  /** The pending amounts by the day they become available, earliest first. */
  releases: { on: string; amount: Num }[];
}

/** D + N days, or D + N months (the day clamped to the month's last: 2026-01-31 + 1 month = 2026-02-28). */
export function releaseDate(date: string, count: number, unit: 'days' | 'months'): string {
  if (unit === 'days') return formatDate(toDay(date) + count);
  const c = civilFromDay(toDay(date));
  const m = c.year * 12 + (c.month - 1) + count;
  const year = Math.floor(m / 12);
  const month = (m % 12) + 1;
  return formatDate(dayFromCivil(year, month, Math.min(c.day, daysInMonth(year, month))));
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One held pot's pending amounts, by partner. */
export class HoldBook {
  private readonly byPartner = new Map<string, Pending[]>();

  constructor(
    private readonly hold: { count: number; unit: 'days' | 'months' },
    private readonly digits: number,
    private readonly rounding: RoundingMode,
  ) {}

  pending(partner: string): readonly Pending[] {
    return this.byPartner.get(partner) ?? [];
  }

  /**
   * The steps of the file's comment for one partner in the period `from`..`to`: `earnings` after
   * §9's adjustments, `awards` the period's awards to the pot. Returns what enters the balance
   * this period and the figures; `notes` gets the lines an explanation shows.
   */
  settle(partner: string, to: string, earnings: Num, awards: readonly HeldAward[], notes: string[], fmt: (v: Num) => string): { enters: Num; figures: HoldFigures } {
    let list = this.byPartner.get(partner) ?? [];
    const ordered = [...awards].sort((x, y) => cmpText(x.date, y.date) || cmpText(x.id, y.id) || cmpText(x.kind, y.kind) || x.rule - y.rule);
    // 1. Cancellations through `ref` fields.
    let cancelled: Num = N.ZERO;
    for (const aw of ordered) {
      if (N.sign(aw.amount) >= 0 || !aw.refs) continue;
      // In whole units of the pot (its rounding mode), as the period's earnings are: what is cancelled is added back to them.
      let left = N.round(N.neg(aw.amount), this.digits, this.rounding);
      for (const key of aw.refs) {
        for (const p of list) {
          if (N.sign(left) <= 0) break;
          if (p.key !== key || !(aw.date < p.release) || N.sign(p.amount) <= 0) continue;
          const c = N.cmp(p.amount, left) <= 0 ? p.amount : left;
          p.amount = N.sub(p.amount, c);
          left = N.sub(left, c);
          cancelled = N.add(cancelled, c);
          notes.push(`${aw.kind} ${aw.id} (${aw.date}) cancels ${fmt(c)} pending of ${p.label}, which was held until ${p.release}`);
        }
      }
    }
    list = list.filter((p) => N.sign(p.amount) > 0);
    // 2. This period's earnings, shared among its awards earliest first.
    const corrected = N.add(earnings, cancelled);
    let available: Num = N.ZERO;
    let enters: Num = N.ZERO;
    let awarded: Num = N.ZERO;
    if (N.sign(corrected) > 0) {
      awarded = corrected;
      const units = N.toUnits(N.round(corrected, this.digits, 'down'), this.digits);
      const claims = claimsOf(
        ordered.map((a) => a.amount),
        units,
        this.digits,
      );
      // A fraction of a unit above whole units (not expected: earnings are rounded) is available at once.
      available = N.sub(corrected, N.fromUnits(units, this.digits));
      ordered.forEach((aw, i) => {
        const share = N.fromUnits(claims[i]!, this.digits);
        if (N.sign(share) <= 0) return;
        const release = releaseDate(aw.date, this.hold.count, this.hold.unit);
        const label = aw.id ? `${aw.kind} ${aw.id} (${aw.date})` : `the award of ${aw.date}`;
        if (release <= to) {
          available = N.add(available, share);
          notes.push(`${fmt(share)} of ${label} was held until ${release}: available`);
        } else {
          list.push({ key: aw.id ? `${aw.kind}\u0000${aw.id}` : '', label, release, amount: share });
          notes.push(`${fmt(share)} of ${label} is pending until ${release}`);
        }
      });
      if (ordered.length === 0) available = corrected;
    } else enters = corrected;
    // 3. What earlier periods held and is now due.
    const kept: Pending[] = [];
    for (const p of list) {
      if (p.release <= to) {
        available = N.add(available, p.amount);
        notes.push(`${fmt(p.amount)} of ${p.label}, held until ${p.release}, is now available`);
      } else kept.push(p);
    }
    kept.sort((x, y) => cmpText(x.release, y.release));
    this.byPartner.set(partner, kept);
    enters = N.add(enters, available);
    let pending: Num = N.ZERO;
    const releases: { on: string; amount: Num }[] = [];
    for (const p of kept) {
      pending = N.add(pending, p.amount);
      const last = releases[releases.length - 1];
      if (last && last.on === p.release) last.amount = N.add(last.amount, p.amount);
      else releases.push({ on: p.release, amount: p.amount });
    }
    return { enters, figures: { awarded, available, cancelled, pending, releases } };
  }
}
