/** The ledger's figures (§13.1) in statements: the JSON contract's fields of a pot with lots, and the line an explanation shows. */
import * as N from '../num.js';
import type { Num } from '../num.js';
import type { LedgerFigures } from './ledger.js';
import type { HoldFigures } from './holds.js';
import type { DrawFigures } from './draws.js';
import type { DrawOutcome } from './random-rule.js';

/** The JSON fields of a pot that keeps lots (absent for other pots); amounts written as the pot's other amounts. */
export interface LedgerJson {
  balance: string;
  redeemed: string;
  expired: string;
  expiring: { amount: string; on: string };
  lots: { period: string; remaining: string; expires?: string }[];
}

export function ledgerJson(l: LedgerFigures, f: (v: Num) => string): LedgerJson {
  return {
    balance: f(l.balance),
    redeemed: f(l.redeemed),
    expired: f(l.expired),
    expiring: { amount: f(l.expiring), on: l.expiringOn },
    lots: l.lots.map((x) => ({ period: x.period, remaining: f(x.remaining), ...(x.expires ? { expires: x.expires } : {}) })),
  };
}

/** `balance 70 in 2 lots (2026-01: 20, expires at the end of 2026-04; 2026-02: 50, …), redeemed 30, expired 0; 20 expire on 2026-03-31` */
export function ledgerLine(l: LedgerFigures, f: (v: Num) => string): string {
  const lots = l.lots.map((x) => `${x.period}: ${f(x.remaining)}${x.expires ? `, expires at the end of ${x.expires}` : ''}`).join('; ');
  const parts = [`balance ${f(l.balance)}${l.lots.length ? ` in ${l.lots.length} lot${l.lots.length === 1 ? '' : 's'} (${lots})` : ''}`, `redeemed ${f(l.redeemed)}`, `expired ${f(l.expired)}`];
  return parts.join(', ') + (N.sign(l.expiring) > 0 ? `; ${f(l.expiring)} expire on ${l.expiringOn}` : '');
}

/** The JSON fields of a pot that holds (§13.2; absent for other pots). */
export interface HoldJson {
  pending: string;
  available: string;
  cancelled: string;
  releases: { on: string; amount: string }[];
}

export function holdJson(h: HoldFigures, f: (v: Num) => string): HoldJson {
  return { pending: f(h.pending), available: f(h.available), cancelled: f(h.cancelled), releases: h.releases.map((r) => ({ on: r.on, amount: f(r.amount) })) };
}

/** `pending 100.00 (60.00 available on 2026-02-09, 40.00 on 2026-03-01), available 25.00, cancelled 0.00` (amounts as `f` writes them) */
export function holdLine(h: HoldFigures, f: (v: Num) => string): string {
  const when = h.releases.map((r, i) => `${f(r.amount)}${i === 0 ? ' available' : ''} on ${r.on}`).join(', ');
  return `pending ${f(h.pending)}${when ? ` (${when})` : ''}, available ${f(h.available)}, cancelled ${f(h.cancelled)}`;
}

/** The JSON fields of a pot with a draw (§13.3; absent for other pots). */
export interface DrawJson {
  applies: boolean;
  top_up: string;
  recovered: string;
  forgiven: string;
  debt: string;
}

export function drawJson(d: DrawFigures, f: (v: Num) => string): DrawJson {
  return { applies: d.applies, top_up: f(d.topUp), recovered: f(d.recovered), forgiven: f(d.forgiven), debt: f(d.debt) };
}

/** `draw: top-up 1,500.00, recovered 0.00, forgiven 0.00, debt 1,500.00` (or `draw does not apply: …`). */
export function drawLine(d: DrawFigures, f: (v: Num) => string): string {
  return `draw${d.applies ? '' : ' (does not apply this period)'}: top-up ${f(d.topUp)}, recovered ${f(d.recovered)}, forgiven ${f(d.forgiven)}, debt ${f(d.debt)}`;
}

/** A seeded draw of the period in the JSON (§13.5): enough to recompute it (`examples/sweepstakes/verify-draw.mjs`). */
export interface SeededDrawJson {
  rule: string;
  seed: string;
  winners_asked: number;
  tickets: string;
  entrants: { partner: string; tickets: string }[];
  winners: { partner: string; draw: number; ticket: string; of: string; counter: number }[];
}

export function seededDrawJson(o: DrawOutcome): SeededDrawJson {
  return {
    rule: o.rule,
    seed: o.seed,
    winners_asked: o.n,
    tickets: String(o.entrants.reduce((s, e) => s + e.weight, 0n)),
    entrants: o.entrants.map((e) => ({ partner: e.id, tickets: String(e.weight) })),
    winners: o.winners.map((w) => ({ partner: w.id, draw: w.draw, ticket: String(w.ticket), of: String(w.of), counter: w.counter })),
  };
}
