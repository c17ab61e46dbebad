/** The error evaluation raises: its own module, so that the command's error handling does not load the evaluator. */
import type { EvaluationCode } from '../core/codes.js';

/** An evaluation error: a stable code (`R0xxx`, core/codes.ts) and what went wrong, named by the rule, partner and record once wrapped (errors.ts). */
export class EvalError extends Error {
  constructor(
    readonly code: EvaluationCode,
    message: string,
  ) {
    super(message);
    this.name = 'EvalError';
  }
}
