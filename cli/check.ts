/**
 * `incent check`: a program's diagnostics, and with `--data DIR` its data's problems too, as text
 * or JSON; with `--exposure`, the most each pot can pay (`review/exposure.ts`), on standard output.
 */
import { compile } from '../compiler/compile.js';
import type { ExposureReport } from '../review/exposure.js';
import { diagnosticToJson, SourceText, type JsonDiagnostic } from '../core/diagnostics.js';
import { openDataFolder } from '../runtime/data/node-stream.js';
import { dataFolder } from './data.js';
import { printDiagnostics, printProblems, summary, UsageError, type Io } from './io.js';
import { options } from './options.js';
import { readSource } from './program.js';

export function cmdCheck(io: Io, args: string[]): number | Promise<number> {
  const { values, positionals } = options(args, { format: { type: 'string', default: 'text' }, data: { type: 'string' }, exposure: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new UsageError('incent check needs at least one FILE');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}"`);
  if (values.data !== undefined && positionals.length !== 1) throw new UsageError('incent check --data DIR checks one program FILE');
  if (values.exposure && positionals.length !== 1) throw new UsageError('incent check --exposure analyses one program FILE');
  // The exposure analysis and its report's schema are loaded only when asked for (a plain check starts sooner).
  if (values.exposure) return Promise.all([import('../review/exposure.js'), import('../review/schema.js')]).then(([ex, schema]) => checkFiles(io, values, positionals, { ...ex, schema: schema.reportSchemas().ExposureReportSchema }));
  return checkFiles(io, values, positionals);
}

/** What `--exposure` uses. */
interface ExposureTools {
  exposure: typeof import('../review/exposure.js').exposure;
  renderExposureText: typeof import('../review/exposure.js').renderExposureText;
  schema: ReturnType<typeof import('../review/schema.js').reportSchemas>['ExposureReportSchema'];
}

function checkFiles(io: Io, values: { format?: string | undefined; data?: string | undefined; exposure?: boolean | undefined }, positionals: string[], ex?: ExposureTools): number {
  let failed = false;
  const json: JsonDiagnostic[] = [];
  let report: ExposureReport | undefined;
  for (const path of positionals) {
    const text = readSource(path);
    const r = compile(text);
    if (r.diagnostics.some((d) => d.severity === 'error')) failed = true;
    if (ex && r.artifact && r.checked) report = ex.exposure(r.artifact, { program: path }, { checked: r.checked, text });
    else if (values.exposure && values.format === 'text') io.err(`${path}: no exposure: the program has errors\n`);
    if (values.format === 'json') {
      const src = new SourceText(path, text);
      for (const d of r.diagnostics) json.push(diagnosticToJson(src, d));
    } else {
      printDiagnostics(io, path, text, r.diagnostics);
      io.err(`${path}: ${r.diagnostics.length ? summary(r.diagnostics) : 'ok'}\n`);
    }
    if (values.data === undefined) continue;
    if (!r.artifact) {
      if (values.format === 'text') io.err(`${values.data}: not checked: the program has errors\n`);
      continue;
    }
    const data = openDataFolder(dataFolder(values.data), r.artifact);
    const problems = data.problems();
    if (problems.some((p) => p.severity === 'error')) failed = true;
    if (values.format === 'json') for (const p of problems) json.push(diagnosticToJson(undefined, p));
    else {
      printProblems(io, problems);
      const counts = data.files().map((f) => `${f.file} ${f.input.toLocaleString('en-US')} record${f.input === 1 ? '' : 's'}${f.rejected ? ` (${f.rejected.toLocaleString('en-US')} invalid)` : ''}`);
      io.err(`${values.data}: ${problems.length ? summary(problems) : 'ok'}${counts.length ? ` — ${counts.join(', ')}` : ''}\n`);
    }
  }
  if (values.format === 'json') {
    // With --exposure, an object: the diagnostics and the exposure report (absent when the program has errors).
    const doc = values.exposure ? { diagnostics: json, ...(report ? { exposure: ex!.schema.parse(report) } : {}) } : json;
    io.out(JSON.stringify(doc, null, 2) + '\n');
  } else if (report) io.out(ex!.renderExposureText(report));
  return failed ? 1 : 0;
}
