/** Evaluation errors with their place: the rule (or measure, tier, let), and the partner or event it was evaluating. */
import { EvalError } from './compile-ir.js';
import * as N from './num.js';

/** An evaluation error (division by zero, …) restated with what was being evaluated; any other error is returned as it is. */
export function wrapEvalError(e: unknown, rule: string, where: string, kind = 'rule '): Error {
  if (e instanceof N.DivisionByZero || e instanceof EvalError) return new EvalError(e instanceof EvalError ? e.code : 'R0001', `${kind}${kind ? JSON.stringify(rule) : rule}, ${where}: ${e.message}`);
  return e as Error;
}
