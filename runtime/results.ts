/** What a run produces, per period: every partner's statement (tiers, values, pots, awards with traces, explanations), the totals and the cost (spec §9 step 7). */
import type { ValueKind } from './artifact.js';
import type { EventRow, Value } from './compile-ir.js';
import type { Num } from './num.js';
import type { LedgerFigures } from './ledger/ledger.js';
import type { HoldFigures } from './ledger/holds.js';
import type { DrawFigures } from './ledger/draws.js';
import type { DrawOutcome } from './ledger/random-rule.js';

export interface PartnerRow {
  id: string;
  attrs: Record<string, Value>;
}

/** Validated input: partners and events by kind, values already typed (numbers and money as `Num`). */
export interface Dataset {
  partners: PartnerRow[];
  events: Record<string, EventRow[]>;
  /** How many input records were rejected (reported in statements). */
  rejected?: number;
}

export interface Adjustment {
  kind: 'cap' | 'yearly cap' | 'budget';
  amount: Num;
  note: string;
}

export interface PotResult {
  earned: Num;
  adjustments: Adjustment[];
  carriedIn: Num;
  paid: Num;
  carried: Num;
  approval: boolean;
  /** Giftcard: the cards paid, largest first. */
  cards?: { denomination: Num; count: number }[];
  notes: string[];
  /** §13.1: a pot that keeps lots — its lots, balance, redeemed, expired and expiring figures. */
  ledger?: LedgerFigures;
  /** §13.2: a pot that holds — what is pending, what became available, what was cancelled. */
  hold?: HoldFigures;
  /** §13.3: a pot with a draw — its top-up, recovery, forgiveness and outstanding debt. */
  draw?: DrawFigures;
}

export interface AwardResult {
  rule: string;
  pot: string;
  amount: Num;
  /**
   * What the award was made of (spec §11), made when first read. A getter of the award's class:
   * `JSON.stringify(award)` writes it (`toJSON`); a spread (`{ ...award }`) or a structured clone
   * does not copy it — read it (`award.trace`) to copy it.
   */
  readonly trace: string;
}

export interface PartnerResult {
  id: string;
  tiers: Record<string, string>;
  /**
   * The partner's measures and lets in the period, by name, made when first read. A getter of the
   * statement's class, as `AwardResult.trace` is: `JSON.stringify` writes it (`toJSON`); a spread
   * (`{ ...statement }`) or a structured clone does not copy it — read it to copy it.
   */
  readonly values: Record<string, { value: Value; u: ValueKind }>;
  pots: Record<string, PotResult>;
  awards: AwardResult[];
  /** Why each rule that gave this partner nothing did not fire (filled when the run was asked to explain). */
  unfired: { rule: string; why: string }[];
  /** Tiers held up by `down at most N` (§12.3), by tier: why the level is what it is. */
  held?: Record<string, string>;
}

export interface PeriodResult {
  period: string;
  partners: PartnerResult[];
  totals: Record<string, { earned: Num; paid: Num; carried: Num; budget?: Num; budgetUsed?: Num }>;
  cost: Num;
  rejected: number;
  /** §13.5: what each `for random` rule drew in the period. */
  draws?: DrawOutcome[];
}
