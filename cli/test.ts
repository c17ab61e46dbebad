/** `incent test`: a program's test blocks; each failure is a diagnostic at its line of the program, with the trace that explains the value. */
import { CODES, TESTS } from '../core/codes.js';
import { diagnosticToJson, printable, renderDiagnostic, SourceText, type Diagnostic } from '../core/diagnostics.js';
import { runTests, type TestFailure } from '../runtime/tests.js';
import { UsageError, type Io } from './io.js';
import { options } from './options.js';
import { compileOrFail } from './program.js';

function failureDiagnostic(src: SourceText, f: TestFailure): Diagnostic {
  const hint = f.cause ? CODES[f.cause]?.hint && `${f.cause}: ${CODES[f.cause]!.hint}` : TESTS[f.code].hint;
  return { severity: 'error', code: f.code, message: f.message, span: src.lineSpan(f.line), ...(hint ? { hint } : {}), ...(f.trace?.length ? { notes: f.trace.map((t) => `trace: ${t}`) } : {}) };
}

export function cmdTest(io: Io, args: string[]): number {
  const { values, positionals } = options(args, { format: { type: 'string', default: 'text' } });
  if (positionals.length === 0) throw new UsageError('incent test needs at least one FILE');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}"`);
  let passed = 0;
  let failed = 0;
  const json: unknown[] = [];
  for (const path of positionals) {
    const { artifact, text } = compileOrFail(io, path);
    const src = new SourceText(path, text);
    for (const t of runTests(artifact)) {
      const diagnostics = t.failures.map((f) => failureDiagnostic(src, f));
      if (t.passed) passed++;
      else failed++;
      if (values.format === 'json') {
        json.push({ file: path, line: t.line, name: t.name, passed: t.passed, failures: diagnostics.map((d) => diagnosticToJson(src, d)) });
        continue;
      }
      io.out(`${t.passed ? 'ok  ' : 'FAIL'}  ${printable(`${path}:${t.line}: ${t.name}`)}\n`);
      for (const d of diagnostics) io.out(renderDiagnostic(src, d, { color: io.color }) + '\n\n');
    }
  }
  if (values.format === 'json') io.out(JSON.stringify({ passed, failed, tests: json }, null, 2) + '\n');
  else io.out(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}
