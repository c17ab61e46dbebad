/**
 * Prints the JSON statements of every period (and an explanation of every partner) for a program
 * and data read as JSON `{ source, files }` from stdin — for tests that run it in another process,
 * e.g. under another time zone.
 */
import { readFileSync } from 'node:fs';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { explainPartner, statementJson } from '../../runtime/statement.js';
import { compileOrThrow } from './run.js';

const { source, files } = JSON.parse(readFileSync(0, 'utf8')) as { source: string; files: Record<string, string> };
const artifact = compileOrThrow(source);
const { input, data } = loadData(artifact, files);
if (input.problems.length) throw new Error(`data problems: ${input.problems.length}`);
const ev = new Evaluator(artifact);
const results = ev.run(data, { explain: true });
const out = {
  tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
  offset: new Date(2026, 2, 31, 23, 30).getTimezoneOffset(),
  statements: results.map((r) => statementJson(artifact, r)),
  explained: results.flatMap((r) => r.partners.map((p) => explainPartner(artifact, r, p.id))),
};
process.stdout.write(JSON.stringify(out));
