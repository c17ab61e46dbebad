/**
 * Random valid programs (the generator of test/generators/programs.ts) over plausible sample data
 * (the playground's generator): the evaluator never fails except with an evaluation error it
 * explains (a division by zero), statements balance, and results do not depend on record order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { EvalError } from '../../runtime/compile-ir.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { statementJson } from '../../runtime/statement.js';
import { generateSample } from '../../playground/src/sample.js';
import { programSchema } from '../../playground/src/schema.js';
import { tableToCsv } from '../../playground/src/tables.js';
import { fromGen, genProgram } from '../generators/programs.js';

function reversedCsv(text: string): string {
  const [header, ...rows] = text.trimEnd().split('\n');
  return [header, ...rows.reverse()].join('\n') + '\n';
}

describe('generated programs over sample data', () => {
  it('evaluate without internal errors, balance every pot, and ignore record order', () => {
    let ran = 0;
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 1_000_000 }), (g, seed) => {
        const source = genProgram(fromGen(g));
        const c = compile(source);
        expect(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
        const artifact = c.artifact!;
        const tables = generateSample(programSchema(c.checked!), { seed, partners: 6, events: 60 });
        const texts: Record<string, string> = {};
        for (const [file, table] of Object.entries(tables)) texts[`${file}.csv`] = tableToCsv(table).text;
        const { input, data } = loadData(artifact, texts);
        expect(input.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([]);
        let results;
        try {
          results = new Evaluator(artifact).run(data, { explain: true });
        } catch (e) {
          if (e instanceof EvalError) return; // e.g. a division by zero: reported with the rule and record
          throw e;
        }
        ran++;
        for (const r of results) {
          for (const p of r.partners) {
            for (const [pot, x] of Object.entries(p.pots)) {
              const adj = x.adjustments.reduce((s, a) => N.add(s, a.amount), N.ZERO as N.Num);
              // carried in + earned + adjustments = paid + carried out
              expect(N.cmp(N.add(N.add(x.carriedIn, x.earned), adj), N.add(x.paid, x.carried)), `${r.period} ${p.id} ${pot}`).toBe(0);
            }
          }
        }
        const reversed: Record<string, string> = {};
        for (const [f, t] of Object.entries(texts)) reversed[f] = reversedCsv(t);
        const again = new Evaluator(artifact).run(loadData(artifact, reversed).data);
        expect(again.map((r) => statementJson(artifact, r))).toEqual(results.map((r) => statementJson(artifact, r)));
      }),
      { numRuns: 60 },
    );
    expect(ran).toBeGreaterThan(30);
  });
});
