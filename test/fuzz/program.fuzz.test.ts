/**
 * Fuzz target for program text: arbitrary text and generated programs with hostile mutations
 * (deep nesting, long chains of operators, huge and tiny literals, huge windows, repeated
 * squaring, long chains and cycles of lets, tokens deleted or repeated) go through the whole
 * pipeline — parse → check → format → compile → artifact (JSON, validated) → test blocks →
 * evaluation on a tiny data set. Nothing may throw but an evaluation error with a message
 * (`EvalError`); every diagnostic is an ordinary one (a code, a span inside the text, a message,
 * never "internal"); formatting is idempotent and keeps the diagnostics. Every input is bounded
 * in size by construction, so a run cannot hang. Budget: `test/fuzz/budget.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { format } from '../../language/format.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { loadArtifact } from '../../runtime/artifact.js';
import { EvalError } from '../../runtime/compile-ir.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { runTests } from '../../runtime/tests.js';
import { generateSample } from '../../playground/src/sample.js';
import { programSchema } from '../../playground/src/schema.js';
import { tableToCsv } from '../../playground/src/tables.js';
import { syntaxExprArb, tokenSoupArb } from '../generators/programs.js';
import { runs, SEED, TIMEOUT } from './budget.js';
import { mutatedProgramArb } from './mutations.js';

/** What an error message must never say: it would be a crash, not a diagnosis. */
const INTERNAL = /internal|Maximum call stack|DecimalError|Invalid (typed )?array length|\bNaN\b|Infinity|Cannot read propert|is not a function|is not iterable/;

function ordinary(d: Diagnostic, text: string): void {
  expect(d.code, d.message).toMatch(/^[EW]0\d{3}$/);
  expect(d.code, d.message).not.toBe('E0199');
  expect(d.message).not.toMatch(INTERNAL);
  expect(d.message.length).toBeGreaterThan(0);
  expect(d.span.start).toBeGreaterThanOrEqual(0);
  expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
  expect(d.span.end).toBeLessThanOrEqual(text.length);
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code).sort();

/** The whole pipeline over one program text. Returns how far it got. */
function pipeline(text: string): 'diagnostics' | 'ran' | 'evaluation error' {
  const r = compile(text);
  for (const d of r.diagnostics) ordinary(d, text);

  const f = format(text);
  if (f.text !== undefined) {
    expect(format(f.text).text, 'formatting is idempotent').toBe(f.text);
    expect(codes(compile(f.text).diagnostics), 'formatting keeps the meaning').toEqual(codes(r.diagnostics));
  } else expect(f.diagnostics.some((d) => d.severity === 'error')).toBe(true);

  if (!r.artifact) return 'diagnostics';
  const artifact = loadArtifact(JSON.parse(JSON.stringify(r.artifact)));
  for (const t of runTests(artifact)) for (const failure of t.failures) expect(failure.message).not.toMatch(INTERNAL);

  const tables = generateSample(programSchema(r.checked!), { seed: 7, partners: 3, events: 12 });
  const files: Record<string, string> = {};
  for (const [name, table] of Object.entries(tables)) files[`${name}.csv`] = tableToCsv(table).text;
  const { data } = loadData(artifact, files);
  try {
    const periods = new Evaluator(artifact).run(data, { explain: true });
    expect(periods.length).toBeGreaterThan(0);
    return 'ran';
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    expect(e.message).not.toMatch(INTERNAL);
    return 'evaluation error';
  }
}

describe('fuzz: program text through the whole pipeline', () => {
  it('arbitrary text: diagnostics only, never a crash', () => {
    const textArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      tokenSoupArb,
      syntaxExprArb.map((e) => `let x = ${e}`),
      fc.array(fc.constantFrom('(', ')', '[', ']', '{', '}', 'if', 'then', 'else', 'not', '-', '1', 'x', 'lookup', 'bands', 'and', '+'), { maxLength: 400 }).map((xs) => `let x = ${xs.join(' ')}`),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        pipeline(text);
      }),
      { numRuns: runs(150), seed: SEED },
    );
  }, TIMEOUT);

  it('generated programs with hostile mutations: diagnostics, statements or evaluation errors, never a crash', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(mutatedProgramArb, ({ text }) => {
        const o = pipeline(text);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }),
      { numRuns: runs(40), seed: SEED },
    );
    // The mutations leave some programs valid, so the evaluator is fuzzed too.
    expect(outcomes.get('ran') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('diagnostics') ?? 0).toBeGreaterThan(0);
  }, TIMEOUT);
});
