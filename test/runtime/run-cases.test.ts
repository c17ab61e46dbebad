/** Every reachable test-block and evaluation code's example gives exactly its message (test/runtime/run-cases.ts). */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { EvalError } from '../../runtime/compile-ir.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { runTests } from '../../runtime/tests.js';
import { RUN_CASES } from './run-cases.js';

describe('test-block and evaluation codes', () => {
  it.each(RUN_CASES.map((k) => [k.code, k.title, k] as const))('%s: %s', (code, _t, k) => {
    const r = compile(k.program);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (code.startsWith('T')) {
      const failures = runTests(r.artifact!).flatMap((t) => t.failures);
      expect(failures.map((f) => [f.code, f.message])).toEqual([[code, k.message]]);
      return;
    }
    const { input, data } = loadData(r.artifact!, k.data!);
    expect(input.problems).toEqual([]);
    let error: unknown;
    try {
      new Evaluator(r.artifact!).run(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvalError);
    expect([(error as EvalError).code, (error as EvalError).message]).toEqual([code, k.message]);
  });
});
