/**
 * Coverage (spec §14.2): which parts of a program the data — or the program's own tests — reach.
 * For each rule, band, lookup entry, tier level, cap, budget and minimum: how many partners and
 * events (a run) or tests reached it, and what was never reached.
 *
 * What "reached" means, per item (the reference documents it):
 * - **rule**: it awarded — an event its `for each` selected (its `where` held, `once` kept it), a
 *   partner its `where` held for, a partner ranked in its top N; the award may be zero;
 * - **band** of `bands`: the band chosen; of `marginal`: a band the subject reaches into (the
 *   `below` band always);
 * - **lookup entry** (and `else`): the entry chosen;
 * - **tier level**: a partner was at that level in a period;
 * - **rule cap**: it bound (an award or a rule total was more than the cap);
 * - **pot cap**: it bound (a partner's earnings were brought down to it, per period or per year);
 * - **budget**: it bound (the pot's earnings were shared out pro rata, in a period);
 * - **minimum**: it held a positive balance back (below the minimum, carried to the next period).
 *
 * How: the evaluator is given a probe (`CoverageProbe`, runtime/compile-ir.ts) only for such a
 * run, so that an ordinary run pays nothing; rules, bands, lookups and rule caps tell the probe
 * what they reached; tier levels, pot caps, budgets and minimums are read from the run's results.
 * Items are located in the program through the lowering's `origins` (each IR node's expression).
 * Browser-safe: no Node module.
 */
import type { CheckedProgram } from '../compiler/checked.js';
import { compile } from '../compiler/compile.js';
import { lower } from '../compiler/lower.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { SourceText } from '../core/diagnostics.js';
import type { BandsExpr, Expr, Lookup, Span } from '../language/syntax.js';
import type { Artifact, IR, RuleSpec } from '../runtime/artifact.js';
import type { CoverageProbe, Ctx } from '../runtime/compile-ir.js';
import * as N from '../runtime/num.js';
import { Plan } from '../runtime/plan.js';
import type { PeriodResult } from '../runtime/results.js';
import { runTest, type TestOutcome } from '../runtime/tests.js';
import { readable } from './render.js';

export type CoverageKind = 'rule' | 'band' | 'lookup entry' | 'tier level' | 'rule cap' | 'pot cap' | 'budget' | 'minimum';

/** The kinds in the order reports list them. */
export const COVERAGE_KINDS: readonly CoverageKind[] = ['rule', 'band', 'lookup entry', 'tier level', 'rule cap', 'pot cap', 'budget', 'minimum'];

/** Where an item is, and how its count is found. */
export interface CoverageSite {
  kind: CoverageKind;
  /** The declaration it belongs to: `rule "Router SPIFF"`, `let rebate_rate`, `tier status`, `payout cash`. */
  declaration: string;
  /** The item in it, as written (spacing collapsed): `bands hardware_revenue: from 100_000 EUR`, `lookup status: Gold`, `Gold`, `cap 20_000 EUR per partner`; empty for a rule itself. */
  item: string;
  /** Its source span and 1-based first and last lines. */
  span: Span;
  line: number;
  endLine: number;
  /** The probe's site (an IR node or a rule's spec) or a key of the results, and the branch. */
  key: object | string;
  branch: number;
}

/** One item of a report. */
export interface CoverageItem {
  kind: CoverageKind;
  declaration: string;
  item: string;
  line: number;
  endLine: number;
  /** Character offsets of the item in the program (for editors). */
  start: number;
  end: number;
  reached: boolean;
  /** A run: the partners that reached it (distinct). */
  partners?: number;
  /** A run: the events that reached it, for what is reached event by event (rules over events, their caps per event, bands and lookups evaluated per event). */
  events?: number;
  /** A run: for a budget, the periods in which it bound. */
  periods?: number;
  /** The tests: how many reached it, and their names. */
  tests?: number;
  testNames?: string[];
}

export interface CoverageReport {
  format: 1;
  /** The program file, as named. */
  program: string;
  mode: 'run' | 'tests';
  /** A run: the data folder (as named) and the periods evaluated. */
  data?: string;
  periods?: string[];
  partners?: number;
  /** The tests: each one, passed or not. */
  tests?: { name: string; line: number; passed: boolean }[];
  summary: { items: number; reached: number; kinds: { kind: CoverageKind; items: number; reached: number }[] };
  /** Every item, in the order of the program. */
  items: CoverageItem[];
}

/** A program ready for coverage: its artifact, where each item is, and what the checker made of it. */
export interface CoverageProgram {
  artifact: Artifact;
  sites: CoverageSite[];
  source: SourceText;
  checked: CheckedProgram;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Compiles a program for coverage: the artifact, lowered with the origin of every node, and the
 * site of every item. Undefined (with the diagnostics) when the program has errors.
 */
export function coverageProgram(text: string, path = 'program.incent'): { program?: CoverageProgram; diagnostics: Diagnostic[] } {
  const compiled = compile(text);
  if (!compiled.artifact || !compiled.checked) return { diagnostics: compiled.diagnostics };
  const origins = new Map<IR, Expr>();
  const c = compiled.checked;
  const artifact = lower(c, text, origins);
  const src = new SourceText(path, text);
  const sites: CoverageSite[] = [];
  const slice = (sp: Span) => oneLine(text.slice(sp.start, sp.end));
  const add = (kind: CoverageKind, declaration: string, item: string, span: Span, key: object | string, branch: number) =>
    sites.push({ kind, declaration, item, span, line: src.position(span.start).line, endLine: src.position(Math.max(span.start, span.end - 1)).line, key, branch });

  // Bands and lookups, wherever they are: each IR node of the artifact, located by its origin.
  const tables = (declaration: string, ...roots: (IR | undefined)[]) => {
    const stack: unknown[] = [...roots];
    while (stack.length) {
      const x = stack.pop();
      if (Array.isArray(x)) {
        for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
        continue;
      }
      if (!x || typeof x !== 'object') continue;
      const node = x as IR;
      const origin = origins.get(node);
      if (node.k === 'lookup' && origin?.kind === 'Lookup') lookupSites(declaration, node, origin);
      if (node.k === 'bands' && origin?.kind === 'Bands') bandSites(declaration, node, origin);
      for (const v of Object.values(x).reverse()) if (v && typeof v === 'object') stack.push(v);
    }
  };
  const lookupSites = (declaration: string, node: Extract<IR, { k: 'lookup' }>, e: Lookup) => {
    const head = `lookup ${slice(e.key.span)}`;
    e.entries.forEach((en, i) => add('lookup entry', declaration, `${head}: ${slice(en.key.span)}`, en.span, node, i));
    if (e.otherwise) {
      // `else: VALUE`: from the `else` keyword, found before the value.
      const at = text.lastIndexOf('else', e.otherwise.span.start);
      add('lookup entry', declaration, `${head}: else`, { start: at >= e.span.start ? at : e.otherwise.span.start, end: e.otherwise.span.end }, node, node.keys.length);
    }
  };
  const bandSites = (declaration: string, node: Extract<IR, { k: 'bands' }>, e: BandsExpr) => {
    const head = `${e.mode} ${slice(e.subject.span)}`;
    const below = e.bands.filter((b) => b.bound === 'below');
    const froms = e.bands.filter((b) => b.bound === 'from');
    [...below, ...froms].forEach((b, i) => add('band', declaration, `${head}: ${b.bound} ${slice(b.threshold.span)}`, b.span, node, i));
  };

  for (const k of artifact.constants) tables(`let ${k.name}`, k.value);
  for (const st of artifact.steps) {
    if (st.kind === 'measure') tables(`measure ${st.name}`, st.arg, st.where, st.otherwise);
    else if (st.kind === 'tier') tables(`tier ${st.name}`, st.by, ...st.thresholds);
    else tables(`let ${st.name}`, st.value);
  }
  // Event-level lets (§12.2): their lookups and bands are reached on each event.
  for (const l of artifact.eventLets ?? []) tables(`let ${l.name}`, l.value);
  for (const t of c.tiers.values()) t.levels.forEach((l, i) => add('tier level', `tier ${t.name}`, l.name, l.span, `tier\u0000${t.name}`, i));
  artifact.rules.forEach((spec, i) => {
    // by name: a redemption rule (§13.1) is in the checked program's rules, not in the artifact's
    const info = c.rules.find((r) => r.name === spec.name)!;
    const declaration = `rule ${JSON.stringify(spec.name)}`;
    add('rule', declaration, '', info.decl.span, spec, 0);
    tables(declaration, spec.scope.where, ...(spec.scope.kind === 'top' ? spec.scope.keys : spec.scope.kind === 'random' && spec.scope.weight ? [spec.scope.weight] : []), ...spec.awards.map((a) => a.amount), spec.cap?.amount);
    if (spec.cap && info.cap) add('rule cap', declaration, slice(info.cap.span), info.cap.span, spec, 1);
  });
  // Redemption rules (§13.1): reached by each redemption applied (one the ledger refused reaches nothing).
  for (const spec of artifact.redemptions ?? []) {
    const info = c.rules.find((r) => r.name === spec.name)!;
    const declaration = `rule ${JSON.stringify(spec.name)}`;
    add('rule', declaration, '', info.decl.span, spec, 0);
    tables(declaration, spec.where, spec.amount);
  }
  [...c.pots.values()].forEach((pot, i) => {
    const declaration = `payout ${pot.name}`;
    const spec = artifact.pots[i]!;
    tables(declaration, spec.cap?.amount, spec.budget, spec.minimum, spec.approval, spec.value, ...(spec.denominations ?? []));
    for (const o of pot.decl.options ?? []) {
      if (o.kind === 'PotCap') add('pot cap', declaration, slice(o.span), o.span, `cap\u0000${pot.name}`, 0);
      else if (o.kind === 'PotBudget') add('budget', declaration, slice(o.span), o.span, `budget\u0000${pot.name}`, 0);
      else if (o.kind === 'PotMinimum') add('minimum', declaration, slice(o.span), o.span, `minimum\u0000${pot.name}`, 0);
    }
  });
  sites.sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end);
  return { program: { artifact, sites, source: src, checked: c }, diagnostics: compiled.diagnostics };
}

/** What one run reached: per site and branch, the partners (distinct), events, and periods. */
interface Reach {
  partners: Set<string>;
  events: number;
  periods: Set<string>;
  /** Reached where no partner is in scope (a program-level constant): by the run itself. */
  program: boolean;
}

function newReach(): Reach {
  return { partners: new Set(), events: 0, periods: new Set(), program: false };
}

/** The probe of one run: what rules, bands, lookups and rule caps reached. */
export class CoverageRecorder implements CoverageProbe {
  private readonly reached = new Map<object | string, Map<number, Reach>>();
  /** What program-level constants reached: evaluated once, when the evaluator is made, so kept across a restart. */
  private readonly constants = new Map<object, Set<number>>();

  reach(site: object, branch: number, ctx: Ctx): void {
    const r = this.at(site, branch);
    const id = ctx.p.id;
    if (id === '' && !ctx.ev) {
      r.program = true;
      let s = this.constants.get(site);
      if (!s) this.constants.set(site, (s = new Set()));
      s.add(branch);
      return;
    }
    r.partners.add(id);
    if (ctx.ev) r.events++;
  }

  restart(): void {
    this.reached.clear();
    for (const [site, branches] of this.constants) for (const b of branches) this.at(site, b).program = true;
  }

  at(site: object | string, branch: number): Reach {
    let m = this.reached.get(site);
    if (!m) this.reached.set(site, (m = new Map()));
    let r = m.get(branch);
    if (!r) m.set(branch, (r = newReach()));
    return r;
  }

  get(site: object | string, branch: number): Reach | undefined {
    return this.reached.get(site)?.get(branch);
  }

  /** Tier levels, pot caps, budgets and minimums, from a run's results. */
  addResults(a: Artifact, results: readonly PeriodResult[]): void {
    const plan = new Plan(a);
    for (const r of results) {
      for (const p of r.partners) {
        for (const t of a.tiers) {
          const level = t.levels.indexOf(p.tiers[t.name] ?? '');
          if (level >= 0) this.mark(`tier\u0000${t.name}`, level, p.id, r.period);
        }
        plan.pots.forEach((pot) => {
          const name = pot.spec.name;
          const x = p.pots[name];
          if (!x) return;
          for (const adj of x.adjustments) {
            if (adj.kind === 'cap' || adj.kind === 'yearly cap') this.mark(`cap\u0000${name}`, 0, p.id, r.period);
            else if (adj.kind === 'budget') this.mark(`budget\u0000${name}`, 0, p.id, r.period);
          }
          if (pot.minimum) {
            const balance = x.adjustments.reduce((s, j) => N.add(s, j.amount), N.add(x.carriedIn, x.earned));
            if (N.sign(balance) > 0 && N.cmp(balance, pot.minimum) < 0) this.mark(`minimum\u0000${name}`, 0, p.id, r.period);
          }
        });
      }
    }
  }

  private mark(key: string, branch: number, partner: string, period: string): void {
    const r = this.at(key, branch);
    r.partners.add(partner);
    r.periods.add(period);
  }
}

/** The counts of an item in a run. */
function runItem(site: CoverageSite, rec: CoverageRecorder): Pick<CoverageItem, 'reached' | 'partners' | 'events' | 'periods'> {
  const r = rec.get(site.key, site.branch);
  const partners = r?.partners.size ?? 0;
  const reached = partners > 0 || (r?.program ?? false);
  const perEvent = (r?.events ?? 0) > 0 || (site.kind === 'rule' && (site.key as RuleSpec).scope.kind === 'each-event') || (site.kind === 'rule cap' && !!(site.key as RuleSpec).cap?.perEvent);
  return { reached, partners, ...(perEvent ? { events: r?.events ?? 0 } : {}), ...(site.kind === 'budget' ? { periods: r?.periods.size ?? 0 } : {}) };
}

function baseItem(s: CoverageSite): Omit<CoverageItem, 'reached'> {
  return { kind: s.kind, declaration: s.declaration, item: s.item, line: s.line, endLine: s.endLine, start: s.span.start, end: s.span.end };
}

function summary(items: readonly CoverageItem[]): CoverageReport['summary'] {
  return {
    items: items.length,
    reached: items.filter((i) => i.reached).length,
    kinds: COVERAGE_KINDS.map((kind) => {
      const of = items.filter((i) => i.kind === kind);
      return { kind, items: of.length, reached: of.filter((i) => i.reached).length };
    }).filter((k) => k.items > 0),
  };
}

/**
 * Coverage of a run: `run(probe)` evaluates the program (`new Evaluator(artifact, { probe })`)
 * and returns its results — over whatever data, in memory or streamed.
 */
export function coverageOfRun(p: CoverageProgram, run: (probe: CoverageProbe) => PeriodResult[], names: { program: string; data?: string }): { report: CoverageReport; results: PeriodResult[] } {
  const rec = new CoverageRecorder();
  const results = run(rec);
  rec.addResults(p.artifact, results);
  const items = p.sites.map((s) => ({ ...baseItem(s), ...runItem(s, rec) }));
  const partners = new Set(results.flatMap((r) => r.partners.map((x) => x.id))).size;
  return {
    results,
    report: {
      format: 1,
      program: names.program,
      mode: 'run',
      ...(names.data !== undefined ? { data: names.data } : {}),
      periods: results.map((r) => r.period),
      partners,
      summary: summary(items),
      items,
    },
  };
}

/** Coverage of the program's tests: each test run with its own probe; an item counts the tests that reached it. */
export function coverageOfTests(p: CoverageProgram, names: { program: string }): { report: CoverageReport; outcomes: TestOutcome[] } {
  const byTest: boolean[][] = [];
  const outcomes = p.artifact.tests.map((t) => {
    const rec = new CoverageRecorder();
    let results: PeriodResult[] = [];
    const outcome = runTest(p.artifact, t, { probe: rec, results: (r) => (results = r) });
    rec.addResults(p.artifact, results);
    byTest.push(p.sites.map((s) => runItem(s, rec).reached));
    return outcome;
  });
  const items = p.sites.map((s, i) => {
    const names = p.artifact.tests.filter((_, k) => byTest[k]![i]).map((t) => t.name);
    return { ...baseItem(s), reached: names.length > 0, tests: names.length, testNames: names };
  });
  return {
    outcomes,
    report: {
      format: 1,
      program: names.program,
      mode: 'tests',
      tests: outcomes.map((o) => ({ name: o.name, line: o.line, passed: o.passed })),
      summary: summary(items),
      items,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Text and LCOV

const KIND_PLURAL: Record<CoverageKind, string> = {
  rule: 'rules',
  band: 'bands',
  'lookup entry': 'lookup entries',
  'tier level': 'tier levels',
  'rule cap': 'rule caps',
  'pot cap': 'pot caps',
  budget: 'budgets',
  minimum: 'minimums',
};

function plural(n: number, what: string, many = `${what}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? what : many}`;
}

/** An item as people read it: `let rebate_rate: bands hardware_revenue: from 500,000 EUR`. */
export function itemLabel(i: Pick<CoverageItem, 'declaration' | 'item'>): string {
  return readable(i.item ? `${i.declaration}: ${i.item}` : i.declaration);
}

/** What reached an item, in words: `12 events, 5 partners`, `bound in 1 period (4 partners)`, `2 tests`. */
export function reachedBy(i: CoverageItem): string {
  if (i.tests !== undefined) return plural(i.tests, 'test');
  const partners = plural(i.partners ?? 0, 'partner');
  switch (i.kind) {
    case 'budget':
      return `bound in ${plural(i.periods ?? 0, 'period')} (${partners})`;
    case 'rule cap':
    case 'pot cap':
      return i.events !== undefined ? `limited ${plural(i.events, 'event')} (${partners})` : `limited ${partners}`;
    case 'minimum':
      return `held back ${partners}`;
    default:
      if (i.reached && i.partners === 0) return 'the program itself';
      return i.events !== undefined ? `${plural(i.events, 'event')}, ${partners}` : partners;
  }
}

/** Why an item is a finding: what "never reached" means for it (`no partner reached this band`). */
export function neverReached(i: CoverageItem, mode: 'run' | 'tests'): string {
  const who = mode === 'tests' ? 'no test' : 'no partner';
  switch (i.kind) {
    case 'rule':
      return mode === 'tests' ? 'no test made it award' : 'the data never made it award';
    case 'band':
      return `${who} reached this band`;
    case 'lookup entry':
      return `${who} reached this entry`;
    case 'tier level':
      return `${who} reached this level`;
    case 'rule cap':
    case 'pot cap':
      return 'it never limited an amount';
    case 'budget':
      return 'it never bound';
    case 'minimum':
      return 'it never held a balance back';
  }
}

/** The report for people: a summary, every item by line with what reached it, then what was never reached. */
export function renderCoverageText(r: CoverageReport): string {
  const out: string[] = [];
  const over =
    r.mode === 'tests'
      ? `its ${plural(r.tests?.length ?? 0, 'test')}`
      : `the data${r.data !== undefined ? ` in ${r.data}` : ''}, ${r.periods?.length ? `${r.periods[0]}${r.periods.length > 1 ? ` to ${r.periods[r.periods.length - 1]}` : ''}` : 'no period'} (${plural(r.partners ?? 0, 'partner')})`;
  out.push(`Coverage of ${r.program} by ${over}`);
  const pct = (n: number, d: number) => (d === 0 ? '' : ` (${Math.floor((n * 1000) / d) / 10}%)`);
  out.push(`${r.summary.reached} of ${plural(r.summary.items, 'item')} reached${pct(r.summary.reached, r.summary.items)}: ${r.summary.kinds.map((k) => `${KIND_PLURAL[k.kind]} ${k.reached}/${k.items}`).join(', ')}`);
  if (r.items.length) {
    out.push('');
    const width = Math.max(4, ...r.items.map((i) => String(i.line).length));
    const labelWidth = Math.min(64, Math.max(...r.items.map((i) => itemLabel(i).length)));
    out.push(`  ${'line'.padStart(width)}  ${'item'.padEnd(labelWidth)}  reached by`);
    for (const i of r.items) out.push(`  ${String(i.line).padStart(width)}  ${itemLabel(i).padEnd(labelWidth)}  ${i.reached ? reachedBy(i) : 'never'}`);
  }
  const missed = r.items.filter((i) => !i.reached);
  out.push('');
  if (missed.length === 0) out.push('Every item was reached.');
  else {
    out.push(`Never reached (${missed.length}):`);
    for (const i of missed) out.push(`  ${r.program}:${i.line}: ${itemLabel(i)} — ${neverReached(i, r.mode)}`);
  }
  return out.join('\n') + '\n';
}

/**
 * LCOV (the `lcov`/genhtml tracefile format that editors and coverage services read): the program
 * file; each rule a function (its hits: partners, or tests); bands, lookup entries and tier levels
 * branches of their table (`-` when the table was never evaluated); every item's first line a line
 * whose hits are the smallest of the items that start on it — so a line is covered only when every
 * item on it was reached.
 */
export function renderCoverageLcov(r: CoverageReport): string {
  const hits = (i: CoverageItem) => (r.mode === 'tests' ? (i.tests ?? 0) : i.reached ? Math.max(1, i.partners ?? 0) : 0);
  const out = ['TN:incent', `SF:${r.program}`];
  const rules = r.items.filter((i) => i.kind === 'rule');
  const fname = (i: CoverageItem) => i.declaration.replace(/[\r\n]/g, ' ');
  for (const i of rules) out.push(`FN:${i.line},${fname(i)}`);
  for (const i of rules) out.push(`FNDA:${hits(i)},${fname(i)}`);
  out.push(`FNF:${rules.length}`, `FNH:${rules.filter((i) => i.reached).length}`);
  // Branches: the items of one table (a lookup, a bands, a tier) are the branches of one block.
  const blocks = new Map<string, CoverageItem[]>();
  for (const i of r.items) {
    if (i.kind !== 'band' && i.kind !== 'lookup entry' && i.kind !== 'tier level') continue;
    const table = i.kind === 'tier level' ? i.declaration : `${i.declaration}\u0000${i.item.slice(0, i.item.lastIndexOf(': '))}`;
    const list = blocks.get(table) ?? [];
    list.push(i);
    blocks.set(table, list);
  }
  let block = 0;
  let brf = 0;
  let brh = 0;
  for (const list of blocks.values()) {
    const evaluated = list.some((i) => i.reached);
    list.forEach((i, b) => {
      out.push(`BRDA:${i.line},${block},${b},${evaluated ? hits(i) : '-'}`);
      brf++;
      if (i.reached) brh++;
    });
    block++;
  }
  out.push(`BRF:${brf}`, `BRH:${brh}`);
  const lines = new Map<number, number>();
  for (const i of r.items) lines.set(i.line, Math.min(lines.get(i.line) ?? Infinity, hits(i)));
  const sorted = [...lines].sort((x, y) => x[0] - y[0]);
  for (const [line, n] of sorted) out.push(`DA:${line},${n}`);
  out.push(`LF:${sorted.length}`, `LH:${sorted.filter(([, n]) => n > 0).length}`, 'end_of_record');
  return out.join('\n') + '\n';
}
