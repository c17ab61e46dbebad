/** Test helpers: check Incent source text and find diagnostics by code and by the text under their span. */
import { parse } from '../../language/parser.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { check } from '../../compiler/check.js';
import type { CheckedProgram } from '../../compiler/checked.js';

/** A program header used by most cases. */
export const HEADER = `program "Test" {
  currency EUR
  period quarter
  start 2026-01-01
  end 2026-12-31
}
`;

/** Declarations most cases build on: a partner block, two event kinds, a measure, a tier and three pots. */
export const BASE = `${HEADER}
partner {
  kind: one of "distributor", "reseller"
  target: money
}

event sale {
  sku: text
  category: one of "hardware", "software", "services"
  amount: money
  quantity: integer
}

event training {
  course: text
}

measure revenue = sum sale.amount

tier status by revenue {
  Member
  Silver from 250_000 EUR
  Gold   from 1_000_000 EUR
}

payout cash as cash { cap 10_000 EUR per partner }
payout points as points
payout trip as item { value 3_000 EUR }
`;

export interface Checked {
  source: string;
  program: CheckedProgram;
  /** Syntax errors (a case with any is malformed). */
  syntax: Diagnostic[];
  diagnostics: Diagnostic[];
}

export function checkSource(source: string): Checked {
  const p = parse(source);
  const program = check(p.file);
  return { source, program, syntax: p.diagnostics, diagnostics: program.diagnostics };
}

/** The source text under a span. */
export function spanText(c: Checked, d: Diagnostic): string {
  return c.source.slice(d.span.start, d.span.end);
}

/** Every diagnostic as `CODE «span text» message`, for readable failures. */
export function summary(c: Checked): string[] {
  return c.diagnostics.map((d) => `${d.code} «${spanText(c, d)}» ${d.message}`);
}
