/**
 * The ledger of a run (§13.1): the lots of every pot that keeps them, the redemptions of each
 * period, and what each period does to a partner's lots — in this order, once the pot's payment
 * of the period is known (§9 step 6):
 * 1. what the pot credits in the period (its `paid`) forms a lot dated by the period;
 * 2. the period's redemptions, in (date, event id, rule) order, take from the oldest lots first; a
 *    redemption above the balance at that point, below zero, or not a whole number of the pot's
 *    unit is a data problem of its record (D0401, D0402) and is not applied at all;
 * 3. the lots that expire at the end of the period are removed (what they still held is
 *    `expired`).
 * A redemption of a period may thus use what the period credits: earnings are settled per period.
 */
import { compileIR, type Ctx, type EventRow, type Fn, type PartnerEnv } from '../compile-ir.js';
import type { Artifact, RedemptionSpec } from '../artifact.js';
import { wrapEvalError } from '../errors.js';
import * as N from '../num.js';
import type { Num } from '../num.js';
import type { CompiledPot, Plan } from '../plan.js';
import { formatDate, formatPeriod, lastDay, nextPeriod, periodOf, type Period } from '../../core/periods.js';
import { dataMessage } from '../../core/codes.js';
import { potText } from '../text.js';
import { LotBook } from './lots.js';
import { HoldBook, type HeldAward, type HoldFigures } from './holds.js';
import { DrawBook, drawLastPeriod, type DrawFigures } from './draws.js';
import { settleBalance, type Payment } from '../settle.js';
import { forEachAwardToPot, type RuleAwards } from '../first-come.js';
import type { CompiledRule } from '../plan.js';

/** A pot's ledger figures for a partner in a period (`PotResult.ledger`). */
export interface LedgerFigures {
  /** The lots kept at the end of the period, oldest first. */
  lots: { period: string; remaining: Num; expires?: string }[];
  /** What the lots hold at the end of the period. */
  balance: Num;
  /** What the period's redemptions took. */
  redeemed: Num;
  /** What the lots that expired at the end of the period still held. */
  expired: Num;
  /** What expires at the end of the next period, unless redeemed before (the line partners read). */
  expiring: Num;
  /** The next period's last day (`2026-06-30`). */
  expiringOn: string;
}

/** A redemption the ledger did not apply: a data problem of its record. */
export interface LedgerProblem {
  /** The record's event kind, id, partner and date. */
  kind: string;
  id: string;
  partner: string;
  date: string;
  rule: string;
  code: 'D0401' | 'D0402';
  message: string;
}

/** Thrown at the end of a run whose redemptions were not all applied, when it was not asked to reject them. */
export class LedgerProblemsError extends Error {
  constructor(readonly problems: readonly LedgerProblem[]) {
    super(problems.map((p) => `${p.kind} ${JSON.stringify(p.id)} (partner ${JSON.stringify(p.partner)}, ${p.date}): ${p.message}`).join('\n'));
    this.name = 'LedgerProblemsError';
  }
}

interface CompiledRedemption {
  spec: RedemptionSpec;
  /** Its position among the redemption rules (source order). */
  index: number;
  pot: number;
  where?: Fn;
  amount: Fn;
}

interface Redemption {
  rule: CompiledRedemption;
  row: EventRow;
  amount: Num;
  /** The partner's values of the event's period (a coverage probe is told with them). */
  env: PartnerEnv;
}

/** Whether a program has anything for the ledger to do. */
export function usesLedger(a: Artifact): boolean {
  return a.pots.some((p) => p.lots || p.hold || p.draw) || (a.redemptions?.length ?? 0) > 0;
}

export class Ledger {
  readonly problems: LedgerProblem[] = [];
  private readonly books: (LotBook | undefined)[];
  /** §13.2: the pending amounts of each pot that holds, and the awards of the period being settled, by partner. */
  private readonly holds: (HoldBook | undefined)[];
  private readonly awardsNow: (Map<string, HeldAward[]> | undefined)[];
  /** §13.3: each drawing pot's debts and compiled draw. */
  private readonly draws: ({ book: DrawBook; amount: Fn; from?: Fn; count?: number; where?: Fn } | undefined)[];
  private readonly rules: CompiledRedemption[];
  /** The redemptions of each period (text), by pot, by partner. */
  private readonly byPeriod = new Map<string, Map<number, Map<string, Redemption[]>>>();

  constructor(
    private readonly plan: Plan,
    private readonly currency: string,
  ) {
    const a = plan.artifact;
    this.books = a.pots.map((p) => (p.lots ? new LotBook() : undefined));
    this.holds = a.pots.map((p, i) => (p.hold ? new HoldBook(p.hold, plan.pots[i]!.digits, p.rounding) : undefined));
    this.awardsNow = a.pots.map(() => undefined);
    this.draws = a.pots.map((p) =>
      p.draw
        ? {
            book: new DrawBook(p.draw.recoverable),
            amount: compileIR(p.draw.amount, plan.compileEnv),
            ...(p.draw.window ? { from: compileIR(p.draw.window.from, plan.compileEnv), count: p.draw.window.count } : {}),
            ...(p.draw.where ? { where: compileIR(p.draw.where, plan.compileEnv) } : {}),
          }
        : undefined,
    );
    const potIdx = new Map(a.pots.map((p, i) => [p.name, i]));
    this.rules = (a.redemptions ?? []).map((spec, index) => ({
      spec,
      index,
      pot: potIdx.get(spec.pot) ?? -1,
      ...(spec.where ? { where: compileIR(spec.where, plan.compileEnv) } : {}),
      amount: compileIR(spec.amount, plan.compileEnv),
    }));
  }

  /**
   * What pass 2 does with an event of `kind` (undefined: nothing): each redemption rule of the
   * kind whose `where` holds records the event's amount, for the period containing its date.
   * Events outside the run (before its start, after its last period) redeem nothing, as they earn nothing.
   */
  feedFor(kind: string, envOf: (period: string, partner: string) => PartnerEnv | undefined): ((row: EventRow) => void) | undefined {
    const rules = this.rules.filter((r) => r.spec.event === kind);
    if (!rules.length) return undefined;
    const unit = this.plan.artifact.program.period;
    const ctx: Ctx = { p: undefined as unknown as PartnerEnv };
    return (row) => {
      const period = formatPeriod(periodOf(unit, row.date));
      const env = envOf(period, row.partner);
      if (!env) return;
      ctx.p = env;
      ctx.ev = row;
      for (const rule of rules) {
        try {
          if (rule.where && !rule.where(ctx)) continue;
          const amount = rule.amount(ctx) as Num;
          let perPot = this.byPeriod.get(period);
          if (!perPot) this.byPeriod.set(period, (perPot = new Map()));
          let perPartner = perPot.get(rule.pot);
          if (!perPartner) perPot.set(rule.pot, (perPartner = new Map()));
          const list = perPartner.get(row.partner);
          const r: Redemption = { rule, row, amount, env };
          if (list) list.push(r);
          else perPartner.set(row.partner, [r]);
        } catch (e) {
          throw wrapEvalError(e, rule.spec.name, `${kind} ${JSON.stringify(row.id)} of partner ${JSON.stringify(row.partner)}`);
        }
      }
    };
  }

  /**
   * A partner's ledger in one pot for one period (the steps in the file's comment), once the pot has
   * credited `credited`; undefined for a pot without lots. `notes` gets the lines an explanation shows.
   */
  settle(potIndex: number, pot: CompiledPot, partner: string, period: Period, credited: Num, notes: string[]): LedgerFigures | undefined {
    const book = this.books[potIndex];
    if (!book) return undefined;
    const fmt = (v: Num) => potText(v, pot, this.currency);
    const { periodText, nextText, expiringOn } = this.dates(period);
    book.credit(partner, period, credited, pot.spec.expire);
    let redeemed: Num = N.ZERO;
    const list = this.byPeriod.get(periodText)?.get(potIndex)?.get(partner);
    if (list) {
      list.sort((x, y) => cmpText(x.row.date, y.row.date) || cmpText(x.row.id, y.row.id) || x.rule.index - y.rule.index);
      for (const r of list) {
        const why = N.sign(r.amount) < 0 ? 'below zero' : N.cmp(N.round(r.amount, pot.digits, 'down'), r.amount) !== 0 ? `not a whole number of ${pot.spec.unit === 'money' ? `${this.currency} in its minor unit` : pot.spec.unit}` : undefined;
        if (why) {
          this.problem(r, 'D0402', dataMessage('D0402', { amount: fmt(r.amount), pot: pot.spec.name, why }));
          continue;
        }
        const balance = book.balance(partner);
        const taken = book.redeem(partner, r.amount);
        if (!taken) {
          this.problem(r, 'D0401', dataMessage('D0401', { amount: fmt(r.amount), balance: fmt(balance), pot: pot.spec.name }));
          continue;
        }
        redeemed = N.add(redeemed, r.amount);
        this.plan.probe?.reach(r.rule.spec, 0, { p: r.env, ev: r.row });
        const from = taken.map((t) => `${fmt(t.amount)} of the lot of ${t.period}`).join(', ');
        notes.push(`${r.rule.spec.name}: ${r.row.id} (${r.row.date}) redeems ${fmt(r.amount)}${from ? `, taken from ${from}` : ''}`);
      }
    }
    let expired: Num = N.ZERO;
    for (const t of book.expire(partner, periodText)) {
      expired = N.add(expired, t.amount);
      notes.push(`${fmt(t.amount)} of the lot of ${t.period} expired at the end of ${periodText}`);
    }
    const expiring = book.expiringAt(partner, nextText);
    if (N.sign(expiring) > 0) notes.push(`${fmt(expiring)} expire on ${expiringOn} unless redeemed before`);
    const lots = book.lots(partner).map((l) => ({ period: l.period, remaining: l.remaining, ...(l.expires ? { expires: l.expires } : {}) }));
    return { lots, balance: book.balance(partner), redeemed, expired, expiring, expiringOn };
  }

  /** A period's text, the next period's and its last day, kept for the next call: every partner of a period is settled in turn. */
  private lastDates?: { period: Period; periodText: string; nextText: string; expiringOn: string };

  private dates(period: Period): { periodText: string; nextText: string; expiringOn: string } {
    if (this.lastDates?.period === period) return this.lastDates;
    const next = nextPeriod(period);
    this.lastDates = { period, periodText: formatPeriod(period), nextText: formatPeriod(next), expiringOn: formatDate(lastDay(next)) };
    return this.lastDates;
  }

  /**
   * §13.2, before a held pot's balances of a period are settled: the period's awards to the pot, by
   * partner (every event's award is kept for such a pot, with what its `ref` fields name).
   */
  startPot(potIndex: number, rules: readonly CompiledRule[], awarded: readonly RuleAwards[], partnerId: (i: number) => string, lastDay: string): void {
    if (!this.holds[potIndex]) return;
    const by = new Map<string, HeldAward[]>();
    const add = (pid: string, aw: HeldAward) => {
      const list = by.get(pid);
      if (list) list.push(aw);
      else by.set(pid, [aw]);
    };
    forEachAwardToPot(rules, awarded, partnerId, potIndex, ({ partner, rule, amount, event: e }) =>
      add(partner, e ? { kind: e.kind, id: e.id, date: e.date, rule: rule.index, amount, ...(e.refs ? { refs: e.refs } : {}) } : { kind: '', id: '', date: lastDay, rule: rule.index, amount }),
    );
    this.awardsNow[potIndex] = by;
  }

  /**
   * §13.2: what a held pot's earnings of the period (after §9's adjustments) put in the partner's
   * balance now, and its figures (`holds.ts`); undefined for a pot that does not hold.
   */
  hold(potIndex: number, pot: CompiledPot, partner: string, lastDay: string, earnings: Num, notes: string[]): { enters: Num; figures: HoldFigures } | undefined {
    const book = this.holds[potIndex];
    if (!book) return undefined;
    return book.settle(partner, lastDay, earnings, this.awardsNow[potIndex]?.get(partner) ?? [], notes, (v) => potText(v, pot, this.currency));
  }

  /**
   * §13.3: a drawing pot's payment to a partner in a period after the draw (`pay.paid` and
   * `pay.approval` are updated, `pay.notes` told), and its figures; undefined for a pot without a draw.
   */
  draw(potIndex: number, pot: CompiledPot, env: PartnerEnv, period: Period, pay: Payment): DrawFigures | undefined {
    const d = this.draws[potIndex];
    if (!d) return undefined;
    const ctx: Ctx = { p: env };
    let amount: Num;
    let applies = true;
    let ends = false;
    try {
      amount = N.round(d.amount(ctx) as Num, pot.digits, pot.spec.rounding);
      if (d.where && !d.where(ctx)) applies = false;
      if (d.from) {
        const w = drawLastPeriod(period.unit, d.from(ctx) as string, d.count!);
        const p = formatPeriod(period);
        if (p < w.first || p > w.last) applies = false;
        ends = p === w.last && pot.spec.draw!.recoverable;
      }
    } catch (e) {
      throw wrapEvalError(e, `the draw of pot \`${pot.spec.name}\``, `partner ${JSON.stringify(env.id)}`, '');
    }
    const r = d.book.settle(env.id, pay.paid, amount, applies, ends, pay.notes, (v) => potText(v, pot, this.currency));
    pay.paid = r.paid;
    pay.approval = pot.approval !== undefined && N.cmp(pay.paid, pot.approval) > 0;
    return r.figures;
  }

  private problem(r: Redemption, code: LedgerProblem['code'], message: string): void {
    this.problems.push({ kind: r.rule.spec.event, id: r.row.id, partner: r.row.partner, date: r.row.date, rule: r.rule.spec.name, code, message });
  }
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A pot's figures without a ledger: none (shared, never written). */
const NO_FIGURES: { ledger?: LedgerFigures; hold?: HoldFigures; draw?: DrawFigures } = Object.freeze({});

/**
 * §9 step 6 for one partner and pot, with the ledger when the program has one: the hold (§13.2)
 * decides what of the period's earnings `e` (after §9's adjustments) enters the balance; the
 * balance (carried in + that) is paid or carried (§9); the draw (§13.3) tops the payment up or
 * recovers from it; what is paid forms a lot (§13.1). Returns the payment and the ledger's figures
 * for the pot's statement (none without a ledger).
 */
export function settlePartner(
  ledger: Ledger | undefined,
  potIndex: number,
  pot: CompiledPot,
  env: PartnerEnv,
  period: Period,
  lastDay: string,
  carriedIn: Num,
  e: Num,
  currency: string,
): { pay: Payment; figures: { ledger?: LedgerFigures; hold?: HoldFigures; draw?: DrawFigures } } {
  // (nothing carried in, the usual case: the earnings are the balance, as `add` would make them)
  if (!ledger) return { pay: settleBalance(pot, carriedIn === N.ZERO ? e : N.add(carriedIn, e), currency), figures: NO_FIGURES };
  const holdNotes: string[] = [];
  const held = ledger.hold(potIndex, pot, env.id, lastDay, e, holdNotes);
  const pay = settleBalance(pot, N.add(carriedIn, held ? held.enters : e), currency);
  pay.notes.unshift(...holdNotes);
  const draw = ledger.draw(potIndex, pot, env, period, pay);
  const lots = ledger.settle(potIndex, pot, env.id, period, pay.paid, pay.notes);
  return { pay, figures: { ...(lots ? { ledger: lots } : {}), ...(held ? { hold: held.figures } : {}), ...(draw ? { draw } : {}) } };
}

/**
 * At the end of a run (§13.1): the redemptions the ledger could not apply fail it
 * (`LedgerProblemsError`, every problem listed) unless the run sets them aside (`reject`: true, or
 * told them); returns how many records were set aside.
 */
export function ledgerOutcome(ledger: Ledger | undefined, reject: boolean | ((problems: readonly LedgerProblem[]) => void) | undefined): number {
  const problems = ledger?.problems ?? [];
  if (problems.length === 0) return 0;
  if (!reject) throw new LedgerProblemsError(problems);
  if (typeof reject === 'function') reject(problems);
  return new Set(problems.map((q) => `${q.kind}\u0000${q.id}`)).size;
}
