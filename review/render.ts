/**
 * A diff report for people: text for a terminal, Markdown for a pull-request comment (a one-line
 * summary first, then tables, long lists folded in `<details>`). The JSON for tools is the report
 * itself (`review/schema.ts`). Numbers in clauses are shown with thousands separators
 * (`1_000_000 EUR` → `1,000,000 EUR`), as traces show them; JSON keeps the formatter's text.
 *
 * Browser-safe: no Node module.
 */
import { groupDigits } from '../runtime/num.js';
import type { Delta, Impact, PartnerImpact, PeriodImpact, PotImpact } from './impact.js';
import type { DeclChange, MeaningDiff } from './meaning.js';

/** Everything `incent diff` says, as its JSON gives it. */
export interface DiffReport {
  /** The JSON format's version. */
  format: 1;
  /** What was compared: file names or git revisions as given. */
  old: string;
  new: string;
  meaning: MeaningDiff;
  /** With data: the folder, and what the change does to payouts. */
  data?: string;
  impact?: Impact;
}

/** Source numbers as people read them, outside strings and dates: `1_000_000` → `1,000,000`. */
export function readable(clause: string): string {
  return clause.replace(/"(?:[^"\\]|\\.)*"|\d{4}-\d{2}(?:-\d{2})?(?!\d)|\b\d[\d_]*(?:\.\d[\d_]*)?/g, (m) => (m.startsWith('"') || /^\d{4}-\d{2}/.test(m) ? m : groupDigits(m.replace(/_/g, ''))));
}

const UNIT: Record<PotImpact['unit'], string> = { money: '', points: ' points', items: ' items' };

function amount(v: string, unit: string): string {
  return `${groupDigits(v)}${unit}`;
}

const isZero = (v: string) => /^-?0(\.0+)?$/.test(v);

function signed(v: string, unit: string): string {
  if (isZero(v)) return amount(v.replace(/^-/, ''), unit);
  return `${v.startsWith('-') ? '' : '+'}${amount(v, unit)}`;
}

function pct(d: Delta): string {
  if (isZero(d.delta)) return '';
  if (d.percent === undefined) return ' (new)';
  return ` (${d.percent.startsWith('-') ? '' : '+'}${d.percent}%)`;
}

function money(impact: Impact): string {
  return ` ${impact.currency}`;
}

function potUnit(impact: Impact, p: { unit: PotImpact['unit'] }): string {
  return p.unit === 'money' ? money(impact) : UNIT[p.unit];
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** `2026-Q1: cost +15,369.56 EUR (+3.2%), 41 of 120 partners affected`. */
export function periodSummary(impact: Impact, p: PeriodImpact): string {
  const cost = isZero(p.cost.delta) ? `cost unchanged (${amount(p.cost.new, money(impact))})` : `cost ${signed(p.cost.delta, money(impact))}${pct(p.cost)}`;
  const only = p.in === 'both' ? '' : ` (only the ${p.in} version runs this period)`;
  return `${p.period}: ${cost}, ${p.affected.toLocaleString('en-US')} of ${plural(p.partners, 'partner')} affected${only}`;
}

function totalSummary(impact: Impact): string {
  const t = impact.total;
  const cost = isZero(t.cost.delta) ? `cost unchanged (${amount(t.cost.new, money(impact))})` : `cost ${signed(t.cost.delta, money(impact))}${pct(t.cost)}`;
  const ps = impact.periods;
  const span = ps.length === 1 ? ps[0]!.period : `${ps[0]!.period} to ${ps[ps.length - 1]!.period} (${ps.length} periods)`;
  return `${span}: ${cost}, ${t.affected.toLocaleString('en-US')} of ${plural(t.partners, 'partner')} affected`;
}

/** The report's first line: what the reviewer reads first. */
export function headline(r: DiffReport): string {
  const meaning = r.meaning.changed ? plural(r.meaning.changes.length, 'declaration') + ' changed in meaning' : 'no change in meaning';
  if (!r.impact || r.impact.periods.length === 0) return meaning;
  if (r.impact.periods.length === 1) return periodSummary(r.impact, r.impact.periods[0]!);
  return totalSummary(r.impact);
}

const SIGN: Record<DeclChange['change'], string> = { added: '+', removed: '-', renamed: '→', changed: '~' };

function declLine(c: DeclChange): string {
  if (c.change === 'renamed') return `${c.kind} ${c.oldName} renamed ${c.name}`;
  return `${c.label}${c.change === 'changed' ? '' : ` (${c.change})`}`;
}

function movedText(impact: Impact, m: PartnerImpact, unitOf: (pot: string) => string): string {
  const pots = m.pots.filter((p) => !isZero(p.paid.delta)).map((p) => `${p.pot} ${signed(p.paid.delta, unitOf(p.pot))}`);
  const rules = m.rules.map((r) => `${r.rule}: ${amount(r.old, unitOf(r.pot))} → ${amount(r.new, unitOf(r.pot))}`);
  const tiers = m.tiers.map((t) => `${t.tier} ${t.old} → ${t.new}`);
  return [pots.join(', ') || 'nothing paid changed', [...tiers, ...rules].join('; ')].filter(Boolean).join(' — ');
}

function listIds(ids: readonly string[], max = 5): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${(ids.length - max).toLocaleString('en-US')} more`;
}

function bindingText(b: PeriodImpact['bindings'][number]): string {
  const what = b.what === 'rule cap' ? `the cap of rule "${b.name}"` : `the ${b.what} of ${b.name}`;
  if (b.what === 'budget') return `${what} ${b.new > 0 ? 'now binds' : 'no longer binds'} (${b.old} → ${plural(b.new, 'partner')} reduced)`;
  const verb = b.old === 0 ? 'now binds' : b.new === 0 ? 'no longer binds' : b.new > b.old ? 'binds more' : 'binds less';
  return `${what} ${verb} (${b.old} → ${plural(b.new, 'partner')} reduced)`;
}

/** How many movers each format lists. */
export const TOP_MOVERS = 10;

// ---------------------------------------------------------------------------------------------
// Text

export function renderText(r: DiffReport): string {
  const out: string[] = [];
  out.push(`incent diff ${r.old} → ${r.new}`, '');
  out.push('What changed in meaning');
  if (!r.meaning.changed) out.push('  no change in meaning (formatting, comments and order aside)');
  for (const c of r.meaning.changes) {
    out.push(`  ${SIGN[c.change]} ${declLine(c)}`);
    if (c.text) out.push(...c.text.split('\n').map((l) => `      ${readable(l)}`));
    for (const cl of c.clauses) {
      out.push(`      ${readable(cl.summary)}`);
      if (cl.old !== undefined) out.push(`          was: ${readable(cl.old)}`, `          now: ${readable(cl.new ?? '')}`);
    }
  }
  if (r.impact) {
    out.push('', `What it does to payouts${r.data ? ` (data: ${r.data})` : ''}`);
    const im = r.impact;
    for (const p of im.periods) out.push(...periodText(im, p));
    if (im.periods.length > 1) out.push('', `In all, ${totalSummary(im)}`, `  cost ${amount(im.total.cost.old, money(im))} → ${amount(im.total.cost.new, money(im))}`);
  }
  return out.join('\n') + '\n';
}

function periodText(im: Impact, p: PeriodImpact): string[] {
  const out = ['', periodSummary(im, p)];
  out.push(`  cost ${amount(p.cost.old, money(im))} → ${amount(p.cost.new, money(im))}`);
  const unitOf = (pot: string) => potUnit(im, p.pots.find((x) => x.pot === pot) ?? { unit: 'money' });
  const rows = p.pots.map((x) => [x.pot + (x.in === 'both' ? '' : ` (${x.in} only)`), `${amount(x.earned.old, potUnit(im, x))} → ${amount(x.earned.new, potUnit(im, x))}`, `${amount(x.paid.old, potUnit(im, x))} → ${amount(x.paid.new, potUnit(im, x))}`, `${signed(x.paid.delta, potUnit(im, x))}${pct(x.paid)}`]);
  if (rows.length) out.push(...table(['pot', 'earned', 'paid', 'Δ paid'], rows).map((l) => `  ${l}`));
  if (p.tierMoves.length) out.push('  tier moves:', ...p.tierMoves.map((m) => `    ${plural(m.partners.length, 'partner')} ${m.tier} ${m.from} → ${m.to}: ${listIds(m.partners)}`));
  if (p.movers.length) {
    out.push(`  top movers${p.movers.length > TOP_MOVERS ? ` (${TOP_MOVERS} of ${p.movers.length.toLocaleString('en-US')})` : ''}:`);
    for (const m of p.movers.slice(0, TOP_MOVERS)) out.push(`    ${m.partner}  cost ${signed(m.cost.delta, money(im))}: ${movedText(im, m, unitOf)}`);
  }
  if (p.bindings.length) out.push('  budgets and caps:', ...p.bindings.map((b) => `    ${bindingText(b)}`));
  if (p.approvals.length) out.push('  approvals:', ...p.approvals.map((a) => `    ${a.partner} ${a.pot} ${amount(a.new, unitOf(a.pot))}: ${a.flagged === 'newly' ? 'newly flagged' : 'no longer flagged'}`));
  if (p.newlyFiring.length) out.push('  rules that now award partners they gave nothing:', ...p.newlyFiring.map((x) => `    "${x.rule}": ${plural(x.partners.length, 'partner')} (${listIds(x.partners)})`));
  if (p.stoppedFiring.length) out.push('  rules that no longer award partners they gave something:', ...p.stoppedFiring.map((x) => `    "${x.rule}": ${plural(x.partners.length, 'partner')} (${listIds(x.partners)})`));
  return out;
}

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Text from a program or data, safe in Markdown and in the HTML GitHub makes of it. */
export function md(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\`*_[\]|#~])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** A code span (inside a table too): the fence outlasts any backticks in the text, and `|` is escaped. */
export function code(text: string): string {
  const t = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const run = Math.max(0, ...(t.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(run + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || run > 0 ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

function details(summary: string, body: string[]): string[] {
  return ['<details>', `<summary>${md(summary)}</summary>`, '', ...body, '', '</details>'];
}

/** Lists longer than this are folded. */
const FOLD = 5;

export function renderMarkdown(r: DiffReport): string {
  const out: string[] = [];
  out.push(`**${md(headline(r))}**`, '');
  if (r.impact && r.impact.periods.length > 1) {
    for (const p of r.impact.periods) out.push(`- ${md(periodSummary(r.impact, p))}`);
    out.push('');
  }
  out.push(`<sub>${md(`incent diff ${r.old} → ${r.new}${r.data ? ` with the data in ${r.data}` : ''}`)}</sub>`, '');
  out.push('### What changed in meaning', '');
  if (!r.meaning.changed) out.push('No change in meaning (formatting, comments and order aside).', '');
  else {
    out.push('| | declaration | change |', '|---|---|---|');
    for (const c of r.meaning.changes) {
      const what =
        c.change === 'renamed'
          ? `renamed from ${code(c.oldName ?? '')}`
          : c.change === 'added' || c.change === 'removed'
            ? `${c.change}: ${code(readable(c.text ?? '').replace(/\n\s*/g, ' '))}`
            : c.clauses.map((cl) => (cl.old !== undefined ? `${code(readable(cl.summary))}<br>was ${code(readable(cl.old))}<br>now ${code(readable(cl.new ?? ''))}` : code(readable(cl.summary)))).join('<br>');
      out.push(`| ${SIGN[c.change] === '-' ? '−' : SIGN[c.change]} | ${code(c.label)} | ${what} |`);
    }
    out.push('');
  }
  if (r.impact) {
    const im = r.impact;
    out.push('### What it does to payouts', '');
    for (const p of im.periods) out.push(...periodMarkdown(im, p, im.periods.length > 1));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function periodMarkdown(im: Impact, p: PeriodImpact, heading: boolean): string[] {
  const out: string[] = [];
  if (heading) out.push(`#### ${md(periodSummary(im, p))}`, '');
  const unitOf = (pot: string) => potUnit(im, p.pots.find((x) => x.pot === pot) ?? { unit: 'money' });
  out.push('| | old | new | Δ |', '|---|--:|--:|--:|');
  out.push(`| **cost** | ${amount(p.cost.old, money(im))} | ${amount(p.cost.new, money(im))} | ${signed(p.cost.delta, money(im))}${pct(p.cost)} |`);
  for (const x of p.pots) {
    const u = potUnit(im, x);
    const only = x.in === 'both' ? '' : ` (${x.in} only)`;
    out.push(`| ${code(x.pot)}${only} earned | ${amount(x.earned.old, u)} | ${amount(x.earned.new, u)} | ${signed(x.earned.delta, u)}${pct(x.earned)} |`);
    out.push(`| ${code(x.pot)}${only} paid | ${amount(x.paid.old, u)} | ${amount(x.paid.new, u)} | ${signed(x.paid.delta, u)}${pct(x.paid)} |`);
  }
  out.push('');
  if (p.tierMoves.length) {
    out.push('**Tier moves**', '');
    for (const m of p.tierMoves) out.push(`- ${plural(m.partners.length, 'partner')} ${md(m.tier)} ${md(m.from)} → ${md(m.to)}${m.partners.length <= FOLD ? `: ${m.partners.map(code).join(', ')}` : ''}`);
    out.push('');
  }
  if (p.movers.length) {
    const shown = p.movers.slice(0, TOP_MOVERS);
    const rows = ['| partner | Δ cost | what moved |', '|---|--:|---|', ...shown.map((m) => `| ${code(m.partner)} | ${signed(m.cost.delta, money(im))} | ${md(movedText(im, m, unitOf))} |`)];
    const title = `Top movers${p.movers.length > TOP_MOVERS ? ` (${TOP_MOVERS} of ${p.movers.length.toLocaleString('en-US')})` : ''}`;
    out.push(...(shown.length > FOLD ? details(title, rows) : [`**${title}**`, '', ...rows]), '');
  }
  const notes: string[] = [];
  for (const b of p.bindings) notes.push(`- ${md(bindingText(b))}`);
  for (const a of p.approvals) notes.push(`- ${code(a.partner)} ${code(a.pot)} ${amount(a.new, unitOf(a.pot))}: approval ${a.flagged === 'newly' ? 'newly flagged' : 'no longer flagged'}`);
  for (const x of p.newlyFiring) notes.push(`- rule ${code(x.rule)} now awards ${plural(x.partners.length, 'partner')} it gave nothing: ${md(listIds(x.partners))}`);
  for (const x of p.stoppedFiring) notes.push(`- rule ${code(x.rule)} no longer awards ${plural(x.partners.length, 'partner')}: ${md(listIds(x.partners))}`);
  if (notes.length) out.push(...(notes.length > FOLD ? details(`Budgets, caps, approvals and rules (${notes.length})`, notes) : ['**Budgets, caps, approvals and rules**', '', ...notes]), '');
  return out;
}
