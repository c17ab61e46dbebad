/**
 * `--coverage` of `incent test` and `incent run` (spec §14.2): the options, the program compiled for
 * coverage, and where the report goes. The report itself is `review/coverage.ts`'s.
 *
 * Where it goes: with `--coverage-output FILE`, to FILE, and the command prints what it prints
 * anyway; without, to standard output — for `run`, instead of the statements; for `test`, after
 * the tests' lines when it is text, and instead of them (they go to standard error) when it is
 * JSON or LCOV, so that standard output holds one document.
 */
import { writeFileSync } from 'node:fs';
import { coverageProgram, renderCoverageLcov, renderCoverageText, type CoverageProgram, type CoverageReport } from '../review/coverage.js';
import { reportSchemas } from '../review/schema.js';
import { ExitError, printDiagnostics, summary, UsageError, type Io } from './io.js';
import { readSource } from './program.js';

/** The options `run` and `test` take for coverage. */
export const COVERAGE_OPTIONS = {
  coverage: { type: 'boolean', default: false },
  'coverage-format': { type: 'string' },
  'coverage-output': { type: 'string' },
} as const;

export type CoverageFormat = 'text' | 'json' | 'lcov';

export interface CoverageRequest {
  format: CoverageFormat;
  /** The file the report goes to; standard output when absent. */
  output?: string;
}

/** The coverage asked for (`--coverage`, implied by `--coverage-format` and `--coverage-output`), or undefined. */
export function coverageRequest(values: { coverage: boolean; 'coverage-format'?: string | undefined; 'coverage-output'?: string | undefined }): CoverageRequest | undefined {
  const format = values['coverage-format'];
  const output = values['coverage-output'];
  if (!values.coverage && format === undefined && output === undefined) return undefined;
  if (format !== undefined && format !== 'text' && format !== 'json' && format !== 'lcov') throw new UsageError(`--coverage-format must be text, json or lcov, not "${format}"`);
  if (output === '') throw new UsageError('--coverage-output needs a file, not an empty path');
  return { format: (format ?? 'text') as CoverageFormat, ...(output !== undefined ? { output } : {}) };
}

/** Reads and compiles a program for coverage, or prints its diagnostics and fails (as `compileOrFail`). */
export function coverageProgramOrFail(io: Io, path: string): CoverageProgram {
  const text = readSource(path);
  const { program, diagnostics } = coverageProgram(text, path);
  if (!program) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    printDiagnostics(io, path, text, errors);
    throw new ExitError(1, `${path}: ${summary(errors)}; nothing was run`);
  }
  return program;
}

/** A report in its format. JSON is checked against its schema (a failure is a bug: exit 70). */
export function renderCoverage(r: CoverageReport, format: CoverageFormat): string {
  if (format === 'json') return JSON.stringify(reportSchemas().CoverageReportSchema.parse(r), null, 2) + '\n';
  if (format === 'lcov') return renderCoverageLcov(r);
  return renderCoverageText(r);
}

/** Writes a report where it was asked for: its file (a message on standard error says so), or standard output. */
export function writeCoverage(io: Io, req: CoverageRequest, r: CoverageReport): void {
  const text = renderCoverage(r, req.format);
  if (req.output === undefined) {
    io.out(text);
    return;
  }
  try {
    writeFileSync(req.output, text);
  } catch (e) {
    throw new ExitError(2, `--coverage-output ${req.output}: cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  io.err(`coverage: ${r.summary.reached} of ${r.summary.items} items reached; written to ${req.output}\n`);
}
