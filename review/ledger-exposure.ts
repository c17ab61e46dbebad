/**
 * Exposure (§14.3) of the ledger's pots (§13): what holds and draws change in what a pot can pay.
 * - A pot that holds (§13.2) pays a period's earnings in a later period, together with that
 *   period's own: one payment may gather the earnings of as many periods as the hold spans (a
 *   30-day hold of a monthly program: two periods; of a quarterly one: two as well, 30 days
 *   reaching into the next quarter at most). What is paid per partner and per period is bounded
 *   by that many periods' earnings; over the program, payments still never exceed earnings.
 * - A draw (§13.3) pays every partner for whom it applies at least its amount, outside the budget:
 *   a partner's payment is at least the draw's upper bound, and what all partners are paid in a
 *   period depends on how many partners there are — unbounded by the program.
 * Lots and redemptions (§13.1) pay nothing more than what is credited. Browser-safe.
 */
import { Dec } from '../core/decimal.js';
import type { Artifact, IR, PotSpec } from '../runtime/artifact.js';
import * as I from './interval.js';

/** The least number of days in a period of each unit (February; the first quarter and half of a common year). */
const MIN_DAYS = { month: 28, quarter: 90, half: 181, year: 365 } as const;
const MONTHS = { month: 1, quarter: 3, half: 6, year: 12 } as const;

/** How many periods' earnings one period's payment can gather under a hold: its own and those of the periods a hold reaches back over. */
export function holdSpan(unit: Artifact['program']['period'], hold: NonNullable<PotSpec['hold']>): number {
  return 1 + Math.ceil(hold.count / (hold.unit === 'days' ? MIN_DAYS[unit] : MONTHS[unit]));
}

export interface LedgerBounds {
  paid: Dec;
  perPeriod: Dec;
  /** Why the period's payments are not bounded, when a draw makes them so. */
  why?: string;
}

/**
 * A pot's payment bounds with its hold and draw: `paid` (one partner, one period) and `perPeriod`
 * (all partners) before them; `hi(ir)` is the upper bound of a partner-level amount.
 */
export function ledgerBounds(a: Artifact, pot: PotSpec, paid: Dec, perPeriod: Dec, hi: (ir: IR) => Dec): LedgerBounds {
  let p = paid;
  let all = perPeriod;
  if (pot.hold) {
    const k = holdSpan(a.program.period, pot.hold);
    p = p.times(k);
    all = all.times(k);
  }
  if (!pot.draw) return { paid: p, perPeriod: all };
  const draw = hi(pot.draw.amount);
  p = draw.isFinite() ? Dec.max(p, draw) : I.INF;
  return { paid: p, perPeriod: I.INF, why: `its draw pays each partner at least ${draw.isFinite() ? draw.toString() : 'its amount'} in a period, beyond any budget: what all partners are paid depends on how many there are` };
}
