/**
 * Draws and guarantees (§13.3): a money pot with `draw A per period recoverable|non-recoverable
 * [for N periods from DATE] [where COND]` pays a partner at least A in each period in which the
 * draw applies — the period is in the draw's window (the N periods from the one containing DATE;
 * always, without `for`) and COND holds for the partner. In a period, once §9 step 6 has said what
 * is paid:
 * 1. recovery: a recoverable draw's outstanding debt is taken from the payment above A (never
 *    bringing it below A), whether or not the draw applies in the period;
 * 2. top-up: when the draw applies and the payment is below A, it is raised to A; a recoverable
 *    top-up is added to the partner's draw debt, a non-recoverable one (a guarantee) is not;
 * 3. forgiveness: at the end of the last period of a recoverable draw's window, the debt still
 *    outstanding is forgiven (a draw without `for` never ends: its debt is recovered as long as
 *    the run lasts).
 * A is rounded to the currency's minor unit with the pot's rounding mode. The top-up is paid money
 * (it counts in the program's cost) and is not earned; approval compares the payment after it.
 */
import * as N from '../num.js';
import type { Num } from '../num.js';
import { formatPeriod, periodOf, shiftPeriod, type Period } from '../../core/periods.js';

export interface DrawFigures {
  /** Whether the draw applied in the period. */
  applies: boolean;
  /** What the draw added to the payment. */
  topUp: Num;
  /** What was taken from the payment toward the debt. */
  recovered: Num;
  /** What was forgiven at the end of the window. */
  forgiven: Num;
  /** The draw debt outstanding at the end of the period. */
  debt: Num;
}

/** The period a draw's window ends with: the (N−1)th after the one containing `from`. */
export function drawLastPeriod(unit: Period['unit'], from: string, count: number): { first: string; last: string } {
  const p = periodOf(unit, from);
  return { first: formatPeriod(p), last: formatPeriod(shiftPeriod(p, count - 1)) };
}

/** One pot's draw debts, by partner. */
export class DrawBook {
  private readonly debts = new Map<string, Num>();

  constructor(private readonly recoverable: boolean) {}

  debt(partner: string): Num {
    return this.debts.get(partner) ?? N.ZERO;
  }

  /**
   * The steps of the file's comment for one partner: `paid` what §9 pays, `amount` the draw (A),
   * `applies` whether it applies, `ends` whether the period is the last of its window. Returns the
   * payment after the draw and the figures; `notes` gets the lines an explanation shows.
   */
  settle(partner: string, paid: Num, amount: Num, applies: boolean, ends: boolean, notes: string[], fmt: (v: Num) => string): { paid: Num; figures: DrawFigures } {
    let debt = this.debt(partner);
    let recovered: Num = N.ZERO;
    let topUp: Num = N.ZERO;
    let forgiven: Num = N.ZERO;
    if (N.sign(debt) > 0 && N.cmp(paid, amount) > 0) {
      const above = N.sub(paid, amount);
      recovered = N.cmp(above, debt) <= 0 ? above : debt;
      paid = N.sub(paid, recovered);
      debt = N.sub(debt, recovered);
      notes.push(`draw: ${fmt(recovered)} of the payment above ${fmt(amount)} recovers the draw debt, ${fmt(debt)} still owed`);
    }
    if (applies && N.cmp(paid, amount) < 0) {
      topUp = N.sub(amount, paid);
      paid = amount;
      if (this.recoverable) debt = N.add(debt, topUp);
      notes.push(`draw: ${fmt(topUp)} tops the payment up to ${fmt(amount)}${this.recoverable ? `, a debt recovered from later payments above ${fmt(amount)} (${fmt(debt)} owed)` : ' (a guarantee: not recovered)'}`);
    }
    if (ends && N.sign(debt) > 0) {
      forgiven = debt;
      debt = N.ZERO;
      notes.push(`draw: the draw ends with this period; the ${fmt(forgiven)} still owed is forgiven`);
    }
    if (N.isZero(debt)) this.debts.delete(partner);
    else this.debts.set(partner, debt);
    return { paid, figures: { applies, topUp, recovered, forgiven, debt } };
  }
}
