/** What a run carries from one period to the next: balances, yearly cap use, `once per partner`, and the current period's ranks. */
import * as N from './num.js';
import type { Num } from './num.js';
import type { Ledger } from './ledger/ledger.js';
import type { DrawOutcome } from './ledger/random-rule.js';

export class RunState {
  /** Per rule: the partners a `once per partner` rule has awarded, and the period (text) of that award. */
  readonly onceWhen: Map<string, string>[];
  /** Per rule, for `once per partner and FIELD` (§12.2): per partner, the values awarded and the period of each award. */
  readonly onceKeys: Map<string, Map<string, string>>[];
  readonly ranks: (Map<string, number> | undefined)[];
  readonly rankCount: number[];
  /** For `for top` rules: the partners each partner is tied with in the current period. */
  readonly ties: (Map<string, string[]> | undefined)[];
  /** For `for random` rules (§13.5): what each drew in the current period. */
  readonly drawn: (DrawOutcome | undefined)[];
  /** The lots and redemptions (§13.1), when the program has pots with lots or redemption rules. */
  ledger?: Ledger;
  private readonly carriedBy: Map<string, Num>[];
  private readonly yearly: Map<string, Num>[];

  constructor(rules: number, pots: number) {
    this.onceWhen = Array.from({ length: rules }, () => new Map());
    this.onceKeys = Array.from({ length: rules }, () => new Map());
    this.ranks = Array.from({ length: rules }, () => undefined);
    this.rankCount = Array.from({ length: rules }, () => 0);
    this.ties = Array.from({ length: rules }, () => undefined);
    this.drawn = Array.from({ length: rules }, () => undefined);
    this.carriedBy = Array.from({ length: pots }, () => new Map());
    this.yearly = Array.from({ length: pots }, () => new Map());
  }

  /**
   * The period in which a `once per partner` rule awarded the partner, if that was before
   * `period` (periods of one run are texts of one kind, so they sort as text: `2026-Q1` <
   * `2026-Q4`). Awards of `for each EVENT` rules are settled for the whole run before its first
   * period is finished, so a later period's award is known early: it does not count yet.
   */
  awardedBefore(rule: number, partner: string, period: string): string | undefined {
    const when = this.onceWhen[rule]!.get(partner);
    return when !== undefined && when < period ? when : undefined;
  }

  carried(pot: number, partner: string): Num {
    const by = this.carriedBy[pot]!;
    return by.size === 0 ? N.ZERO : (by.get(partner) ?? N.ZERO);
  }

  setCarried(pot: number, partner: string, v: Num): void {
    // Nothing carried is what `carried` answers for a partner without an entry: no entry is kept
    // (most partners carry nothing; a million entries of zero would only take memory). Any zero
    // (`0.00` as well as `0`): every text and sum of a statement is the same for both.
    const by = this.carriedBy[pot]!;
    if (N.isZero(v)) {
      if (by.size > 0) by.delete(partner);
      return;
    }
    by.set(partner, v);
  }

  yearUsed(pot: number, partner: string, year: number): Num {
    return this.yearly[pot]!.get(`${year}\u0000${partner}`) ?? N.ZERO;
  }

  addYearUsed(pot: number, partner: string, year: number, v: Num): void {
    const k = `${year}\u0000${partner}`;
    this.yearly[pot]!.set(k, N.add(this.yearly[pot]!.get(k) ?? N.ZERO, v));
  }
}
