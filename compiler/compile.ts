/** The compiler's pipeline in one call: source text → syntax tree → checked program → artifact. */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { parse } from '../language/parser.js';
import type { ProgramFile } from '../language/syntax.js';
import type { Artifact } from '../runtime/artifact.js';
import { check } from './check.js';
import type { CheckedProgram } from './checked.js';
import { lower } from './lower.js';

export interface CompileResult {
  file: ProgramFile;
  checked?: CheckedProgram;
  /** Present when there are no errors. */
  artifact?: Artifact;
  /** Syntax and checker diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * The stages, in order: parse (syntax errors; the checker still runs on the recovered tree so that
 * a syntax error does not hide type errors elsewhere), check, and lower when nothing is an error.
 */
export function compile(source: string): CompileResult {
  const parsed = parse(source);
  if (parsed.tooLarge) return { file: parsed.file, diagnostics: parsed.diagnostics };
  const checked = check(parsed.file);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]);
  if (hasErrors(diagnostics)) return { file: parsed.file, checked, diagnostics };
  return { file: parsed.file, checked, artifact: lower(checked, source), diagnostics };
}
