/**
 * One evaluation for the page: compile the program, load the data files through the runtime (so
 * that every invalid record gets the command line's message), run every period, and summarise the
 * period shown. Invalid records are set aside (like `incent run --reject`) so that the rest still
 * gives results; the problems list says what was left out. Pure (no DOM): runs in the run worker.
 */
import { compile } from '../../compiler/compile.js';
import { coverageOfRun, coverageProgram, itemLabel, neverReached, reachedBy } from '../../review/coverage.js';
import { boundSource, exposure, unitText, type ExposureBound, type ExposureReport } from '../../review/exposure.js';
import type { Artifact } from '../../runtime/artifact.js';
import { loadData, recordSchemas } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { formatProblem } from '../../runtime/data/problems.js';
import { hasBlockingProblems } from '../../runtime/data/builder.js';
import { potAmount } from '../../runtime/statement.js';
import type { LedgerProblem } from '../../runtime/ledger/ledger.js';
import { placeLedgerProblems } from '../../runtime/ledger/place.js';
import { drawLine, holdLine, ledgerLine } from '../../runtime/ledger/statement.js';
import type { PotResult } from '../../runtime/results.js';
import type { PartnerRowResult, RunRequest, RunResult, WireBound, WireExposure } from './protocol.js';

/** §13: the ledger's figures of a pot (lots, holds, draws), as `incent explain` shows them. */
function ledgerLines(x: PotResult, f: (v: N.Num) => string): string[] {
  return [...(x.hold ? [holdLine(x.hold, f)] : []), ...(x.draw ? [drawLine(x.draw, f)] : []), ...(x.ledger ? [ledgerLine(x.ledger, f)] : [])];
}

function itemValue(a: Artifact, pot: string): N.Num | undefined {
  const v = a.pots.find((p) => p.name === pot)?.value;
  if (v && (v.k === 'money' || v.k === 'num')) return N.parseNum(v.v);
  return undefined;
}

/** The exposure report in words, for the Results panel: each pot's figures, then the notes (as `incent check --exposure` says them). */
export function exposureView(x: ExposureReport): WireExposure {
  const figure = (p: ExposureReport['pots'][number], b: ExposureBound): WireBound => {
    const by = boundSource(b);
    return { text: b.bounded ? unitText(b.amount!, p, x.currency) : 'unbounded', bounded: b.bounded, ...(by ? { by } : {}) };
  };
  return {
    ...(x.periods !== undefined ? { periods: x.periods } : {}),
    pots: x.pots.map((p) => ({ pot: p.pot, perPartner: figure(p, p.perPartner), perPeriod: figure(p, p.perPeriod), ...(p.program ? { program: figure(p, { ...p.program, by: '' }) } : {}) })),
    notes: x.pots.flatMap((p) => [
      ...(p.carried !== undefined ? [{ text: `${p.pot}: paid to one partner in a period, also what is carried in from earlier periods (up to ${unitText(p.carried, p, x.currency)})${p.paidPerPartner.bounded ? `: at most ${unitText(p.paidPerPartner.amount!, p, x.currency)}` : ''}` }] : []),
      ...p.rules.flatMap((rule) => (rule.why ? [{ text: `${p.pot}: rule ${JSON.stringify(rule.rule)} is unbounded — ${rule.why}`, ...(rule.line !== undefined ? { line: rule.line } : {}) }] : [])),
      ...(p.fix?.perPartner ? [{ text: `${p.pot}, to bound it for one partner: ${p.fix.perPartner}`, fix: true }] : []),
      ...(p.fix?.perPeriod ? [{ text: `${p.pot}, to bound it for all partners: ${p.fix.perPeriod}`, fix: true }] : []),
    ]),
  };
}

/**
 * The data as the last evaluation loaded it, kept for the next: a keystroke in a rule changes the
 * program, not the files nor what they must hold, so their records need not be read again (at
 * 50,000 records, reading them is a third of an evaluation). Kept while the files (by name and
 * text) and what the program reads of them (its record schemas, its event kinds and partner
 * fields: all `loadData` depends on) are the same. The evaluator only reads the rows it is given
 * (tested: an evaluation over a kept data set equals one over a fresh load).
 */
let kept: { key: string; files: Record<string, string>; result: ReturnType<typeof loadData> } | undefined;

function loaded(a: Artifact, files: Record<string, string>): ReturnType<typeof loadData> {
  const key = JSON.stringify([recordSchemas(a), a.events.map((e) => e.name), a.partner.fields.map((f) => f.name)]);
  const names = Object.keys(files);
  if (kept && kept.key === key && names.length === Object.keys(kept.files).length && names.every((n) => kept!.files[n] === files[n])) return kept.result;
  const result = loadData(a, files);
  kept = { key, files, result };
  return result;
}

export function runProgram(req: RunRequest): RunResult {
  const t0 = performance.now();
  const base: RunResult = { type: 'run', id: req.id, problems: [], rejected: 0, records: 0, pots: [], tiers: [], periods: [], partners: [], totals: {}, ms: 0 };
  const done = (r: RunResult) => ({ ...r, ms: Math.round(performance.now() - t0) });
  // With coverage, the program is compiled for it (its artifact lowered with every node's origin).
  const covered = req.coverage ? coverageProgram(req.text).program : undefined;
  const compiled = covered ? undefined : compile(req.text);
  const a = covered?.artifact ?? compiled?.artifact;
  const checked = covered?.checked ?? compiled?.checked;
  if (!a || !checked) return done({ ...base, blocked: 'The program has errors: see the problems.' });
  base.exposure = exposureView(exposure(a, { program: 'program.incent' }, { checked, text: req.text }));
  base.program = a.program.name;
  base.currency = a.program.currency;
  base.pots = a.pots.map((p) => ({ name: p.name, kind: p.kind, unit: p.unit }));
  base.tiers = a.tiers.map((t) => ({ name: t.name, levels: t.levels }));

  const { input, data } = loaded(a, req.files);
  base.problems = input.problems.map((p) => ({ file: p.file, line: p.line, ...(p.field !== undefined ? { field: p.field } : {}), severity: p.severity, text: formatProblem(p) }));
  base.rejected = input.rejected.length;
  base.records = input.files.reduce((s, f) => s + f.input, 0);
  if (hasBlockingProblems(input, true)) return done({ ...base, blocked: 'The data cannot be read as declared: see the problems.' });

  // §13.1: redemptions that cannot be applied are left out, like invalid records, and listed with the problems.
  let unapplied: readonly LedgerProblem[] = [];
  const opts = { ...(req.explain ? { explain: new Set([req.explain]) } : {}), rejectRedemptions: (found: readonly LedgerProblem[]) => (unapplied = found) };
  let ev = new Evaluator(a);
  let results: PeriodResult[];
  try {
    if (covered) {
      const r = coverageOfRun(covered, (probe) => (ev = new Evaluator(a, { probe })).run(data, opts), { program: 'program.incent' });
      results = r.results;
      base.coverage = {
        items: r.report.items.map((i) => ({ kind: i.kind, label: itemLabel(i), line: i.line, start: i.start, end: i.end, reached: i.reached, by: i.reached ? reachedBy(i) : neverReached(i, 'run') })),
        reached: r.report.summary.reached,
        total: r.report.summary.items,
      };
    } else results = ev.run(data, opts);
  } catch (e) {
    return done({ ...base, blocked: `The evaluation stopped: ${(e as Error).message}` });
  }
  if (unapplied.length) {
    const placed = placeLedgerProblems((name) => req.files[name], a, unapplied).problems;
    base.problems.push(...placed.map((p) => ({ file: p.file, line: p.line, severity: p.severity, text: formatProblem(p) })));
    base.rejected += new Set(unapplied.map((q) => `${q.kind}\u0000${q.id}`)).size;
  }
  const digits = a.program.minorDigits;
  base.periods = results.map((r) => ({ period: r.period, cost: N.toFixedText(r.cost, digits), partners: r.partners.length }));
  // The period shown: the one asked for, else the latest that has activity, else the first.
  let shown = results.find((r) => r.period === req.period);
  if (!shown) {
    const latest = input.latestDay;
    const active = results.filter((r) => r.partners.some((p) => p.awards.length > 0));
    shown = active[active.length - 1] ?? results[0];
    void latest;
  }
  if (!shown) return done({ ...base, blocked: 'No period to evaluate (the program has no start date, or no records).' });
  base.period = shown.period;

  const money = new Set(a.pots.filter((p) => p.unit === 'money').map((p) => p.name));
  const items = a.pots.filter((p) => p.unit === 'items');
  const moneyPaid = (r: PeriodResult) => a.pots.filter((p) => money.has(p.name)).reduce((s, p) => N.add(s, r.totals[p.name]!.paid), N.ZERO as N.Num);
  const values = new Map(items.map((p) => [p.name, itemValue(a, p.name)]));
  // A value that is not a literal: derived from the period's cost when one items pot pays.
  if (items.length === 1 && values.get(items[0]!.name) === undefined) {
    const paid = shown.totals[items[0]!.name]!.paid;
    if (!N.isZero(paid)) values.set(items[0]!.name, N.div(N.sub(shown.cost, moneyPaid(shown)), paid));
  }
  base.partners = shown.partners.map((p): PartnerRowResult => {
    let cost: N.Num = N.ZERO;
    for (const pot of a.pots) {
      const paid = p.pots[pot.name]!.paid;
      if (money.has(pot.name)) cost = N.add(cost, paid);
      else if (pot.unit === 'items' && values.get(pot.name)) cost = N.add(cost, N.mul(paid, values.get(pot.name)!));
    }
    return {
      id: p.id,
      tiers: p.tiers,
      pots: Object.fromEntries(
        a.pots.map((pot) => {
          const x = p.pots[pot.name]!;
          const f = (v: N.Num) => potAmount(a, pot.name, v);
          return [pot.name, { earned: f(x.earned), paid: f(x.paid), carried: f(x.carried), carriedIn: f(x.carriedIn), approval: x.approval, adjustments: x.adjustments.map((j) => ({ kind: j.kind, amount: f(j.amount), note: j.note })) }];
        }),
      ),
      cost: N.toFixedText(N.round(cost, digits, 'half-even'), digits),
    };
  });
  base.totals = Object.fromEntries(
    a.pots.map((pot) => {
      const t = shown.totals[pot.name]!;
      const f = (v: N.Num) => potAmount(a, pot.name, v);
      return [pot.name, { earned: f(t.earned), paid: f(t.paid), carried: f(t.carried), ...(t.budget ? { budget: f(t.budget), budgetUsed: f(t.budgetUsed ?? N.ZERO) } : {}) }];
    }),
  );
  base.cost = N.toFixedText(shown.cost, digits);
  if (req.explain) {
    const p = shown.partners.find((x) => x.id === req.explain);
    if (p) {
      base.detail = {
        id: p.id,
        period: shown.period,
        awards: p.awards.map((aw) => ({ rule: aw.rule, pot: aw.pot, amount: potAmount(a, aw.pot, aw.amount), trace: aw.trace })),
        unfired: p.unfired,
        values: Object.fromEntries(Object.entries(p.values).map(([k, v]) => [k, ev.format(v.value, v.u, k)])),
        notes: a.pots.flatMap((pot) => [...ledgerLines(p.pots[pot.name]!, (v) => potAmount(a, pot.name, v)), ...p.pots[pot.name]!.notes].map((n) => `${pot.name}: ${n}`)),
      };
    }
  }
  return done(base);
}
