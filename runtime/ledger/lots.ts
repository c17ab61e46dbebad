/**
 * Lots (§13.1): what a pot with lots credits a partner in a period forms a lot dated by that
 * period; redemptions take from the oldest lots first (FIFO); a lot still holding something at
 * the end of its expiry period is removed. Pure bookkeeping in exact decimals, per pot and
 * partner; the order of evaluation is the caller's (`ledger.ts`).
 */
import * as N from '../num.js';
import type { Num } from '../num.js';
import { civilFromDay, dayFromCivil, formatPeriod, lastDay, periodOf, shiftPeriod, type Period } from '../../core/periods.js';

export interface Lot {
  /** The period that credited it (`2026-01`). */
  period: string;
  /** The period at whose end what is left of it is removed; absent: it never expires. */
  expires?: string;
  /** What is left of it (above zero while it is kept). */
  remaining: Num;
}

/** What a redemption took, lot by lot, oldest first. */
export interface Taken {
  period: string;
  amount: Num;
}

/**
 * The period at whose end a lot credited in `p` expires: `N periods` — the period N after p;
 * `N months` — the period containing the month N months after p's last month (so a lot always
 * outlives the period that credited it: a year's lot with `expire after 6 months` expires at the
 * end of the next year, which holds June of the next year).
 */
export function expiryPeriod(p: Period, count: number, unit: 'months' | 'periods'): Period {
  if (unit === 'periods') return shiftPeriod(p, count);
  const end = civilFromDay(lastDay(p));
  const m = end.year * 12 + (end.month - 1) + count;
  return periodOf(p.unit, dayFromCivil(Math.floor(m / 12), (m % 12) + 1, 1));
}

/** One pot's lots, by partner, each list oldest first. */
export class LotBook {
  private readonly byPartner = new Map<string, Lot[]>();

  lots(partner: string): readonly Lot[] {
    return this.byPartner.get(partner) ?? [];
  }

  balance(partner: string): Num {
    let b: Num = N.ZERO;
    for (const l of this.lots(partner)) b = N.add(b, l.remaining);
    return b;
  }

  /** Adds a lot (an amount above zero; nothing otherwise). Lots are credited in period order, so the list stays oldest first. */
  credit(partner: string, period: Period, amount: Num, expire?: { count: number; unit: 'months' | 'periods' }): void {
    if (N.sign(amount) <= 0) return;
    const { text, expires } = this.dated(period, expire);
    const lot: Lot = expires === undefined ? { period: text, remaining: amount } : { period: text, remaining: amount, expires };
    const list = this.byPartner.get(partner);
    if (list) list.push(lot);
    else this.byPartner.set(partner, [lot]);
  }

  /** A period's text and its lots' expiry, kept for the next call: every partner of a period is credited in turn. */
  private last?: { period: Period; expire: { count: number; unit: 'months' | 'periods' } | undefined; text: string; expires: string | undefined };

  private dated(period: Period, expire: { count: number; unit: 'months' | 'periods' } | undefined): { text: string; expires: string | undefined } {
    const last = this.last;
    if (last && last.period === period && last.expire === expire) return last;
    const text = formatPeriod(period);
    const expires = expire ? formatPeriod(expiryPeriod(period, expire.count, expire.unit)) : undefined;
    this.last = { period, expire, text, expires };
    return this.last;
  }

  /**
   * Takes `amount` (zero or more) from the oldest lots first; undefined, and nothing taken, when it
   * is above the balance — a redemption is never applied in part.
   */
  redeem(partner: string, amount: Num): Taken[] | undefined {
    if (N.cmp(amount, this.balance(partner)) > 0) return undefined;
    const list = this.byPartner.get(partner) ?? [];
    const taken: Taken[] = [];
    let left = amount;
    while (N.sign(left) > 0) {
      const lot = list[0]!;
      const take = N.cmp(lot.remaining, left) <= 0 ? lot.remaining : left;
      taken.push({ period: lot.period, amount: take });
      lot.remaining = N.sub(lot.remaining, take);
      left = N.sub(left, take);
      if (N.isZero(lot.remaining)) list.shift();
    }
    return taken;
  }

  /** Removes the lots that expire at the end of `period` (periods of one run sort as text), returning what each still held. */
  expire(partner: string, period: string): Taken[] {
    const list = this.byPartner.get(partner);
    if (!list) return [];
    const gone: Taken[] = [];
    const kept: Lot[] = [];
    for (const l of list) {
      if (l.expires !== undefined && l.expires <= period) gone.push({ period: l.period, amount: l.remaining });
      else kept.push(l);
    }
    if (gone.length) this.byPartner.set(partner, kept);
    return gone;
  }

  /** What expires at the end of `period` of the lots kept now. */
  expiringAt(partner: string, period: string): Num {
    let s: Num = N.ZERO;
    for (const l of this.lots(partner)) if (l.expires === period) s = N.add(s, l.remaining);
    return s;
  }
}
