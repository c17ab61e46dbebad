/** `incent test`: a program's test blocks; each failure is a diagnostic at its line of the program, with the trace that explains the value. */
import { CODES, TESTS } from '../core/codes.js';
import { diagnosticToJson, printable, renderDiagnostic, SourceText, type Diagnostic } from '../core/diagnostics.js';
import type { Artifact } from '../runtime/artifact.js';
import { runTests, type TestFailure, type TestOutcome } from '../runtime/tests.js';
import { coverageOfTests, type CoverageReport } from '../review/coverage.js';
import { reportSchemas } from '../review/schema.js';
import { COVERAGE_OPTIONS, coverageProgramOrFail, coverageRequest, writeCoverage } from './coverage.js';
import { UsageError, type Io } from './io.js';
import { options } from './options.js';
import { compileOrFail } from './program.js';

function failureDiagnostic(src: SourceText, f: TestFailure): Diagnostic {
  const hint = f.cause ? CODES[f.cause]?.hint && `${f.cause}: ${CODES[f.cause]!.hint}` : TESTS[f.code].hint;
  return { severity: 'error', code: f.code, message: f.message, span: src.lineSpan(f.line), ...(hint ? { hint } : {}), ...(f.trace?.length ? { notes: f.trace.map((t) => `trace: ${t}`) } : {}) };
}

export function cmdTest(io: Io, args: string[]): number {
  const { values, positionals } = options(args, { format: { type: 'string', default: 'text' }, ...COVERAGE_OPTIONS });
  if (positionals.length === 0) throw new UsageError('incent test needs at least one FILE');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}"`);
  const coverage = coverageRequest(values);
  if (coverage && positionals.length !== 1) throw new UsageError('incent test --coverage covers one program FILE');
  // Standard output holds one document: the tests' JSON holds a JSON coverage report (`coverage`);
  // a JSON or LCOV report there sends the tests' text to standard error.
  const toStdout = coverage !== undefined && coverage.output === undefined;
  if (toStdout && values.format === 'json' && coverage.format !== 'json') throw new UsageError('with --format json, the coverage report goes in the JSON (--coverage-format json) or to a file (--coverage-output FILE)');
  const out = toStdout && values.format === 'text' && coverage.format !== 'text' ? io.err : io.out;
  let passed = 0;
  let failed = 0;
  const json: unknown[] = [];
  let report: CoverageReport | undefined;
  for (const path of positionals) {
    let artifact: Artifact;
    let text: string;
    let outcomes: TestOutcome[];
    if (coverage) {
      const program = coverageProgramOrFail(io, path);
      ({ artifact } = program);
      text = program.source.text;
      ({ report, outcomes } = coverageOfTests(program, { program: path }));
    } else {
      ({ artifact, text } = compileOrFail(io, path));
      outcomes = runTests(artifact);
    }
    const src = new SourceText(path, text);
    for (const t of outcomes) {
      const diagnostics = t.failures.map((f) => failureDiagnostic(src, f));
      if (t.passed) passed++;
      else failed++;
      if (values.format === 'json') {
        json.push({ file: path, line: t.line, name: t.name, passed: t.passed, failures: diagnostics.map((d) => diagnosticToJson(src, d)) });
        continue;
      }
      out(`${t.passed ? 'ok  ' : 'FAIL'}  ${printable(`${path}:${t.line}: ${t.name}`)}\n`);
      for (const d of diagnostics) out(renderDiagnostic(src, d, { color: io.color }) + '\n\n');
    }
  }
  if (values.format === 'json') {
    const embedded = toStdout && report ? { coverage: reportSchemas().CoverageReportSchema.parse(report) } : {};
    out(JSON.stringify({ passed, failed, tests: json, ...embedded }, null, 2) + '\n');
  } else out(`${passed} passed, ${failed} failed\n`);
  if (coverage && report && !(toStdout && values.format === 'json')) {
    if (toStdout && coverage.format === 'text') io.out('\n');
    writeCoverage(io, coverage, report);
  }
  return failed ? 1 : 0;
}
