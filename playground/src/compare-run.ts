/**
 * One comparison for the page's Compare mode: the program in the editor against a baseline (the
 * loaded example, the shared link or a pinned version) — what changed in meaning, and over the
 * page's data what it does to payouts — with the same code as `incent diff` (`review/`), so the
 * page says what the command says. Pure (no DOM): runs in the compare worker.
 */
import { compile } from '../../compiler/compile.js';
import type { Artifact } from '../../runtime/artifact.js';
import { hasBlockingProblems } from '../../runtime/data/builder.js';
import { loadData, recordSchemas } from '../../runtime/data/load.js';
import { Evaluator, type EventSource, type PeriodResult } from '../../runtime/evaluate.js';
import type { Dataset } from '../../runtime/results.js';
import { impact, periodsOf } from '../../review/impact.js';
import { compareSources } from '../../review/meaning.js';
import { headline, renderText, type DiffReport } from '../../review/render.js';

export interface CompareRequest {
  type: 'compare';
  id: number;
  /** The baseline program and what to call it (`the example northwind-distributor`). */
  baseline: string;
  baselineLabel: string;
  text: string;
  /** Data files by name, as the run gets them (`partners.csv`, `sale.csv`). */
  files: Record<string, string>;
  /** Only this period's impact, when the runs have it; else every period. */
  period?: string;
}

export interface CompareResult {
  type: 'compare';
  id: number;
  /** Why there is no comparison (a version with syntax errors…). */
  blocked?: string;
  /** Why there is no payout impact, when there is a comparison in meaning. */
  noImpact?: string;
  report?: DiffReport;
  /** The report's first line and the report as `incent diff` prints it. */
  headline?: string;
  text?: string;
  ms: number;
}

/** In-memory data as an event source (the evaluators share it, as the command shares one read). */
function source(data: Dataset): EventSource {
  return { scan: (kind, each) => (data.events[kind] ?? []).forEach(each) };
}

function runs(oa: Artifact, na: Artifact, files: Record<string, string>): { results: [PeriodResult[], PeriodResult[]] } | { why: string } {
  const load = (a: Artifact, which: string): { data: Dataset } | { why: string } => {
    const { input, data } = loadData(a, files);
    return hasBlockingProblems(input, true) ? { why: `the data cannot be read as ${which} declares it` } : { data };
  };
  const same = JSON.stringify(recordSchemas(oa)) === JSON.stringify(recordSchemas(na));
  const o = load(oa, same ? 'the program' : 'the baseline');
  if ('why' in o) return { why: o.why };
  if (same) {
    const [ro, rn] = Evaluator.runTogether([new Evaluator(oa), new Evaluator(na)], o.data.partners, source(o.data), { rejected: o.data.rejected ?? 0 });
    return { results: [ro!, rn!] };
  }
  const n = load(na, 'this version');
  if ('why' in n) return { why: n.why };
  return { results: [new Evaluator(oa).run(o.data), new Evaluator(na).run(n.data)] };
}

export function compareProgram(req: CompareRequest): CompareResult {
  const t0 = performance.now();
  const done = (r: Omit<CompareResult, 'type' | 'id' | 'ms'>): CompareResult => ({ type: 'compare', id: req.id, ...r, ms: Math.round(performance.now() - t0) });
  const compared = compareSources(req.baseline, req.text);
  if ('diagnostics' in compared) return done({ blocked: compared.side === 'old' ? `The baseline (${req.baselineLabel}) has syntax errors.` : 'The program has syntax errors: see the problems.' });
  const report: DiffReport = { format: 1, old: req.baselineLabel, new: 'the editor', meaning: compared.diff };
  let noImpact: string | undefined;
  const oa = compile(req.baseline).artifact;
  const na = compile(req.text).artifact;
  if (!oa || !na) noImpact = `${!oa ? 'The baseline' : 'The program'} has errors, so neither runs.`;
  else if (Object.keys(req.files).length === 0) noImpact = 'There is no data to run them over.';
  else {
    try {
      const r = runs(oa, na, req.files);
      if ('why' in r) noImpact = `No payout impact: ${r.why} (see the problems).`;
      else {
        const input = { old: { artifact: oa, results: r.results[0] }, new: { artifact: na, results: r.results[1] } };
        const period = req.period !== undefined && periodsOf(input).includes(req.period) ? req.period : undefined;
        report.data = 'the page\'s data';
        report.impact = impact({ ...input, ...(period !== undefined ? { period } : {}) });
      }
    } catch (e) {
      noImpact = `The evaluation stopped: ${(e as Error).message}`;
    }
  }
  return done({ report, headline: headline(report), text: renderText(report), ...(noImpact ? { noImpact } : {}) });
}
