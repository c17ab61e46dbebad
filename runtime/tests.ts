/** Runs the `test` blocks of a program (§10): builds each test's data, evaluates, compares expectations. */
import type { Artifact, ExpectSpec, FieldSpec, TestSpec } from './artifact.js';
import { LedgerProblemsError } from './ledger/ledger.js';
import { loadData } from './data/load.js';
import { Evaluator, type PartnerResult, type PeriodResult } from './evaluate.js';
import { EvalError, type CoverageProbe } from './compile-ir.js';
import * as N from './num.js';
import { formatProblem } from './data/problems.js';
import { ratesCsv } from './data/exchange.js';
import { testMessage, type TestCode } from '../core/codes.js';
import { potAmount } from './statement.js';

/** A failure of a test: a diagnostic (code `T0xxx`) at a line of the program. */
export interface TestFailure {
  code: TestCode;
  line: number;
  message: string;
  /** For an evaluation that failed (T0003): the evaluation error's code (`R0001`…). */
  cause?: string;
  expected?: string;
  actual?: string;
  trace?: string[];
}

export interface TestOutcome {
  name: string;
  line: number;
  passed: boolean;
  failures: TestFailure[];
}

function actualOf(ev: Evaluator, a: Artifact, p: PartnerResult, name: string, target: 'pot' | 'tier' | 'measure', figure?: ExpectSpec['figure']): string {
  if (target === 'pot') {
    const pot = p.pots[name]!;
    if (figure === 'carried') return potAmount(a, name, pot.carried);
    if (figure === 'pending' || figure === 'available' || figure === 'cancelled') return potAmount(a, name, pot.hold?.[figure] ?? N.ZERO);
    if (figure === 'debt') return potAmount(a, name, pot.draw?.debt ?? N.ZERO);
    if (figure) return potAmount(a, name, pot.ledger?.[figure] ?? N.ZERO);
    return potAmount(a, name, pot.paid);
  }
  if (target === 'tier') return p.tiers[name] ?? '';
  const v = p.values[name];
  return v ? (typeof v.value === 'object' ? N.toText(v.value) : String(v.value)) : '';
}

function same(expected: string, actual: string, target: 'pot' | 'tier' | 'measure'): boolean {
  if (target === 'tier') return expected === actual;
  if (/^-?\d+(\.\d+)?$/.test(expected) && /^-?\d+(\.\d+)?$/.test(actual)) return N.cmp(N.parseNum(expected), N.parseNum(actual)) === 0;
  return expected === actual;
}

/** What a caller may ask of a test's run: a coverage probe (`CoverageProbe`), and its results. */
export interface TestRunHooks {
  probe?: CoverageProbe;
  /** Told the test's results (every period through the test's), when its evaluation did not fail. */
  results?: (results: PeriodResult[]) => void;
}

/** A test record keyed by field names, keyed by the fields' columns instead. */
function byColumn(fields: readonly FieldSpec[], record: Record<string, string | boolean>): Record<string, string | boolean> {
  if (!fields.some((f) => f.column !== undefined)) return record;
  const column = new Map(fields.map((f) => [f.name, f.column ?? f.name]));
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [column.get(k) ?? k, v]));
}

export function runTest(a: Artifact, t: TestSpec, hooks: TestRunHooks = {}): TestOutcome {
  const failures: TestFailure[] = [];
  const texts: Record<string, string> = {};
  // A test's records are data as a data file has them: keyed by the fields' columns (`from "…"`).
  if (a.partner.declared) texts['partners.json'] = JSON.stringify(t.partners.map((p) => byColumn(a.partner.fields, { id: p.id, ...p.fields })));
  for (const ev of a.events) {
    let n = 0;
    const rows = t.events.filter((e) => e.event === ev.name).map((e) => byColumn(ev.fields, { id: `${ev.name}-${++n}`, ...e.fields }));
    texts[`${ev.name}.json`] = JSON.stringify(rows);
  }
  // §13.4: the test's `rate { … }` records are its `rates.csv` (a header alone when it has none).
  if (a.program.exchangeRates) texts['rates.csv'] = ratesCsv(a.program.exchangeRates, t.rates ?? []);
  const { input, data } = loadData(a, texts);
  for (const p of input.problems) if (p.severity === 'error') failures.push({ code: 'T0002', line: t.line, message: testMessage('T0002', { problem: formatProblem(p) }) });
  if (failures.length) return { name: t.name, line: t.line, passed: false, failures };
  const ev = new Evaluator(a, hooks.probe ? { probe: hooks.probe } : {});
  let results;
  try {
    results = ev.run(data, { through: t.period, explain: true });
    hooks.results?.(results);
  } catch (e) {
    // §13.1: a redemption that cannot be applied is a problem of the test's data.
    if (e instanceof LedgerProblemsError) return { name: t.name, line: t.line, passed: false, failures: e.problems.map((q) => ({ code: 'T0002' as const, line: t.line, message: testMessage('T0002', { problem: `${q.kind} ${JSON.stringify(q.id)} of partner ${JSON.stringify(q.partner)} (${q.date}): ${q.message}` }) })) };
    if (!(e instanceof EvalError)) throw e;
    return { name: t.name, line: t.line, passed: false, failures: [{ code: 'T0003', line: t.line, message: testMessage('T0003', { error: e.message }), cause: e.code }] };
  }
  const r = results.find((x) => x.period === t.period);
  if (!r) return { name: t.name, line: t.line, passed: false, failures: [{ code: 'T0004', line: t.line, message: testMessage('T0004', { period: t.period, runs: ev.periods(data).join(', ') }) }] };
  for (const x of t.expects) {
    const p = r.partners.find((q) => q.id === x.partner);
    if (!p) {
      failures.push({ code: 'T0005', line: x.line, message: testMessage('T0005', { partner: x.partner, period: t.period }) });
      continue;
    }
    const actual = actualOf(ev, a, p, x.name, x.target, x.figure);
    if (!same(x.value, actual, x.target)) {
      const trace = [
        ...p.awards.filter((aw) => x.target !== 'pot' || aw.pot === x.name).map((aw) => aw.trace),
        ...(x.target === 'pot' ? [...p.pots[x.name]!.adjustments.map((j) => j.note), ...p.pots[x.name]!.notes] : []),
        // the rules that could have awarded to this pot and gave nothing, and why
        ...(x.target === 'pot' ? p.unfired.filter((u) => a.rules.some((r) => r.name === u.rule && r.awards.some((aw) => aw.pot === x.name))).map((u) => `${u.rule}: ${u.why}`) : []),
      ];
      const name = x.figure ? `${x.name} ${x.figure}` : x.name;
      failures.push({ code: 'T0001', line: x.line, message: testMessage('T0001', { partner: x.partner, name, expected: x.value, actual }), expected: x.value, actual, trace });
    }
  }
  return { name: t.name, line: t.line, passed: failures.length === 0, failures };
}

export function runTests(a: Artifact): TestOutcome[] {
  return a.tests.map((t) => runTest(a, t));
}
