/**
 * Statements out: the JSON contract of the spec's §11, a readable table for people, and CSV for
 * spreadsheets (cells a spreadsheet would execute are escaped).
 */
import type { Artifact } from './artifact.js';
import type { PartnerResult, PeriodResult, PotResult } from './results.js';
import { valueFormatter } from './text.js';
import { neutraliseFormula } from './data/csv.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { drawJson, drawLine, holdJson, holdLine, ledgerJson, ledgerLine, seededDrawJson, type DrawJson, type HoldJson, type LedgerJson, type SeededDrawJson } from './ledger/statement.js';

export interface PotJson {
  earned: string;
  paid: string;
  carried: string;
  carried_in: string;
  adjustments: { kind: string; amount: string; note: string }[];
  approval: boolean;
  cards?: { denomination: string; count: number }[];
  /** §13.1: a pot that keeps lots. */
  ledger?: LedgerJson;
  /** §13.2: a pot that holds its awards. */
  hold?: HoldJson;
  /** §13.3: a pot with a draw. */
  draw?: DrawJson;
}

export interface StatementJson {
  program: string;
  period: string;
  currency: string;
  partners: {
    id: string;
    tiers: Record<string, string>;
    pots: Record<string, PotJson>;
    awards: { rule: string; pot: string; amount: string; trace: string }[];
  }[];
  totals: Record<string, { earned: string; paid: string; carried: string; budget?: string; budget_used?: string }>;
  cost: string;
  rejected: number;
  /** §13.5: the seeded draws of the period. */
  draws?: SeededDrawJson[];
}

/** The decimals a pot's amounts are written with: the currency's minor digits for money, none for points and items. */
export function potDigits(a: Artifact, pot: string): number {
  const p = a.pots.find((x) => x.name === pot);
  return p?.unit === 'money' ? a.program.minorDigits : 0;
}

/** A pot amount as the contract writes it: money with exactly the currency's minor digits, points and items as integers. */
export function potAmount(a: Artifact, pot: string, v: Num): string {
  return N.toFixedText(v, potDigits(a, pot));
}

function potJson(a: Artifact, name: string, r: PotResult): PotJson {
  const f = (v: Num) => potAmount(a, name, v);
  return {
    earned: f(r.earned),
    paid: f(r.paid),
    carried: f(r.carried),
    carried_in: f(r.carriedIn),
    adjustments: r.adjustments.map((x) => ({ kind: x.kind, amount: f(x.amount), note: x.note })),
    approval: r.approval,
    ...(r.cards ? { cards: r.cards.map((c) => ({ denomination: f(c.denomination), count: c.count })) } : {}),
    ...(r.ledger ? { ledger: ledgerJson(r.ledger, f) } : {}),
    ...(r.hold ? { hold: holdJson(r.hold, f) } : {}),
    ...(r.draw ? { draw: drawJson(r.draw, f) } : {}),
  };
}

export function statementJson(a: Artifact, r: PeriodResult): StatementJson {
  return { ...statementJsonHead(a, r), partners: r.partners.map((p) => partnerJson(a, p)), ...statementJsonTail(a, r) };
}

/** What a statement's JSON says before its partners. */
export function statementJsonHead(a: Artifact, r: Pick<PeriodResult, 'period'>): Pick<StatementJson, 'program' | 'period' | 'currency'> {
  return { program: a.program.name, period: r.period, currency: a.program.currency };
}

/** One partner in a statement's JSON. */
export function partnerJson(a: Artifact, p: PartnerResult): StatementJson['partners'][number] {
  return {
    id: p.id,
    tiers: p.tiers,
    pots: Object.fromEntries(a.pots.map((pot) => [pot.name, potJson(a, pot.name, p.pots[pot.name]!)])),
    awards: p.awards.map((aw) => ({ rule: aw.rule, pot: aw.pot, amount: potAmount(a, aw.pot, aw.amount), trace: aw.trace })),
  };
}

/** What a statement's JSON says after its partners. */
export function statementJsonTail(a: Artifact, r: Pick<PeriodResult, 'totals' | 'cost' | 'rejected' | 'draws'>): Pick<StatementJson, 'totals' | 'cost' | 'rejected' | 'draws'> {
  return {
    totals: Object.fromEntries(
      a.pots.map((pot) => {
        const t = r.totals[pot.name]!;
        const f = (v: Num) => potAmount(a, pot.name, v);
        return [pot.name, { earned: f(t.earned), paid: f(t.paid), carried: f(t.carried), ...(t.budget ? { budget: f(t.budget), budget_used: f(t.budgetUsed ?? N.ZERO) } : {}) }];
      }),
    ),
    cost: N.toFixedText(r.cost, a.program.minorDigits),
    rejected: r.rejected,
    ...(r.draws ? { draws: r.draws.map(seededDrawJson) } : {}),
  };
}

/** A plain-text table for people: one row per partner, a column per tier and pot (paid, with carried in brackets). */
export function statementTable(a: Artifact, r: PeriodResult): string {
  const t = new TableText(a);
  for (const p of r.partners) t.add(p);
  let out = '';
  t.write(r, (s) => (out += s));
  return out;
}

type PotResultOf = PartnerResult['pots'][string];

/**
 * A statement's table, made row by row (`add`) and written at the end (`write`: its columns are
 * as wide as their widest cell). It keeps the rows' cells (not the partners' results), for runs
 * with many partners (`incent run --format table` streams them here).
 */
export class TableText {
  private readonly tiers: string[];
  private readonly pots: string[];
  private readonly header: string[];
  private readonly ledger: { pot: string; label: string; of: (x: PotResultOf) => Num | undefined }[];
  private readonly widths: number[];
  /** Each pot's decimals, and each ledger column's. */
  private readonly digits: number[];
  private readonly ledgerDigits: number[];
  /** Every row's cells, one row after the other (rows are `header.length` cells wide). */
  private readonly cells: string[] = [];

  constructor(private readonly a: Artifact) {
    this.tiers = a.tiers.map((t) => t.name);
    this.pots = a.pots.map((p) => p.name);
    // §13: a pot with lots shows its balance, one that holds what is pending, one with a draw its debt
    this.ledger = a.pots.flatMap((p) => [
      ...(p.lots ? [{ pot: p.name, label: `${p.name} balance`, of: (x: PotResultOf) => x.ledger?.balance }] : []),
      ...(p.hold ? [{ pot: p.name, label: `${p.name} pending`, of: (x: PotResultOf) => x.hold?.pending }] : []),
      ...(p.draw ? [{ pot: p.name, label: `${p.name} draw debt`, of: (x: PotResultOf) => x.draw?.debt }] : []),
    ]);
    this.header = ['partner', ...this.tiers, ...this.pots.map((p) => `${p} paid`), ...this.pots.map((p) => `${p} carried`), ...this.ledger.map((l) => l.label)];
    this.widths = this.header.map((h) => h.length);
    this.digits = this.pots.map((p) => potDigits(a, p));
    this.ledgerDigits = this.ledger.map((l) => potDigits(a, l.pot));
  }

  private measure(row: string[]): void {
    row.forEach((c, i) => {
      if (c.length > this.widths[i]!) this.widths[i] = c.length;
    });
  }

  /** A cell, kept and measured (`i`: its column). */
  private cell(c: string, i: number): void {
    if (c.length > this.widths[i]!) this.widths[i] = c.length;
    this.cells.push(c);
  }

  /**
   * A partner's row. (Loops, and amounts grouped in one pass — `N.groupedFixedText`, the text of
   * `groupDigits(potAmount(…))` —: a run adds one row per partner, the first few thousand in V8's
   * interpreter.)
   */
  add(p: PartnerResult): void {
    const { pots, tiers, ledger, digits } = this;
    let i = 0;
    this.cell(p.id, i++);
    for (let k = 0; k < tiers.length; k++) this.cell(p.tiers[tiers[k]!] ?? '', i++);
    for (let k = 0; k < pots.length; k++) {
      const x = p.pots[pots[k]!]!;
      const paid = N.groupedFixedText(x.paid, digits[k]!);
      this.cell(x.approval ? paid + ' (approval)' : paid, i++);
    }
    for (let k = 0; k < pots.length; k++) this.cell(N.groupedFixedText(p.pots[pots[k]!]!.carried, digits[k]!), i++);
    for (let k = 0; k < ledger.length; k++) {
      const l = ledger[k]!;
      const v = l.of(p.pots[l.pot]!);
      this.cell(v === undefined ? '' : N.groupedFixedText(v, this.ledgerDigits[k]!), i++);
    }
  }

  /** Writes the table (`out` may be called many times), given the period's totals. */
  write(r: Pick<PeriodResult, 'period' | 'totals' | 'cost' | 'rejected'>, out: (s: string) => void): void {
    const { a, pots, tiers } = this;
    const totals = ['total', ...tiers.map(() => ''), ...pots.map((pot) => N.groupDigits(potAmount(a, pot, r.totals[pot]!.paid))), ...pots.map((pot) => N.groupDigits(potAmount(a, pot, r.totals[pot]!.carried))), ...this.ledger.map(() => '')];
    this.measure(totals);
    const widths = this.widths;
    const numeric = this.header.map((_, i) => i > tiers.length);
    const line = (row: string[]) => row.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
    const rule = widths.map((w) => '-'.repeat(w)).join('  ');
    out(`${a.program.name} — ${r.period} (${a.program.currency})\n\n${line(this.header)}\n${rule}\n`);
    // the partners' lines, `line`'s text written from the kept cells, given to `out` some 64 KB at a time
    const w = this.header.length;
    const cells = this.cells;
    let text = '';
    for (let at = 0; at < cells.length; at += w) {
      let l = '';
      for (let i = 0; i < w; i++) {
        const c = cells[at + i]!;
        l += (i === 0 ? '' : '  ') + (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!));
      }
      text += l.trimEnd() + '\n';
      if (text.length >= 1 << 16) {
        out(text);
        text = '';
      }
    }
    if (text) out(text);
    const end = [rule, line(totals)];
    for (const pot of a.pots) {
      const t = r.totals[pot.name]!;
      if (t.budget) end.push(`budget ${pot.name}: ${N.groupDigits(potAmount(a, pot.name, t.budgetUsed ?? N.ZERO))} of ${N.groupDigits(potAmount(a, pot.name, t.budget))} used`);
    }
    end.push(`cost: ${N.groupDigits(N.toFixedText(r.cost, a.program.minorDigits))} ${a.program.currency}`);
    if (r.rejected) end.push(`rejected records: ${r.rejected}`);
    out(end.join('\n') + '\n');
  }
}

/**
 * Escapes a CSV cell, and neutralises (prefixes `'` to) a cell a spreadsheet would run as a formula:
 * one that starts with `=`, `+`, `-` or `@` — also after leading whitespace (` =1`), which
 * spreadsheets skip — or with a tab or CR; a plain number (`-12.5`) is left as it is.
 */
export function csvCell(v: string): string {
  if (plainCell(v)) return v;
  const s = neutraliseFormula(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Whether a cell is written as it is, found in one pass over it without a regular expression (a
 * statement's CSV has a dozen cells a row, most of them amounts, ids and names): it starts with an
 * ASCII letter, digit, `_` or `.` — no formula, no leading space — or is a plain negative number,
 * and holds no quote, comma, CR or LF. Others go through `csvCell`'s rules (a property test checks
 * that both agree on any cell).
 */
function plainCell(v: string): boolean {
  const n = v.length;
  if (n === 0) return false;
  const c0 = v.charCodeAt(0);
  if (c0 === 45) {
    // `-12.5`: a plain number, left as it is
    let k = 1;
    while (k < n && v.charCodeAt(k) >= 48 && v.charCodeAt(k) <= 57) k++;
    if (k === 1) return false;
    if (k < n && v.charCodeAt(k) === 46) {
      const f = ++k;
      while (k < n && v.charCodeAt(k) >= 48 && v.charCodeAt(k) <= 57) k++;
      if (k === f) return false;
    }
    return k === n;
  }
  if (!((c0 >= 48 && c0 <= 57) || (c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95 || c0 === 46)) return false;
  for (let k = 1; k < n; k++) {
    const c = v.charCodeAt(k);
    if (c === 34 || c === 44 || c === 13 || c === 10) return false;
  }
  return true;
}

/** CSV for spreadsheets: one row per partner and pot. */
export function statementCsv(a: Artifact, results: PeriodResult[]): string {
  let out = statementCsvHeader(a);
  for (const r of results) for (const p of r.partners) out += statementCsvRows(a, r.period, p);
  return out;
}

/**
 * The ledger's columns (§13), each group only when a pot of the program has it, so that a
 * program without lots, holds or draws keeps the v0.1 columns: lots (balance, redeemed, expired,
 * what expires at the end of the next period and on which day), holds (pending, available,
 * cancelled), draws (top-up, recovered, forgiven, debt). A pot without the group leaves its
 * cells empty.
 */
/** The ledger's columns of a CSV statement: their names, and a pot's cells (each after a comma, escaped; amounts with the pot's `digits`). */
type LedgerColumns = { header: string[]; cells: (x: PartnerResult['pots'][string], digits: number) => string };
const ledgerColumnsOf = new WeakMap<Artifact, LedgerColumns>();
function ledgerColumns(a: Artifact): LedgerColumns {
  let c = ledgerColumnsOf.get(a);
  if (!c) ledgerColumnsOf.set(a, (c = makeLedgerColumns(a)));
  return c;
}

function makeLedgerColumns(a: Artifact): LedgerColumns {
  const lots = a.pots.some((p) => p.lots);
  const holds = a.pots.some((p) => p.hold);
  const draws = a.pots.some((p) => p.draw);
  const header = [
    ...(lots ? ['balance', 'redeemed', 'expired', 'expiring', 'expiring_on'] : []),
    ...(holds ? ['pending', 'available', 'cancelled'] : []),
    ...(draws ? ['draw_top_up', 'draw_recovered', 'draw_forgiven', 'draw_debt'] : []),
  ];
  return {
    header,
    cells: (x, digits) => {
      // amounts are plain cells (`toFixedText`), as the statement's others; a date is escaped as any text
      const f = (v: Num) => ',' + N.toFixedText(v, digits);
      const l = x.ledger;
      const h = x.hold;
      const d = x.draw;
      let out = '';
      if (lots) out += l ? f(l.balance) + f(l.redeemed) + f(l.expired) + f(l.expiring) + ',' + csvCell(l.expiringOn) : ',,,,,';
      if (holds) out += h ? f(h.pending) + f(h.available) + f(h.cancelled) : ',,,';
      if (draws) out += d ? f(d.topUp) + f(d.recovered) + f(d.forgiven) + f(d.debt) : ',,,,';
      return out;
    },
  };
}

/** The header line of `statementCsv` (with its line break). */
export function statementCsvHeader(a: Artifact): string {
  return ['period', 'partner', ...a.tiers.map((t) => t.name), 'pot', 'earned', 'adjustments', 'carried_in', 'paid', 'carried', 'approval', ...ledgerColumns(a).header].join(',') + '\r\n';
}

/** One partner's lines of `statementCsv` (each with its line break). */
export function statementCsvRows(a: Artifact, period: string, p: PartnerResult): string {
  let out = '';
  const ledger = ledgerColumns(a);
  // The cells every row of the partner starts with, escaped once; amounts are written by
  // `toFixedText` (digits, a `-` and a `.`): plain cells, as they are.
  let head = csvCell(period) + ',' + csvCell(p.id);
  for (const t of a.tiers) head += ',' + csvCell(p.tiers[t.name] ?? '');
  for (const pot of a.pots) {
    const x = p.pots[pot.name]!;
    const adj = x.adjustments.reduce((s, y) => N.add(s, y.amount), N.ZERO as Num);
    const digits = potDigits(a, pot.name);
    out += head + ',' + csvCell(pot.name) + ',' + N.toFixedText(x.earned, digits) + ',' + N.toFixedText(adj, digits) + ',' + N.toFixedText(x.carriedIn, digits) + ',' + N.toFixedText(x.paid, digits) + ',' + N.toFixedText(x.carried, digits) + ',' + (x.approval ? 'yes' : 'no');
    out += ledger.cells(x, digits) + '\r\n';
  }
  return out;
}

/** Everything about one partner in one period, for `incent explain`. */
export function explainPartner(a: Artifact, r: PeriodResult, partner: string): string | undefined {
  const format = valueFormatter(a);
  const p = r.partners.find((x) => x.id === partner);
  if (!p) return undefined;
  const out: string[] = [`${a.program.name} — partner ${p.id}, ${r.period}`, ''];
  const tiers = Object.entries(p.tiers);
  if (tiers.length) out.push(`tiers: ${tiers.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const why of Object.values(p.held ?? {})) out.push(`  ${why}`);
  const vals = Object.entries(p.values);
  if (vals.length) out.push(`values: ${vals.map(([k, v]) => `${k} ${format(v.value, v.u, k)}`).join(', ')}`);
  out.push('', 'awards:');
  if (p.awards.length === 0) out.push('  (none)');
  for (const aw of p.awards) out.push(`  ${aw.trace}`);
  out.push('', 'rules that gave nothing:');
  if (p.unfired.length === 0) out.push('  (none)');
  for (const u of p.unfired) out.push(`  ${u.rule}: ${u.why}`);
  out.push('', 'pots:');
  for (const pot of a.pots) {
    const x = p.pots[pot.name]!;
    const f = (v: Num) => N.groupDigits(potAmount(a, pot.name, v));
    out.push(`  ${pot.name}: earned ${f(x.earned)}, carried in ${f(x.carriedIn)}, paid ${f(x.paid)}, carried out ${f(x.carried)}${x.approval ? ', needs approval' : ''}`);
    if (x.hold) out.push(`    ${holdLine(x.hold, f)}`);
    if (x.draw) out.push(`    ${drawLine(x.draw, f)}`);
    if (x.ledger) out.push(`    ${ledgerLine(x.ledger, f)}`);
    for (const adj of x.adjustments) out.push(`    ${adj.kind} ${f(adj.amount)}: ${adj.note}`);
    for (const n of x.notes) out.push(`    ${n}`);
  }
  return out.join('\n') + '\n';
}
